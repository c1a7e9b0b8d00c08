import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { createLogger, MemoryCache } from '@crm/runtime';
import { ApiKeyLookupError } from '../auth/api-keys.ts';
import { AuthError, useAuth, type AuthOptions } from './useAuth.ts';

const logger = createLogger('auth-test');

interface KeyPair {
  privateKey: CryptoKey;
  jwk: JWK;
  alg: string;
}

async function keyPair(alg: 'EdDSA' | 'ES256' | 'RS256'): Promise<KeyPair> {
  const { privateKey, publicKey } = await generateKeyPair(alg, alg === 'EdDSA' ? { crv: 'Ed25519' } : {});
  return { privateKey, jwk: { ...(await exportJWK(publicKey)), kid: randomUUID(), alg, use: 'sig' }, alg };
}

interface JwksServer {
  url: string;
  requests: number;
  keys: JWK[];
  down: boolean;
  server: Server;
}

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
});

async function jwksServer(keys: JWK[]): Promise<JwksServer> {
  const state = { requests: 0, keys, down: false } as JwksServer;
  state.server = createServer((_req, res) => {
    state.requests++;
    if (state.down) return void res.writeHead(503).end();
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: state.keys }));
  });
  servers.push(state.server);
  await new Promise<void>((resolve) => state.server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(state.server.address() as AddressInfo).port}/.well-known/jwks.json`;
  return state;
}

function sign(key: KeyPair, claims: Record<string, unknown> = {}, options: { kid?: string; expiresIn?: string | number } = {}) {
  return new SignJWT({ tid: randomUUID(), roles: ['SALES_REP'], ...claims })
    .setProtectedHeader({ alg: key.alg, kid: options.kid ?? key.jwk.kid! })
    .setIssuer('crm-platform')
    .setAudience('crm-api')
    .setSubject(randomUUID())
    .setExpirationTime(options.expiresIn ?? '5m')
    .sign(key.privateKey);
}

const authFor = (jwks: JwksServer, extra: Partial<AuthOptions> = {}) =>
  useAuth({ jwksUrl: jwks.url, cache: new MemoryCache(), logger, ...extra });

describe('useAuth', () => {
  it('verifies EdDSA, ES256 and RS256 tokens whose keys the JWKS publishes', async () => {
    const keys = await Promise.all([keyPair('EdDSA'), keyPair('ES256'), keyPair('RS256')]);
    const auth = authFor(await jwksServer(keys.map((k) => k.jwk)));
    for (const key of keys) {
      const tenantId = randomUUID();
      const verified = await auth.verifyToken(await sign(key, { tid: tenantId }));
      expect(verified.tenantId).toBe(tenantId);
      expect(verified.roles).toEqual(['SALES_REP']);
    }
  });

  it('turns an Authorization header into an identity, and no header into an anonymous one', async () => {
    const key = await keyPair('EdDSA');
    const auth = authFor(await jwksServer([key.jwk]));
    const tenantId = randomUUID();
    expect(await auth.identify(`Bearer ${await sign(key, { tid: tenantId, roles: ['TENANT_ADMIN'] })}`, 'r1')).toMatchObject({ tenantId, roles: ['TENANT_ADMIN'], requestId: 'r1' });
    expect(await auth.identify(undefined, 'r2')).toEqual({ tenantId: null, userId: null, roles: [], requestId: 'r2' });
    await expect(auth.identify('Basic dXNlcjpwYXNz', 'r3')).rejects.toMatchObject({ failure: 'malformed' });
  });

  it('adds the team facts and custom grants of the user, asks again once they are forgotten, and gives partner clients none', async () => {
    const key = await keyPair('EdDSA');
    let grants: Record<string, string> = { 'contact:read': 'tenant' };
    const asked: string[] = [];
    const auth = authFor(await jwksServer([key.jwk]), {
      teamFacts: { lookup: async (_tenantId, userId) => (asked.push(userId), { teamId: null, teamMemberIds: [], customGrants: grants }) },
    });
    const tenantId = randomUUID();
    const token = await sign(key, { tid: tenantId });
    const first = await auth.identify(`Bearer ${token}`, 'r1');
    expect(first).toMatchObject({ tenantId, roles: ['SALES_REP'], teamId: null, teamMemberIds: [], customGrants: { 'contact:read': 'tenant' } });
    grants = {};
    expect((await auth.identify(`Bearer ${token}`, 'r2')).customGrants).toEqual({ 'contact:read': 'tenant' });
    await auth.forgetFacts(tenantId, [first.userId!]);
    expect((await auth.identify(`Bearer ${token}`, 'r3')).customGrants).toEqual({});
    expect(asked).toHaveLength(2);
    const client = await auth.identify(`Bearer ${await sign(key, { tid: tenantId, actor: 'client', client_id: 'partner' })}`, 'r4');
    expect(client.customGrants).toBeUndefined();
  });

  it('refuses tokens without a tenant, with malformed roles, or expired', async () => {
    const key = await keyPair('EdDSA');
    const auth = authFor(await jwksServer([key.jwk]));
    await expect(auth.verifyToken(await sign(key, { tid: undefined }))).rejects.toMatchObject({ failure: 'invalid' });
    await expect(auth.verifyToken(await sign(key, { roles: 'admin' }))).rejects.toMatchObject({ failure: 'invalid' });
    await expect(auth.verifyToken(await sign(key, {}, { expiresIn: Math.floor(Date.now() / 1000) - 60 }))).rejects.toMatchObject({ failure: 'expired' });
  });

  it('refuses an RS256 token when only an Ed25519 key is published, and HS256 always', async () => {
    const ed = await keyPair('EdDSA');
    const rsa = await keyPair('RS256');
    const auth = authFor(await jwksServer([ed.jwk]), { jwks: { refetchCooldownMs: 0 } });
    await expect(auth.verifyToken(await sign(rsa, {}, { kid: ed.jwk.kid! }))).rejects.toBeInstanceOf(AuthError);
    const hmac = await new SignJWT({ tid: randomUUID() }).setProtectedHeader({ alg: 'HS256', kid: ed.jwk.kid! }).setIssuer('crm-platform').setAudience('crm-api').setSubject('u').setExpirationTime('5m').sign(new TextEncoder().encode('x'.repeat(32)));
    await expect(auth.verifyToken(hmac)).rejects.toMatchObject({ failure: 'invalid' });
  });

  it('keeps the JWKS in the cache and refetches once for an unknown key id', async () => {
    const first = await keyPair('EdDSA');
    const jwks = await jwksServer([first.jwk]);
    const cache = new MemoryCache();
    const auth = useAuth({ jwksUrl: jwks.url, cache, logger });
    await auth.verifyToken(await sign(first));
    await auth.verifyToken(await sign(first));
    expect(jwks.requests).toBe(1);
    expect(JSON.parse((await cache.get('g:jwks'))!)).toEqual({ keys: [first.jwk] });

    const rotated = await keyPair('EdDSA');
    jwks.keys = [first.jwk, rotated.jwk];
    await auth.verifyToken(await sign(rotated));
    expect(jwks.requests).toBe(2);

    // A second unknown key id within the cooldown does not cause another download.
    const unknown = await keyPair('EdDSA');
    await expect(auth.verifyToken(await sign(unknown))).rejects.toMatchObject({ failure: 'invalid' });
    expect(jwks.requests).toBe(2);
  });

  it('shares the JWKS between gateway instances through the cache', async () => {
    const key = await keyPair('EdDSA');
    const jwks = await jwksServer([key.jwk]);
    const cache = new MemoryCache();
    await useAuth({ jwksUrl: jwks.url, cache, logger }).verifyToken(await sign(key));
    await useAuth({ jwksUrl: jwks.url, cache, logger }).verifyToken(await sign(key));
    expect(jwks.requests).toBe(1);
  });

  it('answers 503 while no keys can be loaded, and keeps the last known keys when the platform goes down', async () => {
    const key = await keyPair('EdDSA');
    const jwks = await jwksServer([key.jwk]);
    jwks.down = true;
    const cache = new MemoryCache();
    const auth = authFor(jwks, { cache, jwks: { localTtlMs: 0, refetchCooldownMs: 0 } });
    const failure = await auth.verifyToken(await sign(key)).catch((error: unknown) => error);
    expect(failure).toMatchObject({ failure: 'unavailable' });
    expect(auth.httpError(failure as AuthError).status).toBe(503);

    jwks.down = false;
    await auth.verifyToken(await sign(key));
    jwks.down = true;
    await cache.delete('g:jwks');
    const tenantId = randomUUID();
    expect((await auth.verifyToken(await sign(key, { tid: tenantId }))).tenantId).toBe(tenantId);
  });

  it('maps invalid tokens to 401 with a Bearer challenge', async () => {
    const auth = authFor(await jwksServer([]));
    const error = auth.httpError(new AuthError('invalid', 'Access token is invalid'));
    expect(error.status).toBe(401);
    expect(error.code).toBe('UNAUTHENTICATED');
    expect(error.headers['www-authenticate']).toContain('invalid_token');
  });
});

describe('useAuth without reachable keys', () => {
  it('refuses malformed tokens and forbidden algorithms without loading keys', async () => {
    const jwks = await jwksServer([]);
    jwks.down = true;
    const auth = authFor(jwks);
    const enc = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const none = `${enc({ alg: 'none' })}.${enc({ iss: 'crm-platform', aud: 'crm-api', sub: 'u', tid: 't', exp: 9_999_999_999 })}.`;
    await expect(auth.verifyToken('abc.def.ghi')).rejects.toMatchObject({ failure: 'invalid' });
    await expect(auth.verifyToken(none)).rejects.toMatchObject({ failure: 'invalid' });
    expect(jwks.requests).toBe(0);
  });
});

describe('useAuth with API keys', () => {
  const apiKey = `crm_${'p'.repeat(43)}`;
  const grant = { apiKeyId: randomUUID(), tenantId: randomUUID(), roles: ['SALES_MANAGER'], persistedOnly: true, expiresAt: null };

  it('acts as the key’s tenant and role, with actor kind apikey and no user, from either header', async () => {
    const jwks = await jwksServer([]);
    const auth = authFor(jwks, { apiKeys: { lookup: async (key) => (key === apiKey ? grant : null) } });
    const expected = { tenantId: grant.tenantId, userId: null, roles: ['SALES_MANAGER'], requestId: 'r1', actorKind: 'apikey', apiKeyId: grant.apiKeyId };
    const viaBearer = await auth.authenticate({ authorization: `Bearer ${apiKey}` }, 'r1');
    expect(viaBearer).toEqual(expected);
    expect(auth.apiKeyOf(viaBearer)).toEqual(grant);
    expect(await auth.authenticate({ 'x-api-key': apiKey }, 'r1')).toEqual(expected);
    expect(await auth.identify(`Bearer ${apiKey}`, 'r1')).toEqual(expected);
    expect(auth.apiKeyOf(await auth.authenticate({}, 'r2'))).toBeUndefined();
    expect(jwks.requests).toBe(0);
  });

  it('answers every unknown, malformed or refused key with the same 401', async () => {
    const auth = authFor(await jwksServer([]), { apiKeys: { lookup: async () => null } });
    for (const headers of [{ 'x-api-key': apiKey }, { authorization: `Bearer ${apiKey}` }, { 'x-api-key': 'crm_short' }]) {
      const error = await auth.authenticate(headers, 'r').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AuthError);
      const http = auth.httpError(error as AuthError);
      expect(http).toMatchObject({ status: 401, code: 'UNAUTHENTICATED', message: 'The API key is invalid, expired or revoked' });
    }
    const withoutLookup = authFor(await jwksServer([]));
    await expect(withoutLookup.authenticate({ 'x-api-key': apiKey }, 'r')).rejects.toMatchObject({ failure: 'invalid', credential: 'apikey' });
  });

  it('is a 503 when the platform cannot be asked', async () => {
    const auth = authFor(await jwksServer([]), {
      apiKeys: {
        lookup: async () => {
          throw new ApiKeyLookupError('down');
        },
      },
      logger: createLogger('auth-test', 'silent'),
    });
    const error = (await auth.authenticate({ 'x-api-key': apiKey }, 'r').catch((e: unknown) => e)) as AuthError;
    expect(auth.httpError(error)).toMatchObject({ status: 503, headers: { 'retry-after': '5' } });
  });
});
