/** API keys on real PostgreSQL: creation shown once, digest storage, role rules, verification, expiry, revocation. */
import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { forTenant } from '@crm/db';
import type { EventEnvelope } from '@crm/events';
import { IDENTITY_HEADER, signIdentity } from '@crm/runtime';
import { createServices } from '../../services.ts';
import { graphql, identity, seedTenant, startTestPlatform, TEST_SIGNING_SECRET, type TestPlatform } from '../../test-support.ts';
import { API_KEY_VERIFY_PATH } from './lib/verify-route.ts';
import { LAST_USED_RESOLUTION_MS } from './services/api-keys.ts';

let t: TestPlatform;

beforeAll(async () => {
  t = await startTestPlatform();
});
afterAll(async () => {
  await t?.stop();
});

const CREATE = `mutation($input: CreateApiKeyInput!) {
  createApiKey(input: $input) { key apiKey { id name role prefix expiresAt revokedAt lastUsedAt active } }
}`;
const LIST = '{ apiKeys { id name role prefix lastUsedAt active revokedAt } }';
const REVOKE = 'mutation($id: ID!) { revokeApiKey(id: $id) { id active revokedAt } }';

interface CreatedKey {
  createApiKey: { key: string; apiKey: { id: string; name: string; role: string; prefix: string; expiresAt: string | null; active: boolean } };
}

