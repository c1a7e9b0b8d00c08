import { describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import { createLogger, HttpError, type Identity } from '@crm/runtime';
import type { ApiKeyGrant } from '../auth/api-keys.ts';
import { AuthError, type Authenticator } from '../plugins/useAuth.ts';
import { Connections, presentedHeaders, type Connection } from './connections.ts';
import { UserConnections } from './user-connections.ts';

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

describe('user connections', () => {
  const at = Date.parse('2026-11-26T10:00:00.500Z');
  /** An authenticator accepting the tokens it knows (as a stale read of the shared record would). */
  function tokenAuthenticator(tokens: Record<string, { tenantId: string; userId: string; issuedAt: number }>) {
    return {
      verifyToken: async (token: string) => {
        const known = tokens[token];
        if (!known) throw new AuthError('invalid', 'Access token is invalid');
        return { ...known, roles: ['SALES_REP'], expiresAt: Date.now() + 60_000 };
      },
    } as unknown as Authenticator;
  }

  it('close with 4403 when their user is deactivated, only those of that tenant and user issued before it', async () => {
    const authenticator = tokenAuthenticator({
      rep: { tenantId: 'tenant-1', userId: 'user-1', issuedAt: at - 60_000 },
      sameSecond: { tenantId: 'tenant-1', userId: 'user-1', issuedAt: Math.floor(at / 1000) * 1000 },
      later: { tenantId: 'tenant-1', userId: 'user-1', issuedAt: at + 5_000 },
      manager: { tenantId: 'tenant-1', userId: 'user-2', issuedAt: at - 60_000 },
      otherTenant: { tenantId: 'tenant-2', userId: 'user-1', issuedAt: at - 60_000 },
    });
    const connections = new Connections({ authenticator, logger, maxQueued: 10, maxConnectionsPerTenant: 10 });
    const sockets = Object.fromEntries(['rep', 'sameSecond', 'later', 'manager', 'otherTenant'].map((name) => [name, socket()]));
    const open = new Map<string, Connection>();
    for (const [name, { ws }] of Object.entries(sockets)) open.set(name, (await connections.open({ token: name }, ws))!);
    expect(open.get('rep')?.issuedAt).toBe(at - 60_000);

    expect(connections.deactivated({ tenantId: 'tenant-1', userId: 'user-1', at })).toBe(2);
    expect(sockets['rep']!.closed).toEqual([{ code: 4403, reason: 'User deactivated' }]);
    expect(sockets['sameSecond']!.closed).toEqual([{ code: 4403, reason: 'User deactivated' }]);
    for (const name of ['later', 'manager', 'otherTenant']) expect(sockets[name]!.closed, name).toEqual([]);

    // closed connections are forgotten
    connections.close(open.get('rep')!);
    connections.close(open.get('sameSecond')!);
    expect(connections.deactivated({ tenantId: 'tenant-1', userId: 'user-1', at })).toBe(0);
    for (const connection of open.values()) connections.close(connection);
  });

  it('refuse a token verified while the deactivation arrived, and follow a refreshed token', async () => {
    const authenticator = tokenAuthenticator({
      old: { tenantId: 'tenant-1', userId: 'user-1', issuedAt: at - 60_000 },
      fresh: { tenantId: 'tenant-1', userId: 'user-1', issuedAt: at + 5_000 },
    });
    const connections = new Connections({ authenticator, logger, maxQueued: 10, maxConnectionsPerTenant: 10 });
    connections.deactivated({ tenantId: 'tenant-1', userId: 'user-1', at });
    const late = socket();
    expect(await connections.open({ token: 'old' }, late.ws)).toBeNull();
    expect(late.closed).toEqual([{ code: 4401, reason: 'Unauthorized' }]);

    // signed in again after a reactivation: the new token's connection stays; a later deactivation closes it
    const again = socket();
    const connection = await connections.open({ token: 'fresh' }, again.ws);
    expect(connection).not.toBeNull();
    expect(connections.deactivated({ tenantId: 'tenant-1', userId: 'user-1', at })).toBe(0);
    await connections.refresh(connection!, { token: 'old' }, again.ws);
    expect(connection!.issuedAt).toBe(at - 60_000);
    expect(connections.deactivated({ tenantId: 'tenant-1', userId: 'user-1', at })).toBe(1);
    connections.close(connection!);
  });

  it('remember a deactivation for a bounded time, and never index API key connections', async () => {
    let now = at;
    const users = new UserConnections(logger, 1_000, () => now);
    users.deactivated({ tenantId: 'tenant-1', userId: 'user-1', at });
    expect(users.refuses('tenant-1', 'user-1', at - 1)).toBe(true);
    expect(users.refuses('tenant-1', 'user-1', at + 1_000)).toBe(false);
    expect(users.refuses('tenant-2', 'user-1', at - 1)).toBe(false);
    now += 1_000;
    expect(users.refuses('tenant-1', 'user-1', at - 1)).toBe(false);

    const { authenticator } = keyAuthenticator();
    const connections = new Connections({ authenticator, logger, maxQueued: 10, maxConnectionsPerTenant: 10 });
    const keySocket = socket();
    const keyConnection = await connections.open({ apiKey: KEY }, keySocket.ws);
    users.add(keyConnection!, keySocket.ws);
    expect(users.size).toBe(0);
    connections.close(keyConnection!);
  });
});
