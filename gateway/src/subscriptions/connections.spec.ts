import { describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import { createLogger, HttpError, type Identity } from '@crm/runtime';
import type { ApiKeyGrant } from '../auth/api-keys.ts';
import { AuthError, type Authenticator } from '../plugins/useAuth.ts';
import { Connections, presentedHeaders } from './connections.ts';

const KEY = `crm_${'k'.repeat(43)}`;
const logger = createLogger('connections-test', 'silent');

/** A socket that records how it was closed. */
function socket() {
  const closed: Array<{ code: number; reason: string }> = [];
  return { closed, ws: { close: (code: number, reason: string) => closed.push({ code, reason }) } as unknown as WebSocket };
}

/** An authenticator knowing one API key, revocable. */
function keyAuthenticator() {
  const grant: ApiKeyGrant = { apiKeyId: 'key-1', tenantId: 'tenant-1', roles: ['TENANT_ADMIN'], persistedOnly: false, expiresAt: null };
  const state = { revoked: false };
  const grants = new WeakMap<Identity, ApiKeyGrant>();
  const authenticator = {
    async authenticate(headers: { 'x-api-key'?: string | string[] }) {
      if (state.revoked || headers['x-api-key'] !== KEY) throw new AuthError('invalid', 'The API key is invalid, expired or revoked', 'apikey');
      const identity: Identity = { tenantId: grant.tenantId, userId: null, roles: grant.roles, requestId: 'r', actorKind: 'apikey', apiKeyId: grant.apiKeyId };
      grants.set(identity, grant);
      return identity;
    },
    apiKeyOf: (identity: Identity) => grants.get(identity),
    verifyToken: async () => {
      throw new AuthError('invalid', 'Access token is invalid');
    },
  } as unknown as Authenticator;
  return { authenticator, state };
}

describe('presentedHeaders', () => {
  it('reads an API key from apiKey, x-api-key or a Bearer credential, and a token as before', () => {
    expect(presentedHeaders({ apiKey: KEY })).toEqual({ authorization: undefined, 'x-api-key': KEY });
    expect(presentedHeaders({ 'x-api-key': KEY })).toEqual({ authorization: undefined, 'x-api-key': KEY });
    expect(presentedHeaders({ Authorization: `Bearer ${KEY}` })).toEqual({ authorization: `Bearer ${KEY}`, 'x-api-key': undefined });
    expect(presentedHeaders({ token: 'jwt' })).toEqual({ authorization: 'Bearer jwt', 'x-api-key': undefined });
    expect(presentedHeaders({ apiKey: 42, token: '' })).toEqual({ authorization: undefined, 'x-api-key': undefined });
    expect(presentedHeaders(undefined)).toEqual({ authorization: undefined, 'x-api-key': undefined });
  });
});

describe('API key connections', () => {
  it('act as the key, and close with 4403 when the key is revoked (event) or no longer verifies (recheck)', async () => {
    const { authenticator, state } = keyAuthenticator();
    const connections = new Connections({ authenticator, logger, maxQueued: 10, maxConnectionsPerTenant: 10, apiKeyRecheckMs: 20 });
    const first = socket();
    const connection = await connections.open({ apiKey: KEY }, first.ws);
    expect(connection?.identity).toMatchObject({ tenantId: 'tenant-1', actorKind: 'apikey', apiKeyId: 'key-1', userId: null });
    expect(connection?.apiKey).toMatchObject({ id: 'key-1', persistedOnly: false });

    // another tenant's event about the same id closes nothing
    expect(connections.revoked('tenant-2', 'key-1')).toBe(0);
    expect(connections.revoked('tenant-1', 'key-1')).toBe(1);
    expect(first.closed).toEqual([{ code: 4403, reason: 'API key revoked' }]);
    connections.close(connection!);
    expect(connections.revoked('tenant-1', 'key-1')).toBe(0);

    const second = socket();
    const again = await connections.open({ authorization: `Bearer ${KEY}` }, second.ws);
    expect(again).not.toBeNull();
    state.revoked = true;
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(second.closed[0]).toEqual({ code: 4403, reason: 'API key revoked' });
    connections.close(again!);
  });

  it('refuses bad keys with 4401 and keys over their rate limit with 4429, and counts operations', async () => {
    const { authenticator } = keyAuthenticator();
    let used = 0;
    const rateLimit = async () => {
      if (++used > 2) throw new HttpError(429, 'RATE_LIMITED', 'Too many requests for this API key; retry in 7 s', { 'retry-after': '7' });
      return {};
    };
    const connections = new Connections({ authenticator, logger, maxQueued: 10, maxConnectionsPerTenant: 10, rateLimit });
    const bad = socket();
    expect(await connections.open({ apiKey: `crm_${'x'.repeat(43)}` }, bad.ws)).toBeNull();
    expect(bad.closed[0]?.code).toBe(4401);
    const none = socket();
    expect(await connections.open({}, none.ws)).toBeNull();
    expect(none.closed[0]?.code).toBe(4401);

    const ok = socket();
    const connection = await connections.open({ apiKey: KEY }, ok.ws);
    expect(await connections.admitOperation(connection!)).toBeNull();
    const refused = await connections.admitOperation(connection!);
    expect(refused?.extensions).toMatchObject({ code: 'RATE_LIMITED', retryAfter: 7 });
    const over = socket();
    expect(await connections.open({ apiKey: KEY }, over.ws)).toBeNull();
    expect(over.closed[0]).toEqual({ code: 4429, reason: 'Too many requests for this API key' });
    connections.close(connection!);
  });
});
