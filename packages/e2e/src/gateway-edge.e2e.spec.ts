/**
 * The public edge's per-client and per-tenant policies, through a gateway over the real stack
 * (PostgreSQL, Redis, Kafka):
 * - the web app's safelist: its codegen manifest served by hash, and nothing else for the web client;
 * - tenants' own CORS allowlists (preflights for the union of tenants, requests for their own tenant);
 * - cost budgets per plan: a tenant on `free` is RATE_LIMITED on cost before one on `enterprise`.
 */
import { createHash, randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { importJWK, SignJWT, type JWK } from 'jose';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  loadTrustedDocuments,
  platformTenantSettingsLookup,
  type Gateway,
  type GatewayOptions,
  type TenantSettingsLookup,
  type TrustedDocuments,
} from '@crm/gateway';
import { startExtraGateway, type Stack } from '@crm/stack';
import { gql, gqlOk, startRealStack } from '@crm/testkit';
import { seedSalesTenant, tenantOnPlan, type SalesTenant } from './fixtures.ts';

const MANIFEST = fileURLToPath(new URL('../../../clients/web/src/gql/persisted-documents.json', import.meta.url));

let stack: Stack;
let acme: SalesTenant;
let globex: SalesTenant;
let manifest: Record<string, string>;
let trusted: TrustedDocuments;
const gateways: Gateway[] = [];

beforeAll(async () => {
  stack = await startRealStack();
  acme = await seedSalesTenant(stack, 'edge-acme', 1);
  globex = await seedSalesTenant(stack, 'edge-globex', 1);
  manifest = JSON.parse(await readFile(MANIFEST, 'utf8')) as Record<string, string>;
  trusted = loadTrustedDocuments(MANIFEST);
});
afterAll(async () => {
  for (const gateway of gateways) await gateway.stop();
  await stack?.stop();
});

/** A gateway over the stack's subgraphs with its own settings and counters. */
async function gatewayWith(overrides: Partial<GatewayOptions>): Promise<string> {
  const { gateway, url } = await startExtraGateway(stack, 'gateway-edge-test', overrides);
  gateways.push(gateway);
  return url;
}

async function post(url: string, body: Record<string, unknown>, headers: Record<string, string> = {}) {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const json = (await response.json()) as { data?: Record<string, unknown> | null; errors?: Array<{ message: string; extensions?: Record<string, unknown> }>; extensions?: Record<string, unknown> };
  return { status: response.status, headers: response.headers, json, code: json.errors?.[0]?.extensions?.['code'] };
}

/** The manifest entry of an operation of the web app. */
function webOperation(name: string): { hash: string; document: string } {
  const entry = Object.entries(manifest).find(([, document]) => new RegExp(`^query ${name}\\b`).test(document));
  if (!entry) throw new Error(`the web app's manifest has no query ${name}`);
  return { hash: entry[0], document: entry[1] };
}

/** An access token as the web app's OpenID Connect client gets it (`client_id: crm-web`), signed with the platform's key. */
async function webClientToken(tenant: SalesTenant): Promise<string> {
  const key = await stack.subgraphs.platform.subgraph.prisma.signingKey.findFirst({ where: { retiredAt: null }, orderBy: { createdAt: 'desc' } });
  if (!key) throw new Error('platform has no signing key');
  return new SignJWT({ tid: tenant.tenantId, roles: ['TENANT_ADMIN'], client_id: 'crm-web' })
    .setProtectedHeader({ alg: 'EdDSA', kid: key.id })
    .setIssuer('crm-platform')
    .setAudience('crm-api')
    .setSubject(tenant.admin.id)
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(await importJWK(key.privateJwk as unknown as JWK, 'EdDSA'));
}

