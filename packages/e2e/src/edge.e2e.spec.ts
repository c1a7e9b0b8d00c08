/**
 * The public edge. Access tokens: only tokens signed by the platform's current keys, for this API,
 * unexpired, pass. Anything else is UNAUTHENTICATED (HTTP 401), never a 5xx. Automatic persisted
 * queries and the JWKS live in the shared cache (Redis).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importJWK, SignJWT, type JWK } from 'jose';
import { createHash } from 'node:crypto';
import { Redis } from 'ioredis';
import type { Stack } from '@crm/stack';
import { gql, startRealStack } from '@crm/testkit';
import { seedSalesTenant, type SalesTenant } from './fixtures.ts';

let stack: Stack;
let tenant: SalesTenant;

beforeAll(async () => {
  stack = await startRealStack();
  tenant = await seedSalesTenant(stack, 'auth', 1);
});
afterAll(async () => {
  await stack?.stop();
});

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

async function expectUnauthenticated(token: string) {
  const result = await gql(stack.gatewayUrl, '{ me { id } }', {}, { token });
  expect(result.status).toBe(401);
  expect(result.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
}

async function platformKey() {
  const key = await stack.subgraphs.platform.subgraph.prisma.signingKey.findFirst({ where: { retiredAt: null }, orderBy: { createdAt: 'desc' } });
  if (!key) throw new Error('platform has no signing key');
  return { kid: key.id, privateJwk: key.privateJwk as unknown as JWK };
}

describe('access tokens', () => {
  it('accepts the token login issued', async () => {
    const result = await gql<{ me: { id: string } }>(stack.gatewayUrl, '{ me { id } }', {}, { token: tenant.admin.token });
    expect(result.data?.me.id).toBe(tenant.admin.id);
  });

  it('rejects a tampered token', async () => {
    const [header, payload, signature] = tenant.admin.token.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
    await expectUnauthenticated(`${header}.${b64({ ...claims, roles: ['SYSTEM_ADMIN'] })}.${signature}`);
  });

  it('rejects alg none', async () => {
    const [, payload] = tenant.admin.token.split('.') as [string, string];
    await expectUnauthenticated(`${b64({ alg: 'none', typ: 'JWT' })}.${payload}.`);
  });

  it('rejects an HS256 token (algorithm confusion)', async () => {
    const [, payload] = tenant.admin.token.split('.') as [string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
    const token = await new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode('a'.repeat(32)));
    await expectUnauthenticated(token);
  });

  it('rejects an expired token and one for another audience, even when correctly signed', async () => {
    const { kid, privateJwk } = await platformKey();
    const key = await importJWK(privateJwk, 'EdDSA');
    const base = { tid: tenant.tenantId, roles: ['TENANT_ADMIN'], email: tenant.admin.email };
    const expired = await new SignJWT(base)
      .setProtectedHeader({ alg: 'EdDSA', kid })
      .setIssuer('crm-platform')
      .setAudience('crm-api')
      .setSubject(tenant.admin.id)
      .setIssuedAt(Math.floor(Date.now() / 1000) - 3600)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 1800)
      .sign(key);
    await expectUnauthenticated(expired);
    const otherAudience = await new SignJWT(base)
      .setProtectedHeader({ alg: 'EdDSA', kid })
      .setIssuer('crm-platform')
      .setAudience('someone-else')
      .setSubject(tenant.admin.id)
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(key);
    await expectUnauthenticated(otherAudience);
  });

  it('rejects garbage in the Authorization header', async () => {
    await expectUnauthenticated('not-a-jwt');
  });

  it('keeps the JWKS in Redis', async () => {
    const redis = new Redis(stack.config.redisUrl!);
    try {
      expect(await redis.exists('crm:g:jwks')).toBe(1);
    } finally {
      redis.disconnect();
    }
  });
});

describe('automatic persisted queries', () => {
  it('registers a document by hash in Redis and serves it by hash afterwards', async () => {
    const query = `{ me { id email } } # apq ${Date.now()}`;
    const sha256Hash = createHash('sha256').update(query).digest('hex');
    const persistedQuery = { version: 1, sha256Hash };
    const post = (body: Record<string, unknown>) =>
      fetch(stack.gatewayUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${tenant.admin.token}` },
        body: JSON.stringify(body),
      }).then(async (r) => ({ status: r.status, body: (await r.json()) as { data?: { me: { id: string } }; errors?: Array<{ extensions?: { code?: string } }> } }));

    const unknown = await post({ extensions: { persistedQuery } });
    expect(unknown.body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');

    const registered = await post({ query, extensions: { persistedQuery } });
    expect(registered.body.data?.me.id).toBe(tenant.admin.id);

    const redis = new Redis(stack.config.redisUrl!);
    try {
      expect(await redis.get(`crm:g:apq:${sha256Hash}`)).toBe(query);
    } finally {
      redis.disconnect();
    }
    const byHash = await post({ extensions: { persistedQuery } });
    expect(byHash.body.data?.me.id).toBe(tenant.admin.id);
  });
});
