/**
 * Access tokens the gateway must refuse although they are well-formed JWTs: signed by the platform's
 * key but for another issuer or none, signed by a key the platform never published (unknown `kid`)
 * or by another key under the platform's `kid`, and the still-unexpired token of a user who has
 * since been deactivated (refused on every gateway instance within seconds of the deactivation).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportJWK, generateKeyPair, importJWK, SignJWT, type JWK } from 'jose';
import { randomUUID } from 'node:crypto';
import type { Stack } from '@crm/stack';
import { eventually, gql, gqlOk, login, startRealStack } from '@crm/testkit';
import { seedSalesTenant, type SalesTenant } from './fixtures.ts';

let stack: Stack;
let tenant: SalesTenant;

beforeAll(async () => {
  stack = await startRealStack();
  tenant = await seedSalesTenant(stack, 'claims', 1);
});
afterAll(async () => {
  await stack?.stop();
});

async function expectUnauthenticated(token: string, query = '{ me { id } }') {
  const result = await gql(stack.gatewayUrl, query, {}, { token });
  expect(result.status).toBe(401);
  expect(result.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  expect(result.data ?? null).toBeNull();
}

async function platformKey() {
  const key = await stack.subgraphs.platform.subgraph.prisma.signingKey.findFirst({ where: { retiredAt: null }, orderBy: { createdAt: 'desc' } });
  if (!key) throw new Error('platform has no signing key');
  return { kid: key.id, privateJwk: key.privateJwk as unknown as JWK };
}

const claims = () => ({ tid: tenant.tenantId, roles: ['TENANT_ADMIN'], email: tenant.admin.email });

describe('access token claims', () => {
  it('rejects a token from another issuer, even when signed with the platform key', async () => {
    const { kid, privateJwk } = await platformKey();
    const key = await importJWK(privateJwk, 'EdDSA');
    const sign = (issuer: string) =>
      new SignJWT(claims()).setProtectedHeader({ alg: 'EdDSA', kid }).setIssuer(issuer).setAudience('crm-api').setSubject(tenant.admin.id).setIssuedAt().setExpirationTime('5m').sign(key);
    // the same token with the right issuer passes, so only the issuer differs
    const genuine = await gqlOk<{ me: { id: string } }>(stack.gatewayUrl, '{ me { id } }', {}, { token: await sign('crm-platform') });
    expect(genuine.me.id).toBe(tenant.admin.id);
    await expectUnauthenticated(await sign('https://evil.example/oidc'));
    await expectUnauthenticated(await sign('crm-platform-other'));
  });

  it('rejects a token signed by a key the platform never published (unknown kid), and one without iss', async () => {
    const { privateKey } = await generateKeyPair('EdDSA', { extractable: true });
    const foreign = await new SignJWT(claims())
      .setProtectedHeader({ alg: 'EdDSA', kid: randomUUID() })
      .setIssuer('crm-platform')
      .setAudience('crm-api')
      .setSubject(tenant.admin.id)
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(privateKey);
    await expectUnauthenticated(foreign);
    await expectUnauthenticated(foreign, '{ contacts(first: 1) { id } }');

    // a foreign key claiming the platform's kid fails the signature check
    const { kid, privateJwk } = await platformKey();
    expect((await exportJWK(privateKey)).x).not.toBe(privateJwk.x);
    const impostor = await new SignJWT(claims()).setProtectedHeader({ alg: 'EdDSA', kid }).setIssuer('crm-platform').setAudience('crm-api').setSubject(tenant.admin.id).setIssuedAt().setExpirationTime('5m').sign(privateKey);
    await expectUnauthenticated(impostor);

    const real = await importJWK(privateJwk, 'EdDSA');
    const noIssuer = await new SignJWT(claims()).setProtectedHeader({ alg: 'EdDSA', kid }).setAudience('crm-api').setSubject(tenant.admin.id).setIssuedAt().setExpirationTime('5m').sign(real);
    await expectUnauthenticated(noIssuer);
  });
});

describe('deactivated users', () => {
  it('refuses the still-valid access token of a user deactivated after sign-in, within seconds, and accepts a new one after reactivation', async () => {
    const token = await login(stack.gatewayUrl, tenant.rep.email, tenant.password, tenant.slug);
    expect((await gqlOk<{ me: { id: string } }>(stack.gatewayUrl, '{ me { id } }', {}, { token })).me.id).toBe(tenant.rep.id);
    await gqlOk(stack.gatewayUrl, 'mutation($id: ID!) { deactivateUser(id: $id) { active } }', { id: tenant.rep.id }, { token: tenant.admin.token });

    // the platform's event reaches the gateway within seconds, long before the token's 15 minutes are up
    await eventually(async () => (await gql(stack.gatewayUrl, '{ me { id } }', {}, { token })).status === 401, 15_000, 100);
    await expectUnauthenticated(token);
    await expectUnauthenticated(token, '{ contacts(first: 1) { id } }');
    await expectUnauthenticated(token, 'mutation { createContact(input: { firstName: "Still", lastName: "Here" }) { id } }');
    await expect(login(stack.gatewayUrl, tenant.rep.email, tenant.password, tenant.slug)).rejects.toThrow(/deactivated/);

    // reactivated: a new sign-in works; the old token stays refused
    await gqlOk(stack.gatewayUrl, 'mutation($id: ID!) { reactivateUser(id: $id) { active } }', { id: tenant.rep.id }, { token: tenant.admin.token });
    await new Promise((resolve) => setTimeout(resolve, 1_100)); // `iat` has whole seconds
    const fresh = await eventually(async () => {
      const next = await login(stack.gatewayUrl, tenant.rep.email, tenant.password, tenant.slug);
      return (await gql(stack.gatewayUrl, '{ me { id } }', {}, { token: next })).status === 200 ? next : null;
    }, 15_000, 200);
    expect((await gqlOk<{ me: { id: string } }>(stack.gatewayUrl, '{ me { id } }', {}, { token: fresh })).me.id).toBe(tenant.rep.id);
    await expectUnauthenticated(token);
  });
});

describe('sign-in throttling through the gateway', () => {
  it('gives a document of aliased login fields no more attempts than separate requests', async () => {
    // Mutation fields run one after the other and a failed `login` (non-null) ends the document, so
    // each document spends at most one of the account's 10 unsuccessful attempts per window.
    const attempt = async () => {
      const fields = Array.from({ length: 5 }, (_, i) => `a${i}: login(email: $e, password: $p, tenantSlug: $t) { accessToken }`).join(' ');
      const result = await gql<Record<string, unknown>>(stack.gatewayUrl, `mutation($e: String!, $p: String!, $t: String) { ${fields} }`, { e: tenant.admin.email, p: 'not the password', t: tenant.slug });
      expect(result.status).toBeLessThan(500);
      expect(Object.values(result.data ?? {}).filter((value) => value !== null)).toEqual([]);
      return (result.errors ?? []).map((error) => error.extensions?.code);
    };
    for (let i = 0; i < 10; i++) expect(await attempt(), `document ${i + 1}`).toEqual(['UNAUTHENTICATED']);
    expect(await attempt()).toEqual(['RATE_LIMITED']);
    // the right password is refused too until the window passes
    await expect(login(stack.gatewayUrl, tenant.admin.email, tenant.password, tenant.slug)).rejects.toThrow(/RATE_LIMITED|Too many/);
  });
});