describe("the web app's safelist", () => {
  let url: string;
  beforeAll(async () => {
    url = await gatewayWith({ trustedDocuments: { documents: trusted, enforce: true } });
  });
  const web = { 'apollographql-client-name': 'crm-web' };

  it('loads the codegen manifest and serves its documents by hash, without storing them as APQs', async () => {
    expect(trusted.size).toBe(Object.keys(manifest).length);
    const { hash } = webOperation('SignedInUser');
    const result = await post(url, { extensions: { persistedQuery: { version: 1, sha256Hash: hash } } }, { ...web, authorization: `Bearer ${acme.admin.token}` });
    expect(result.status).toBe(200);
    expect(result.json.data?.['me']).toMatchObject({ id: acme.admin.id });
    // the bare hex form names the same document
    const bare = await post(url, { extensions: { persistedQuery: { version: 1, sha256Hash: hash.slice('sha256:'.length) } } }, { authorization: `Bearer ${acme.admin.token}` });
    expect(bare.json.data?.['me']).toMatchObject({ id: acme.admin.id });
    const redis = new Redis(stack.config.redisUrl!);
    try {
      expect(await redis.exists(`crm:g:apq:${hash}`, `crm:g:apq:${hash.slice(7)}`)).toBe(0);
    } finally {
      redis.disconnect();
    }
  });

  it('refuses ad-hoc documents of the web client (by client name or by its OpenID Connect client id) before they run', async () => {
    const adHoc = { query: '{ me { id email } }' };
    const byName = await post(url, adHoc, { ...web, authorization: `Bearer ${acme.admin.token}` });
    expect(byName.status).toBe(403);
    expect(byName.code).toBe('PERSISTED_QUERY_ONLY');
    expect(byName.json.data).toBeUndefined();

    const token = await webClientToken(acme);
    const byToken = await post(url, adHoc, { authorization: `Bearer ${token}` });
    expect(byToken.status).toBe(403);
    expect(byToken.code).toBe('PERSISTED_QUERY_ONLY');
    // the same token runs the app's own documents
    const own = await post(url, { extensions: { persistedQuery: { version: 1, sha256Hash: webOperation('SignedInUser').hash } } }, { authorization: `Bearer ${token}` });
    expect(own.json.data?.['me']).toMatchObject({ id: acme.admin.id });

    // a mutation does not slip through either, and nothing is written
    const rename = await post(url, { query: `mutation { createAccount(input: { name: "safelist-${randomUUID()}" }) { id } }` }, { ...web, authorization: `Bearer ${acme.admin.token}` });
    expect(rename.status).toBe(403);
    expect(rename.code).toBe('PERSISTED_QUERY_ONLY');
  });

  it('refuses, for the web client, a hash someone else registered as an automatic persisted query', async () => {
    const query = `{ me { id } } # registered ${randomUUID()}`;
    const sha256Hash = createHash('sha256').update(query).digest('hex');
    const registered = await post(url, { query, extensions: { persistedQuery: { version: 1, sha256Hash } } }, { authorization: `Bearer ${acme.admin.token}` });
    expect(registered.json.data?.['me']).toMatchObject({ id: acme.admin.id });
    const byWeb = await post(url, { extensions: { persistedQuery: { version: 1, sha256Hash } } }, { ...web, authorization: `Bearer ${acme.admin.token}` });
    expect(byWeb.status).toBe(403);
    expect(byWeb.code).toBe('PERSISTED_QUERY_ONLY');
  });

  it('leaves other clients on ad-hoc documents, and lets persisted-only API keys run the manifest', async () => {
    const other = await post(url, { query: '{ me { id } }' }, { authorization: `Bearer ${acme.admin.token}` });
    expect(other.json.data?.['me']).toMatchObject({ id: acme.admin.id });

    const created = await gqlOk<{ createApiKey: { key: string } }>(
      url,
      'mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { key } }',
      { input: { name: `safelist ${randomUUID()}`, role: 'SALES_MANAGER', persistedOnly: true } },
      { token: acme.admin.token },
    );
    const { hash } = webOperation('Pipelines');
    const byKey = await post(url, { extensions: { persistedQuery: { version: 1, sha256Hash: hash } } }, { 'x-api-key': created.createApiKey.key });
    expect(byKey.status).toBe(200);
    expect(byKey.json.data?.['pipelines']).toEqual(expect.arrayContaining([expect.objectContaining({ id: acme.pipeline.id })]));
    const adHoc = await post(url, { query: '{ pipelines { id } }' }, { 'x-api-key': created.createApiKey.key });
    expect(adHoc.code).toBe('PERSISTED_QUERY_ONLY');
  });

  it('is preloaded by the whole product in one process (npm start), without enforcing it', async () => {
    const byHash = await post(stack.gatewayUrl, { extensions: { persistedQuery: { version: 1, sha256Hash: webOperation('SignedInUser').hash } } }, { ...web, authorization: `Bearer ${acme.admin.token}` });
    expect(byHash.json.data?.['me']).toMatchObject({ id: acme.admin.id });
    const adHoc = await post(stack.gatewayUrl, { query: '{ me { id } }' }, { ...web, authorization: `Bearer ${acme.admin.token}` });
    expect(adHoc.json.data?.['me']).toMatchObject({ id: acme.admin.id });
  });

  it('does not enforce when the setting is off', async () => {
    const relaxed = await gatewayWith({ trustedDocuments: { documents: trusted, enforce: false } });
    const adHoc = await post(relaxed, { query: '{ me { id } }' }, { ...web, authorization: `Bearer ${acme.admin.token}` });
    expect(adHoc.json.data?.['me']).toMatchObject({ id: acme.admin.id });
  });
});

