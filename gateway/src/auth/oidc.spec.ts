import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { createLogger, MemoryCache } from '@crm/runtime';
import { useAuth } from '../plugins/useAuth.ts';
import { createOidcProxy, isPartnerClientToken, oidcIssuerOf } from './oidc.ts';

const logger = createLogger('oidc-test', 'silent');
const ISSUER = 'https://api.example.com/oidc';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
});

async function listen(handler: Parameters<typeof createServer>[1]): Promise<string> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function signer(): Promise<{ privateKey: CryptoKey; jwk: JWK; jwksUrl: string }> {
  const { privateKey, publicKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
  const jwk = { ...(await exportJWK(publicKey)), kid: randomUUID(), alg: 'EdDSA', use: 'sig' };
  const origin = await listen((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] })));
  return { privateKey, jwk, jwksUrl: `${origin}/.well-known/jwks.json` };
}

function oidcToken(key: { privateKey: CryptoKey; jwk: JWK }, sub: string, claims: Record<string, unknown>, issuer = ISSUER) {
  return new SignJWT({ client_id: 'crm-web', scope: 'api', ...claims })
    .setProtectedHeader({ alg: 'EdDSA', kid: key.jwk.kid!, typ: 'at+jwt' })
    .setIssuer(issuer)
    .setAudience('crm-api')
    .setSubject(sub)
    .setIssuedAt()
    .setExpirationTime('15m')
    .sign(key.privateKey);
}

describe('OpenID Connect access tokens at the gateway', () => {
  it("accepts a user's token from the OpenID Connect issuer as that user", async () => {
    const key = await signer();
    const auth = useAuth({ jwksUrl: key.jwksUrl, cache: new MemoryCache(), logger, issuer: ['crm-platform', ISSUER] });
    const userId = randomUUID();
    const tenantId = randomUUID();
    const identity = await auth.identify(`Bearer ${await oidcToken(key, userId, { tid: tenantId, roles: ['SALES_MANAGER'], email: 'm@example.com' })}`, 'r1');
    expect(identity).toEqual({ tenantId, userId, roles: ['SALES_MANAGER'], requestId: 'r1' });
  });

  it("forwards a partner client's token like an API key: no user, the client id, its role", async () => {
    const key = await signer();
    const auth = useAuth({ jwksUrl: key.jwksUrl, cache: new MemoryCache(), logger, issuer: ['crm-platform', ISSUER] });
    const clientId = randomUUID();
    const tenantId = randomUUID();
    const identity = await auth.identify(`Bearer ${await oidcToken(key, clientId, { client_id: clientId, tid: tenantId, roles: ['SALES_REP'], actor: 'client' })}`, 'r2');
    expect(identity).toEqual({ tenantId, userId: null, roles: ['SALES_REP'], requestId: 'r2', actorKind: 'apikey', apiKeyId: clientId });
    // Not an API key grant: nothing like persisted-only applies to it.
    expect(auth.apiKeyOf(identity)).toBeUndefined();
  });

  it('refuses tokens from an issuer it was not told about', async () => {
    const key = await signer();
    const onlyLogin = useAuth({ jwksUrl: key.jwksUrl, cache: new MemoryCache(), logger });
    await expect(onlyLogin.verifyToken(await oidcToken(key, randomUUID(), { tid: randomUUID(), roles: [] }))).rejects.toMatchObject({ failure: 'invalid' });
    const auth = useAuth({ jwksUrl: key.jwksUrl, cache: new MemoryCache(), logger, issuer: ['crm-platform', ISSUER] });
    await expect(auth.verifyToken(await oidcToken(key, randomUUID(), { tid: randomUUID(), roles: [] }, 'https://evil.example/oidc'))).rejects.toMatchObject({ failure: 'invalid' });
  });

  it('tells partner tokens apart by their actor claim only', () => {
    expect(isPartnerClientToken({ actor: 'client' })).toBe(true);
    expect(isPartnerClientToken({ actor: 'user' })).toBe(false);
    expect(isPartnerClientToken({ sub: 'x', client_id: 'x' })).toBe(false);
    expect(oidcIssuerOf('https://api.example.com/graphql')).toBe('https://api.example.com/oidc');
  });
});

describe('OpenID Connect forwarding', () => {
  it('forwards /oidc and /oidc/* with the body, replaces x-forwarded-for and drops the identity header', async () => {
    const seen: Array<{ method: string; url: string; headers: IncomingMessage['headers']; body: string }> = [];
    const upstream = await listen(async (req, res) => {
      let body = '';
      for await (const chunk of req) body += String(chunk);
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      res.writeHead(400, { 'content-type': 'application/json', 'set-cookie': ['a=1; path=/oidc', 'b=2; path=/oidc'] }).end('{"error":"invalid_grant"}');
    });
    const proxy = createOidcProxy({ upstream, logger });
    const gateway = await listen(async (req, res) => {
      if (!(await proxy(req, res))) res.writeHead(404).end('not oidc');
    });

    const answer = await fetch(`${gateway}/oidc/token?x=1`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': '6.6.6.6', 'x-crm-identity': 'forged' },
      body: 'grant_type=refresh_token&refresh_token=abc',
    });
    expect(answer.status).toBe(400);
    expect(await answer.json()).toEqual({ error: 'invalid_grant' });
    expect(answer.headers.getSetCookie()).toEqual(['a=1; path=/oidc', 'b=2; path=/oidc']);
    expect(seen[0]).toMatchObject({ method: 'POST', url: '/oidc/token?x=1', body: 'grant_type=refresh_token&refresh_token=abc' });
    expect(seen[0]!.headers['x-forwarded-for']).toBe('127.0.0.1');
    expect(seen[0]!.headers['x-forwarded-host']).toBe(new URL(gateway).host);
    expect(seen[0]!.headers['x-crm-identity']).toBeUndefined();

    expect((await fetch(`${gateway}/oidc`)).status).toBe(400);
    expect(seen[1]!.url).toBe('/oidc');
    const other = await fetch(`${gateway}/oidcx/token`);
    expect(other.status).toBe(404);
    expect(seen).toHaveLength(2);
  });

  it('answers 503 with OAuth error JSON when the platform is unreachable', async () => {
    const closed = await listen((_req, res) => res.end());
    const origin = closed;
    await new Promise<void>((resolve) => servers.pop()!.close(() => resolve()));
    const proxy = createOidcProxy({ upstream: origin, logger });
    const gateway = await listen(async (req, res) => {
      if (!(await proxy(req, res))) res.writeHead(404).end();
    });
    const answer = await fetch(`${gateway}/oidc/.well-known/openid-configuration`);
    expect(answer.status).toBe(503);
    expect(await answer.json()).toMatchObject({ error: 'temporarily_unavailable' });
  });
});
