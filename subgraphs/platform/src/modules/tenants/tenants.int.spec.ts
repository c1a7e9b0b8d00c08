/**
 * Tenant edge settings on real PostgreSQL: the CORS allowlist (`setCorsOrigins`, validation,
 * admins only, event), plan limits, and the internal routes the gateway reads them from.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IDENTITY_HEADER, signIdentity } from '@crm/runtime';
import { graphql, identity, seedTenant, startTestPlatform, TEST_SIGNING_SECRET, type TestPlatform } from '../../test-support.ts';
import { EDGE_SETTINGS_PATH, ORIGIN_ALLOWED_PATH } from './lib/edge-settings-route.ts';
import { PLANS } from './lib/plans.ts';

let t: TestPlatform;
beforeAll(async () => {
  t = await startTestPlatform();
});
afterAll(async () => {
  await t?.stop();
});

async function ask(path: string, body: unknown, signed = true) {
  const response = await fetch(`${t.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(signed ? { [IDENTITY_HEADER]: signIdentity(identity(null), TEST_SIGNING_SECRET) } : {}) },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const SET = 'mutation($origins: [String!]!) { setCorsOrigins(origins: $origins) { id corsOrigins planLimits { costBudgetPerMinute requestsPerMinute } } }';

describe('setCorsOrigins', () => {
  it('stores the normalised, de-duplicated list for a tenant admin and records an event', async () => {
    const seeded = await seedTenant(t.platform);
    const unique = randomUUID().slice(0, 8);
    const result = await graphql<{ setCorsOrigins: { corsOrigins: string[]; planLimits: { costBudgetPerMinute: number; requestsPerMinute: number } } }>(t.url, seeded.as.admin, SET, {
      origins: [`https://App-${unique}.Example.com:443`, `https://app-${unique}.example.com`, 'http://localhost:5173', `https://partner-${unique}.example:8443`],
    });
    expect(result.errors).toBeUndefined();
    expect(result.data?.setCorsOrigins.corsOrigins).toEqual([`https://app-${unique}.example.com`, 'http://localhost:5173', `https://partner-${unique}.example:8443`]);
    expect(result.data?.setCorsOrigins.planLimits).toEqual({ costBudgetPerMinute: PLANS.free.costBudgetPerMinute, requestsPerMinute: PLANS.free.requestsPerMinute });

    const events = await t.platform.prisma.outboxEvent.findMany({ where: { tenantId: seeded.tenant.id, type: 'platform.tenant.cors_origins_changed' } });
    expect(events).toHaveLength(1);
    expect(events[0]?.payload).toMatchObject({ corsOrigins: result.data?.setCorsOrigins.corsOrigins, previous: [] });

    const read = await graphql<{ tenant: { corsOrigins: string[] } }>(t.url, seeded.as.rep, '{ tenant { corsOrigins } }');
    expect(read.data?.tenant.corsOrigins).toHaveLength(3);
  });

  it('refuses bad origins with BAD_USER_INPUT naming the entry, and changes nothing', async () => {
    const seeded = await seedTenant(t.platform);
    await graphql(t.url, seeded.as.admin, SET, { origins: ['https://kept.example'] });
    for (const [bad, index] of [
      ['https://app.example.com/path', 1],
      ['http://app.example.com', 1],
      ['https://*.example.com', 1],
      ['javascript:alert(1)', 1],
      ['https://user:pw@app.example.com', 1],
      ['not a url', 1],
    ] as const) {
      const result = await graphql(t.url, seeded.as.admin, SET, { origins: ['https://fine.example', bad] });
      expect(result.errors?.[0]?.extensions?.code, bad).toBe('BAD_USER_INPUT');
      expect(result.errors?.[0]?.extensions?.['field'], bad).toBe(`origins.${index}`);
    }
    const tooMany = await graphql(t.url, seeded.as.admin, SET, { origins: Array.from({ length: 21 }, (_, i) => `https://o${i}.example`) });
    expect(tooMany.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const read = await graphql<{ tenant: { corsOrigins: string[] } }>(t.url, seeded.as.admin, '{ tenant { corsOrigins } }');
    expect(read.data?.tenant.corsOrigins).toEqual(['https://kept.example']);
  });

  it('is for tenant admins only', async () => {
    const seeded = await seedTenant(t.platform);
    for (const caller of [seeded.as.manager, seeded.as.rep]) {
      const result = await graphql(t.url, caller, SET, { origins: ['https://x.example'] });
      expect(result.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    }
    const anonymous = await graphql(t.url, identity(null), SET, { origins: ['https://x.example'] });
    expect(anonymous.errors?.[0]?.extensions?.code).toMatch(/UNAUTHENTICATED|FORBIDDEN/);
  });
});

describe('edge settings routes', () => {
  it('answers a tenant plan budget and allowlist, and whether any tenant allows an origin', async () => {
    const unique = randomUUID().slice(0, 8);
    const big = await t.platform.services.tenants.create({ name: 'Big', slug: `big-${unique}`, plan: 'enterprise' });
    const origin = `https://crm-${unique}.example`;
    await t.platform.services.tenants.setCorsOrigins(big.id, [origin]);

    const settings = await ask(EDGE_SETTINGS_PATH, { tenantId: big.id });
    expect(settings).toEqual({ status: 200, body: { plan: 'enterprise', costBudgetPerMinute: PLANS.enterprise.costBudgetPerMinute, requestsPerMinute: PLANS.enterprise.requestsPerMinute, corsOrigins: [origin] } });
    expect((await ask(EDGE_SETTINGS_PATH, { tenantId: randomUUID() })).body).toEqual({ found: false });

    expect((await ask(ORIGIN_ALLOWED_PATH, { origin })).body).toEqual({ allowed: true });
    expect((await ask(ORIGIN_ALLOWED_PATH, { origin: `https://other-${unique}.example` })).body).toEqual({ allowed: false });
  });

  it('refuses unsigned requests and malformed bodies', async () => {
    expect((await ask(EDGE_SETTINGS_PATH, { tenantId: randomUUID() }, false)).status).toBe(401);
    expect((await ask(EDGE_SETTINGS_PATH, { tenantId: 'nope' })).status).toBe(400);
    expect((await ask(ORIGIN_ALLOWED_PATH, { origin: 42 })).status).toBe(400);
  });
});