describe('CORS allowlists per tenant', () => {
  const unique = randomUUID().slice(0, 8);
  const acmeOrigin = `https://crm-${unique}.acme.example`;
  const globalOrigin = `https://global-${unique}.example`;
  let url: string;
  beforeAll(async () => {
    url = await gatewayWith({ corsOrigins: [globalOrigin], tenantSettings: { ttlSeconds: 1, localTtlMs: 0 } });
  });

  const preflight = (origin: string) =>
    fetch(url, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' } });

  it('lets a tenant admin set origins, and refuses bad ones with BAD_USER_INPUT', async () => {
    const bad = await gql(url, 'mutation($o: [String!]!) { setCorsOrigins(origins: $o) { id } }', { o: ['https://ok.example', 'https://*.acme.example'] }, { token: acme.admin.token });
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'origins.1' });
    const byRep = await gql(url, 'mutation($o: [String!]!) { setCorsOrigins(origins: $o) { id } }', { o: [acmeOrigin] }, { token: acme.rep.token });
    expect(byRep.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const set = await gqlOk<{ setCorsOrigins: { corsOrigins: string[] } }>(url, 'mutation($o: [String!]!) { setCorsOrigins(origins: $o) { corsOrigins } }', { o: [acmeOrigin.toUpperCase().replace('HTTPS', 'https')] }, { token: acme.admin.token });
    expect(set.setCorsOrigins.corsOrigins).toEqual([acmeOrigin]);
  });

  it("answers preflights for the global list and any tenant's origins, and refuses the rest", async () => {
    const tenantAllowed = await preflight(acmeOrigin);
    expect(tenantAllowed.status).toBe(204);
    expect(tenantAllowed.headers.get('access-control-allow-origin')).toBe(acmeOrigin);
    expect(tenantAllowed.headers.get('access-control-allow-headers')).toContain('authorization');
    const global = await preflight(globalOrigin);
    expect(global.status).toBe(204);
    expect(global.headers.get('access-control-allow-origin')).toBe(globalOrigin);
    const unknown = await preflight(`https://evil-${unique}.example`);
    expect(unknown.status).toBe(403);
    expect(unknown.headers.get('access-control-allow-origin')).toBeNull();
    const malformed = await preflight('null');
    expect(malformed.status).toBe(403);
  });

  it("serves the tenant's own origin, refuses it for another tenant's caller, and lets anonymous sign-in through", async () => {
    const own = await post(url, { query: '{ me { id } }' }, { origin: acmeOrigin, authorization: `Bearer ${acme.admin.token}` });
    expect(own.status).toBe(200);
    expect(own.headers.get('access-control-allow-origin')).toBe(acmeOrigin);
    expect(own.json.data?.['me']).toMatchObject({ id: acme.admin.id });

    const name = `cors-${randomUUID()}`;
    const other = await post(url, { query: `mutation { createAccount(input: { name: "${name}" }) { id } }` }, { origin: acmeOrigin, authorization: `Bearer ${globex.admin.token}` });
    expect(other.status).toBe(403);
    expect(other.code).toBe('FORBIDDEN');
    // nothing was written for globex
    const accounts = await gqlOk<{ accounts: Array<{ name: string }> }>(url, '{ accounts(first: 100) { name } }', {}, { token: globex.admin.token });
    expect(accounts.accounts.map((a) => a.name)).not.toContain(name);

    const anonymous = await post(url, { query: '{ __typename }' }, { origin: acmeOrigin });
    expect(anonymous.status).toBe(200);

    // the global list serves every tenant
    const global = await post(url, { query: '{ me { id } }' }, { origin: globalOrigin, authorization: `Bearer ${globex.admin.token}` });
    expect(global.status).toBe(200);
    expect(global.headers.get('access-control-allow-origin')).toBe(globalOrigin);
  });

  it('applies a changed allowlist once the cached answer expires', async () => {
    await gqlOk(url, 'mutation { setCorsOrigins(origins: []) { id } }', {}, { token: acme.admin.token });
    await new Promise((resolve) => setTimeout(resolve, 1_300));
    expect((await preflight(acmeOrigin)).status).toBe(403);
    const after = await post(url, { query: '{ me { id } }' }, { origin: acmeOrigin, authorization: `Bearer ${acme.admin.token}` });
    expect(after.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('cost budgets per plan', () => {
  const tenantOn = (plan: string) => tenantOnPlan(stack, plan);

  it('refuses a tenant on a small plan on cost while a tenant on a large plan goes on, asking the platform once per tenant', async () => {
    const free = await tenantOn('free');
    const enterprise = await tenantOn('enterprise');
    const platformUrl = stack.subgraphs.platform.url;
    const asked: string[] = [];
    const real = platformTenantSettingsLookup({ platformUrl, signingSecret: stack.config.signingSecret });
    const lookup: TenantSettingsLookup = {
      settings: (tenantId) => {
        asked.push(tenantId);
        return real.settings(tenantId);
      },
      originAllowed: (origin) => real.originAllowed(origin),
    };
    const midMinute = Date.now() - (Date.now() % 60_000) + 30_000;
    const url = await gatewayWith({
      demandControl: { budgetFromPlan: true, budgetPerMinute: 1, clock: () => midMinute },
      tenantSettings: { lookup },
    });

    const query = '{ contactsConnection(first: 100) { edges { node { id name } } } dealsConnection(first: 100) { edges { node { id name } } } }';
    const first = await post(url, { query }, { authorization: `Bearer ${free.token}` });
    expect(first.status).toBe(200);
    const estimated = (first.json.extensions?.['cost'] as { estimated: number }).estimated;
    expect(estimated).toBeGreaterThan(0);
    // free: 20 000 points a minute
    const allowed = Math.floor(20_000 / estimated);
    let refused: Awaited<ReturnType<typeof post>> | undefined;
    for (let i = 1; i <= allowed; i++) {
      const result = await post(url, { query }, { authorization: `Bearer ${free.token}` });
      if (result.status !== 200) {
        refused = result;
        expect(i).toBe(allowed);
        break;
      }
    }
    refused ??= await post(url, { query }, { authorization: `Bearer ${free.token}` });
    expect(refused.status).toBe(429);
    expect(refused.code).toBe('RATE_LIMITED');
    expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(refused.json.errors?.[0]?.message).toMatch(/20000 points per minute/);

    // the same load, and more, on the enterprise plan: all served
    for (let i = 0; i <= allowed + 5; i++) {
      const result = await post(url, { query }, { authorization: `Bearer ${enterprise.token}` });
      expect(result.status, `request ${i}`).toBe(200);
    }
    expect(asked.filter((id) => id === free.tenantId)).toHaveLength(1);
    expect(asked.filter((id) => id === enterprise.tenantId)).toHaveLength(1);
  });
});
