/**
 * Partners call the API with API keys, through the real stack (PostgreSQL, Redis, Kafka): a tenant
 * admin creates a key over GraphQL, the partner reads and writes the tenant's records with it
 * (`Authorization: Bearer` or `x-api-key`), the key's role holds, revocation applies within the
 * gateway's answer cache, persisted-only keys run registered hashes only, and every key has its
 * own rate limit. Bad keys are one and the same 401, whichever tenant they might belong to.
 */
import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Gateway, GatewayOptions } from '@crm/gateway';
import { startExtraGateway, type Stack } from '@crm/stack';
import { createTenantWithUsers, eventually, gql, gqlOk, startRealStack } from '@crm/testkit';

let stack: Stack;
let acme: Awaited<ReturnType<typeof seedTenant>>;
let globex: Awaited<ReturnType<typeof seedTenant>>;
/** A gateway that remembers API key answers for 1 s (so revocation is seen quickly), rate limits on. */
let partnerUrl: string;
/** A gateway with a tight per-key rate limit (3 a minute) on a fixed clock. */
let strictUrl: string;
const gateways: Gateway[] = [];

async function seedTenant(label: string) {
  const slug = `${label}-${randomUUID().slice(0, 8)}`;
  const password = `pw-${randomUUID()}`;
  const tenant = await createTenantWithUsers(stack, { name: `${label} Inc`, slug }, [
    { email: `admin@${slug}.test`, name: `${label} Admin`, role: 'TENANT_ADMIN', password },
  ]);
  const admin = tenant.users[0]!;
  const actor = { userId: admin.id, kind: 'user' as const };
  const contacts = [];
  for (let i = 0; i < 3; i++) {
    contacts.push(await stack.subgraphs.customer.subgraph.services.contacts.create(tenant.tenantId, actor, { firstName: `${label}${i}`, lastName: 'Partner', ownerId: admin.id }));
  }
  return { ...tenant, admin, contacts };
}

/** The middle of the current minute: all requests of the rate-limit test fall in one window. */
const midMinute = Date.now() - (Date.now() % 60_000) + 30_000;

async function extraGateway(overrides: Partial<GatewayOptions>): Promise<string> {
  // its own counters (startExtraGateway), so the seeding through the stack's gateway does not count
  const { gateway, url } = await startExtraGateway(stack, 'api-keys-test', overrides);
  gateways.push(gateway);
  return url;
}

beforeAll(async () => {
  stack = await startRealStack();
  [acme, globex] = [await seedTenant('acme'), await seedTenant('globex')];
  partnerUrl = await extraGateway({ apiKeys: { cacheTtlSeconds: 1, negativeCacheTtlSeconds: 1 }, rateLimit: { perTenant: 10_000, perApiKey: 1_000 } });
  strictUrl = await extraGateway({ rateLimit: { perTenant: 10_000, perApiKey: 3, clock: () => midMinute } });
});
afterAll(async () => {
  for (const gateway of gateways) await gateway.stop();
  await stack?.stop();
});

const CREATE_KEY = `mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { key apiKey { id role persistedOnly lastUsedAt } } }`;
const REVOKE_KEY = 'mutation($id: ID!) { revokeApiKey(id: $id) { id active } }';
const CONTACTS = '{ contacts { id firstName } }';

interface CreatedKey {
  createApiKey: { key: string; apiKey: { id: string; role: string; persistedOnly: boolean; lastUsedAt: string | null } };
}

/** A key of `tenant`, created by its admin through the gateway. */
async function createKey(tenant: typeof acme, role: string, extra: Record<string, unknown> = {}) {
  const created = await gqlOk<CreatedKey>(stack.gatewayUrl, CREATE_KEY, { input: { name: `partner ${randomUUID().slice(0, 6)}`, role, ...extra } }, { token: tenant.admin.token });
  return created.createApiKey;
}

const withKey = (key: string) => ({ headers: { 'x-api-key': key } });
const sorted = (values: string[]) => [...values].sort();