describe('createApiKey', () => {
  it('returns the key once, stores only its SHA-256 digest and lists the key without it', async () => {
    const { as, tenant } = await seedTenant(t.platform);
    const created = await graphql<CreatedKey>(t.url, as.admin, CREATE, { input: { name: 'Zapier', role: 'SALES_REP' } });
    expect(created.errors).toBeUndefined();
    const { key, apiKey } = created.data!.createApiKey;
    expect(key).toMatch(/^crm_[A-Za-z0-9_-]{43}$/);
    expect(apiKey).toMatchObject({ name: 'Zapier', role: 'SALES_REP', prefix: key.slice(0, 12), expiresAt: null, active: true });

    const listed = await graphql<{ apiKeys: Array<Record<string, unknown>> }>(t.url, as.admin, LIST);
    expect(listed.data!.apiKeys).toEqual([
      { id: apiKey.id, name: 'Zapier', role: 'SALES_REP', prefix: apiKey.prefix, lastUsedAt: null, active: true, revokedAt: null },
    ]);
    expect(JSON.stringify(listed)).not.toContain(key.slice(12));

    const row = await forTenant(t.platform.prisma, tenant.id).apiKey.findUniqueOrThrow({ where: { id: apiKey.id } });
    expect(row.keyHash).toBe(createHash('sha256').update(key).digest('hex'));
    expect(JSON.stringify(row)).not.toContain(key.slice(12));

    const event = await waitForEvent('platform.apikey.created', apiKey.id);
    expect(event.payload).toEqual({ apiKeyId: apiKey.id, name: 'Zapier', role: 'SALES_REP', prefix: apiKey.prefix, expiresAt: null, persistedOnly: false });
    expect(JSON.stringify(event)).not.toContain(key.slice(12));
    expect(JSON.stringify(event)).not.toContain(row.keyHash);
  });

  it('is for tenant admins only', async () => {
    const { as } = await seedTenant(t.platform);
    for (const caller of [as.manager, as.rep]) {
      const created = await graphql(t.url, caller, CREATE, { input: { name: 'x', role: 'SALES_REP' } });
      expect(created.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      expect((await graphql(t.url, caller, LIST)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    }
    expect((await graphql(t.url, { tenantId: null }, LIST)).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(await t.platform.services.apiKeys.list(forTenant(t.platform.prisma, as.rep.tenantId!))).toEqual([]);
  });

  it('refuses System Admin keys, past expiry and blank names, writing nothing', async () => {
    const { as, tenant } = await seedTenant(t.platform);
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ name: 'root', role: 'SYSTEM_ADMIN' }, 'role'],
      [{ name: 'old', role: 'SALES_REP', expiresAt: '2020-01-01T00:00:00.000Z' }, 'expiresAt'],
      [{ name: '   ', role: 'SALES_REP' }, 'name'],
    ];
    for (const [input, field] of cases) {
      const result = await graphql(t.url, as.admin, CREATE, { input });
      expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    }
    expect(await forTenant(t.platform.prisma, tenant.id).apiKey.count()).toBe(0);
  });
});

describe('verifyApiKey', () => {
  it('returns the identity, records the last use at most once a minute, and refuses revoked, expired and unknown keys', async () => {
    const { tenant, admin } = await seedTenant(t.platform);
    let now = new Date();
    const services = createServices({ prisma: t.platform.prisma, afterCommit: () => undefined, clock: () => now });
    const { key, apiKey } = await services.apiKeys.create(tenant.id, { name: 'ERP', role: 'SALES_MANAGER' }, { userId: admin.id, kind: 'user' });
    const db = forTenant(t.platform.prisma, tenant.id);

    expect(await services.apiKeys.verify(key)).toEqual({ tenantId: tenant.id, roles: ['SALES_MANAGER'], apiKeyId: apiKey.id, persistedOnly: false, expiresAt: null });
    const firstUse = (await db.apiKey.findUniqueOrThrow({ where: { id: apiKey.id } })).lastUsedAt;
    expect(firstUse?.getTime()).toBe(now.getTime());

    now = new Date(now.getTime() + LAST_USED_RESOLUTION_MS / 2);
    await services.apiKeys.verify(key);
    expect((await db.apiKey.findUniqueOrThrow({ where: { id: apiKey.id } })).lastUsedAt?.getTime()).toBe(firstUse!.getTime());

    now = new Date(now.getTime() + LAST_USED_RESOLUTION_MS);
    await services.apiKeys.verify(key);
    expect((await db.apiKey.findUniqueOrThrow({ where: { id: apiKey.id } })).lastUsedAt?.getTime()).toBe(now.getTime());

    const expiring = await services.apiKeys.create(tenant.id, { name: 'Trial', role: 'SALES_REP', expiresAt: new Date(now.getTime() + 1000) });
    expect(await services.apiKeys.verify(expiring.key)).not.toBeNull();
    now = new Date(now.getTime() + 1000);
    expect(await services.apiKeys.verify(expiring.key)).toBeNull();

    await services.apiKeys.revoke(tenant.id, apiKey.id);
    expect(await services.apiKeys.verify(key)).toBeNull();

    for (const bogus of ['', 'crm_', `crm_${'A'.repeat(43)}`, key.slice(0, -1), `${key}x`, `Bearer ${key}`]) {
      expect(await services.apiKeys.verify(bogus)).toBeNull();
    }
  });
});

describe(`POST ${API_KEY_VERIFY_PATH}`, () => {
  const ask = (body: unknown, signed = true) =>
    fetch(`${t.url}${API_KEY_VERIFY_PATH}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(signed ? { [IDENTITY_HEADER]: signIdentity(identity(null), TEST_SIGNING_SECRET) } : {}) },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });

  it('answers the gateway who a key acts as, persisted-only included, and the same "invalid" for every bad key', async () => {
    const { as, tenant } = await seedTenant(t.platform);
    const created = await graphql<CreatedKey & { createApiKey: { apiKey: { persistedOnly: boolean } } }>(
      t.url,
      as.admin,
      `mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { key apiKey { id persistedOnly } } }`,
      { input: { name: 'BI', role: 'SALES_MANAGER', persistedOnly: true } },
    );
    const { key, apiKey } = created.data!.createApiKey;
    expect(apiKey.persistedOnly).toBe(true);

    const answer = await ask({ key });
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({ valid: true, tenantId: tenant.id, roles: ['SALES_MANAGER'], apiKeyId: apiKey.id, persistedOnly: true, expiresAt: null });
    const row = await forTenant(t.platform.prisma, tenant.id).apiKey.findUniqueOrThrow({ where: { id: apiKey.id } });
    expect(row.lastUsedAt).not.toBeNull();

    await graphql(t.url, as.admin, REVOKE, { id: apiKey.id });
    for (const bogus of [key, `crm_${'A'.repeat(43)}`, 'not a key']) {
      expect(await (await ask({ key: bogus })).json()).toEqual({ valid: false });
    }
  });

  it('refuses callers without the gateway signature and malformed bodies', async () => {
    const unsigned = await ask({ key: `crm_${'A'.repeat(43)}` }, false);
    expect(unsigned.status).toBe(401);
    expect(((await unsigned.json()) as { errors: Array<{ extensions: { code: string } }> }).errors[0]!.extensions.code).toBe('UNAUTHENTICATED');
    for (const body of ['{', '[]', { key: 42 }, { key: 'x'.repeat(2000) }]) {
      const result = await ask(body);
      expect(result.status).toBe(400);
    }
    expect((await fetch(`${t.url}${API_KEY_VERIFY_PATH}`)).status).toBe(405);
  });
});

describe('revokeApiKey', () => {
  it('revokes once, is idempotent, and cannot touch another tenant’s key', async () => {
    const acme = await seedTenant(t.platform);
    const globex = await seedTenant(t.platform);
    const created = await graphql<CreatedKey>(t.url, acme.as.admin, CREATE, { input: { name: 'Partner', role: 'SALES_REP' } });
    const { id } = created.data!.createApiKey.apiKey;

    const foreign = await graphql(t.url, globex.as.admin, REVOKE, { id });
    expect(foreign.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect((await graphql(t.url, acme.as.rep, REVOKE, { id })).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await graphql(t.url, acme.as.admin, REVOKE, { id: 'nope' })).errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id' });
    expect((await graphql(t.url, acme.as.admin, REVOKE, { id: randomUUID() })).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');

    const first = await graphql<{ revokeApiKey: { active: boolean; revokedAt: string } }>(t.url, acme.as.admin, REVOKE, { id });
    expect(first.data!.revokeApiKey.active).toBe(false);
    const again = await graphql<{ revokeApiKey: { revokedAt: string } }>(t.url, acme.as.admin, REVOKE, { id });
    expect(again.data!.revokeApiKey.revokedAt).toBe(first.data!.revokeApiKey.revokedAt);
    await waitForEvent('platform.apikey.revoked', id);
    expect(t.published.filter((e) => e.type === 'platform.apikey.revoked' && e.aggregateId === id)).toHaveLength(1);
  });
});

async function waitForEvent(type: string, aggregateId: string): Promise<EventEnvelope> {
  for (let i = 0; i < 200; i++) {
    const found = t.published.find((event) => event.type === type && event.aggregateId === aggregateId);
    if (found) return found;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`no ${type} event for ${aggregateId}`);
}
