/**
 * The tenant's deal amount masking setting on real PostgreSQL: set by tenant admins only, recorded
 * as an event, and sent with the team facts the gateway signs into identities; and the teams route
 * the sales subgraph groups tenant-wide team forecasts by.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTenantTransaction } from '@crm/db';
import { IDENTITY_HEADER, signIdentity } from '@crm/runtime';
import { graphql, identity, seedTenant, startTestPlatform, TEST_SIGNING_SECRET, type TestPlatform } from '../../test-support.ts';
import { TEAM_FACTS_PATH } from '../users/lib/team-facts-route.ts';
import { TEAM_MEMBERS_PATH } from '../users/lib/team-members-route.ts';
import { DEAL_MASKING_CHANGED } from './services/data-masking.ts';

let t: TestPlatform;
beforeAll(async () => {
  t = await startTestPlatform();
});
afterAll(async () => {
  await t?.stop();
});

async function post(path: string, body: unknown, signed = true) {
  const response = await fetch(`${t.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(signed ? { [IDENTITY_HEADER]: signIdentity(identity(null), TEST_SIGNING_SECRET) } : {}) },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const SET = 'mutation($enabled: Boolean!) { setMaskDealAmountsOutsideTeam(enabled: $enabled) { id maskDealAmountsOutsideTeam } }';

describe('maskDealAmountsOutsideTeam', () => {
  it('is set by a tenant admin, recorded once per change, and travels with the team facts', async () => {
    const seeded = await seedTenant(t.platform);
    const tenantId = seeded.tenant.id;
    expect((await graphql<{ tenant: { maskDealAmountsOutsideTeam: boolean } }>(t.url, seeded.as.rep, '{ tenant { maskDealAmountsOutsideTeam } }')).data?.tenant).toEqual({ maskDealAmountsOutsideTeam: false });
    expect((await post(TEAM_FACTS_PATH, { tenantId, userId: seeded.rep.id })).body).not.toHaveProperty('maskDealAmountsOutsideTeam');

    const on = await graphql<{ setMaskDealAmountsOutsideTeam: { id: string; maskDealAmountsOutsideTeam: boolean } }>(t.url, seeded.as.admin, SET, { enabled: true });
    expect(on.errors).toBeUndefined();
    expect(on.data?.setMaskDealAmountsOutsideTeam).toEqual({ id: tenantId, maskDealAmountsOutsideTeam: true });
    // the same value again changes nothing
    await graphql(t.url, seeded.as.admin, SET, { enabled: true });
    const facts = await post(TEAM_FACTS_PATH, { tenantId, userId: seeded.rep.id });
    expect(facts.status).toBe(200);
    expect(facts.body).toMatchObject({ teamId: null, teamMemberIds: [], maskDealAmountsOutsideTeam: true });

    await graphql(t.url, seeded.as.admin, SET, { enabled: false });
    expect((await post(TEAM_FACTS_PATH, { tenantId, userId: seeded.rep.id })).body).not.toHaveProperty('maskDealAmountsOutsideTeam');
    const events = await withTenantTransaction(t.platform.prisma, tenantId, (tx) => tx.outboxEvent.findMany({ where: { type: DEAL_MASKING_CHANGED }, orderBy: { occurredAt: 'asc' } }));
    expect(events.map((event) => (event.payload as { maskDealAmountsOutsideTeam: unknown }).maskDealAmountsOutsideTeam)).toEqual([
      { from: false, to: true },
      { from: true, to: false },
    ]);
  });

  it('is refused to anyone but a tenant admin, and never reaches another tenant', async () => {
    const seeded = await seedTenant(t.platform);
    const other = await seedTenant(t.platform);
    for (const caller of [seeded.as.manager, seeded.as.rep]) {
      const refused = await graphql(t.url, caller, SET, { enabled: true });
      expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    }
    expect((await graphql(t.url, null, SET, { enabled: true })).status).toBe(401);
    await graphql(t.url, seeded.as.admin, SET, { enabled: true });
    expect((await post(TEAM_FACTS_PATH, { tenantId: other.tenant.id, userId: other.rep.id })).body).not.toHaveProperty('maskDealAmountsOutsideTeam');
    const bad = await graphql(t.url, seeded.as.admin, SET, { enabled: 'yes' });
    expect(bad.errors?.[0]?.extensions?.code).toMatch(/BAD_USER_INPUT|GRAPHQL_VALIDATION_FAILED/);
  });
});

describe('team members route', () => {
  it('lists every team of the tenant by name with its active members and manager', async () => {
    const seeded = await seedTenant(t.platform);
    const { services } = t.platform;
    const tenantId = seeded.tenant.id;
    const gone = await services.users.create(tenantId, { email: `gone-${randomUUID()}@example.com`, name: 'Gone', password: 'correct horse battery staple', role: 'SALES_REP' });
    const beta = await services.teams.create(tenantId, { name: 'Beta' });
    const alpha = await services.teams.create(tenantId, { name: 'Alpha', managerId: seeded.manager.id });
    await withTenantTransaction(t.platform.prisma, tenantId, async (tx) => {
      await tx.user.updateMany({ where: { id: { in: [seeded.rep.id, gone.id] } }, data: { teamId: alpha.id } });
      await tx.user.updateMany({ where: { id: gone.id }, data: { active: false } });
    });
    const answer = await post(TEAM_MEMBERS_PATH, { tenantId });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      teams: [
        { teamId: alpha.id, name: 'Alpha', memberIds: [seeded.manager.id, seeded.rep.id].sort() },
        { teamId: beta.id, name: 'Beta', memberIds: [] },
      ],
    });
    // another tenant (or none) has no teams of these
    expect((await post(TEAM_MEMBERS_PATH, { tenantId: randomUUID() })).body).toEqual({ teams: [] });
  });

  it('answers only signed, well-formed questions', async () => {
    expect((await post(TEAM_MEMBERS_PATH, { tenantId: randomUUID() }, false)).status).toBe(401);
    const bad = await post(TEAM_MEMBERS_PATH, { tenantId: 'nope' });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ errors: [{ extensions: { code: 'BAD_USER_INPUT' } }] });
  });
});