describe('a partner with an API key', () => {
  it('reads its tenant’s contacts with either header, and the key’s last use is recorded', async () => {
    const { key, apiKey } = await createKey(acme, 'TENANT_ADMIN');
    expect(apiKey).toMatchObject({ role: 'TENANT_ADMIN', persistedOnly: false, lastUsedAt: null });

    const viaBearer = await gql<{ contacts: Array<{ id: string }> }>(partnerUrl, CONTACTS, {}, { token: key });
    expect(viaBearer.status).toBe(200);
    expect(viaBearer.errors).toBeUndefined();
    expect(sorted(viaBearer.data!.contacts.map((c) => c.id))).toEqual(sorted(acme.contacts.map((c) => c.id)));
    expect(viaBearer.headers.get('ratelimit-policy')).toBe('"tenant";q=10000;w=60, "apikey";q=1000;w=60');

    const viaHeader = await gqlOk<{ contacts: Array<{ id: string }> }>(partnerUrl, CONTACTS, {}, withKey(key));
    expect(sorted(viaHeader.contacts.map((c) => c.id))).toEqual(sorted(acme.contacts.map((c) => c.id)));

    const listed = await gqlOk<{ apiKeys: Array<{ id: string; lastUsedAt: string | null }> }>(stack.gatewayUrl, '{ apiKeys { id lastUsedAt } }', {}, { token: acme.admin.token });
    expect(listed.apiKeys.find((k) => k.id === apiKey.id)?.lastUsedAt).not.toBeNull();
  });

  it('writes with an admin key, while a sales rep key cannot manage keys', async () => {
    const admin = await createKey(acme, 'TENANT_ADMIN');
    const created = await gql<{ createContact: { id: string; firstName: string } }>(
      partnerUrl,
      'mutation($input: CreateContactInput!) { createContact(input: $input) { id firstName } }',
      { input: { firstName: 'Synced', lastName: `Partner${randomUUID().slice(0, 6)}` } },
      withKey(admin.key),
    );
    expect(created.errors).toBeUndefined();
    expect(created.data?.createContact.firstName).toBe('Synced');
    const keys = await gql<{ apiKeys: Array<{ id: string }> }>(partnerUrl, '{ apiKeys { id } }', {}, withKey(admin.key));
    expect(keys.data?.apiKeys.map((k) => k.id)).toContain(admin.apiKey.id);

    const rep = await createKey(acme, 'SALES_REP');
    const listed = await gql(partnerUrl, '{ apiKeys { id } }', {}, withKey(rep.key));
    expect(listed.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const escalated = await gql(partnerUrl, CREATE_KEY, { input: { name: 'more power', role: 'TENANT_ADMIN' } }, withKey(rep.key));
    expect(escalated.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const revoked = await gql(partnerUrl, REVOKE_KEY, { id: admin.apiKey.id }, withKey(rep.key));
    expect(revoked.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('sees nothing of another tenant', async () => {
    const { key } = await createKey(globex, 'TENANT_ADMIN');
    const result = await gqlOk<{ contacts: Array<{ id: string }> }>(partnerUrl, CONTACTS, {}, withKey(key));
    expect(sorted(result.contacts.map((c) => c.id))).toEqual(sorted(globex.contacts.map((c) => c.id)));
    const foreign = await gql(partnerUrl, REVOKE_KEY, { id: (await createKey(acme, 'SALES_REP')).apiKey.id }, withKey(key));
    expect(foreign.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });
});

describe('refused keys', () => {
  it('answer unknown, malformed, revoked and conflicting keys with one 401 that tells nothing about them', async () => {
    const other = await createKey(globex, 'SALES_REP');
    await gqlOk(stack.gatewayUrl, REVOKE_KEY, { id: other.apiKey.id }, { token: globex.admin.token });
    const unknown = `crm_${randomUUID().replace(/-/g, '')}${'x'.repeat(11)}`;
    const answers = [];
    const presented: Array<Record<string, string>> = [{ 'x-api-key': unknown }, { 'x-api-key': 'crm_short' }, { authorization: `Bearer ${unknown}` }, { 'x-api-key': other.key }];
    for (const headers of presented) {
      const result = await gql(partnerUrl, CONTACTS, {}, { headers });
      expect(result.status).toBe(401);
      expect(result.data).toBeUndefined();
      answers.push({ code: result.errors?.[0]?.extensions?.code, message: result.errors?.[0]?.message, auth: result.headers.get('www-authenticate') });
    }
    expect(new Set(answers.map((a) => JSON.stringify(a))).size).toBe(1);
    expect(answers[0]).toEqual({
      code: 'UNAUTHENTICATED',
      message: 'The API key is invalid, expired or revoked',
      auth: 'Bearer error="invalid_token", error_description="The API key is invalid, expired or revoked"',
    });

    const conflicting = await gql(partnerUrl, CONTACTS, {}, { token: acme.admin.token, headers: { 'x-api-key': unknown } });
    expect(conflicting.status).toBe(401);
    expect(conflicting.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('stop a revoked key once the gateway’s answer cache expires', async () => {
    const { key, apiKey } = await createKey(acme, 'TENANT_ADMIN');
    expect((await gql(partnerUrl, CONTACTS, {}, withKey(key))).status).toBe(200);
    const revoked = await gqlOk<{ revokeApiKey: { active: boolean } }>(stack.gatewayUrl, REVOKE_KEY, { id: apiKey.id }, { token: acme.admin.token });
    expect(revoked.revokeApiKey.active).toBe(false);
    const refused = await eventually(async () => {
      const result = await gql(partnerUrl, CONTACTS, {}, withKey(key));
      return result.status === 401 ? result : null;
    });
    expect(refused.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    // and it stays refused
    expect((await gql(partnerUrl, CONTACTS, {}, withKey(key))).status).toBe(401);
  });
});

describe('a persisted-only key', () => {
  const query = `query PartnerContacts${randomUUID().slice(0, 8)} { contacts { id } }`;
  const sha256Hash = createHash('sha256').update(query).digest('hex');
  const persisted = { persistedQuery: { version: 1, sha256Hash } };

  async function post(body: Record<string, unknown>, key: string) {
    const response = await fetch(partnerUrl, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': key }, body: JSON.stringify(body) });
    return { status: response.status, json: (await response.json()) as { data?: { contacts: Array<{ id: string }> }; errors?: Array<{ message: string; extensions?: { code?: string } }> } };
  }

  it('refuses ad-hoc documents and registrations, and runs a registered hash', async () => {
    const { key, apiKey } = await createKey(acme, 'TENANT_ADMIN', { persistedOnly: true });
    expect(apiKey.persistedOnly).toBe(true);

    const adHoc = await post({ query: CONTACTS }, key);
    expect(adHoc.status).toBe(403);
    expect(adHoc.json.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_ONLY');
    expect(adHoc.json.data).toBeUndefined();

    const unknown = await post({ extensions: persisted }, key);
    expect(unknown.json.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    const registering = await post({ query, extensions: persisted }, key);
    expect(registering.status).toBe(403);
    expect(registering.json.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_ONLY');
    // the refused registration stored nothing
    expect((await post({ extensions: persisted }, key)).json.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');

    // the document gets registered by a caller allowed to (e.g. the partner's build with a regular key)
    const registrar = await createKey(acme, 'TENANT_ADMIN');
    expect((await post({ query, extensions: persisted }, registrar.key)).status).toBe(200);

    const byHash = await post({ extensions: persisted }, key);
    expect(byHash.status).toBe(200);
    expect(byHash.json.errors).toBeUndefined();
    expect(sorted(byHash.json.data!.contacts.map((c) => c.id))).toEqual(
      sorted((await gqlOk<{ contacts: Array<{ id: string }> }>(partnerUrl, CONTACTS, {}, withKey(registrar.key))).contacts.map((c) => c.id)),
    );
  });
});

describe('per-key rate limits', () => {
  it('refuse a busy key with 429 RATE_LIMITED and retry-after, without slowing the tenant’s other keys', async () => {
    const busy = await createKey(acme, 'TENANT_ADMIN');
    const calm = await createKey(acme, 'TENANT_ADMIN');
    const remaining = [];
    for (let i = 0; i < 3; i++) {
      const result = await gql(strictUrl, CONTACTS, {}, withKey(busy.key));
      expect(result.status).toBe(200);
      remaining.push(result.headers.get('ratelimit-remaining'));
    }
    expect(remaining).toEqual(['2', '1', '0']);

    const refused = await gql(strictUrl, CONTACTS, {}, withKey(busy.key));
    expect(refused.status).toBe(429);
    expect(refused.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
    expect(refused.errors?.[0]?.message).toMatch(/^Too many requests for this API key; retry in \d+ s$/);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(refused.headers.get('ratelimit-remaining')).toBe('0');

    expect((await gql(strictUrl, CONTACTS, {}, withKey(calm.key))).status).toBe(200);
  });
});
