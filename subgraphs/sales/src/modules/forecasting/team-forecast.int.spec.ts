/**
 * Forecasts grouped by team on real PostgreSQL: a caller who reads deals tenant-wide gets one group
 * per team of the tenant (teams and members from the platform's directory), each against its own
 * quota; anyone else gets their own team only; masked amounts stay masked per team.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TeamMembers } from '../../index.ts';
import { startSalesHarness, type SalesHarness } from '../../testing/sales-harness.ts';

const directory = new Map<string, TeamMembers[]>();
const asked: string[] = [];

let h: SalesHarness;
beforeAll(async () => {
  h = await startSalesHarness({
    relay: false,
    teams: async (tenantId) => {
      asked.push(tenantId);
      return directory.get(tenantId) ?? [];
    },
  });
});
afterAll(async () => {
  await h?.close();
});

async function seed() {
  const tenantId = h.tenant();
  const actor = h.actor();
  const [alpha, beta, empty] = [randomUUID(), randomUUID(), randomUUID()];
  const [a1, a2, b1, teamless] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
  directory.set(tenantId, [
    { teamId: alpha, name: 'Alpha', memberIds: [a1, a2] },
    { teamId: beta, name: 'Beta', memberIds: [b1] },
    { teamId: empty, name: 'Gamma', memberIds: [] },
  ]);
  const pipeline = await h.subgraph.services.pipelines.create(tenantId, actor, {
    name: 'Sales',
    stages: [
      { name: 'Lead', probability: 10 },
      { name: 'Won', probability: 100, kind: 'WON' },
      { name: 'Lost', probability: 0, kind: 'LOST' },
    ],
  });
  const stageId = pipeline.stages[0]!.id;
  const create = (name: string, amount: string, ownerId: string) =>
    h.subgraph.services.deals.create(tenantId, actor, { pipelineId: pipeline.id, stageId, name, amount, currency: 'USD', ownerId, expectedCloseDate: '2026-12-10' });
  await create('a1', '100.00', a1);
  await create('a2', '40.00', a2);
  await create('b1', '250.00', b1);
  await create('nobody’s team', '7.00', teamless);
  return { tenantId, alpha, beta, empty, a1, a2, b1 };
}

const FORECAST = `{ forecast(period: { kind: MONTH, year: 2026, index: 12 }, groupBy: TEAM, currency: "USD") {
  groups { teamId quota { amount } pipeline { amount deals { dealId } } attainmentPercent maskedFields } } }`;
interface Forecast {
  forecast: { groups: Array<{ teamId: string; quota: { amount: string } | null; pipeline: { amount: string | null; deals: Array<{ dealId: string }> }; attainmentPercent: string | null; maskedFields: string[] }> };
}
const SET_QUOTA = 'mutation($teamId: ID!, $amount: Decimal!) { setQuota(teamId: $teamId, period: { kind: MONTH, year: 2026, index: 12 }, amount: $amount, currency: "USD") { id } }';

describe('forecast grouped by team', () => {
  it('has one group per team of the tenant for a tenant admin, each against its quota', async () => {
    const s = await seed();
    const admin = { tenantId: s.tenantId, roles: ['TENANT_ADMIN'] };
    expect((await h.call(SET_QUOTA, { teamId: s.alpha, amount: '1000.00' }, admin)).errors).toBeUndefined();
    expect((await h.call(SET_QUOTA, { teamId: s.beta, amount: '500.00' }, admin)).errors).toBeUndefined();

    const result = await h.call<Forecast>(FORECAST, {}, admin);
    expect(result.errors).toBeUndefined();
    const groups = result.data!.forecast.groups;
    // by team name; the teamless owner's deal is in no team
    expect(groups.map((group) => [group.teamId, group.quota?.amount ?? null, group.pipeline.amount, group.pipeline.deals.length])).toEqual([
      [s.alpha, '1000.00', '140.00', 2],
      [s.beta, '500.00', '250.00', 1],
      [s.empty, null, '0.00', 0],
    ]);
    expect(groups.every((group) => group.maskedFields.length === 0)).toBe(true);
    expect(asked).toContain(s.tenantId);
  });

  it('sets a quota only for a team of the tenant, asking the directory afresh about a team it does not know', async () => {
    const s = await seed();
    const admin = { tenantId: s.tenantId, roles: ['TENANT_ADMIN'] };
    const refused = await h.call(SET_QUOTA, { teamId: randomUUID(), amount: '10.00' }, admin);
    expect(refused.errors?.[0]).toMatchObject({ message: 'teamId must be a team of the tenant', extensions: { code: 'BAD_USER_INPUT', field: 'teamId' } });
    // another tenant's team is no team of this tenant
    const other = await seed();
    expect((await h.call(SET_QUOTA, { teamId: other.alpha, amount: '10.00' }, admin)).errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'teamId' });
    expect(await h.admin.quota.count({ where: { tenantId: s.tenantId } })).toBe(0);
    // an unknown team was asked about twice: from what the directory remembers, then afresh
    asked.length = 0;
    await h.call(SET_QUOTA, { teamId: randomUUID(), amount: '10.00' }, admin);
    expect(asked).toEqual([s.tenantId, s.tenantId]);
    expect((await h.call(SET_QUOTA, { teamId: s.beta, amount: '10.00' }, admin)).errors).toBeUndefined();
    // a manager's own team is in their signed identity: no lookup
    asked.length = 0;
    const manager = { tenantId: s.tenantId, userId: s.a1, roles: ['SALES_MANAGER'], teamId: s.alpha, teamMemberIds: [s.a1, s.a2] };
    expect((await h.call(SET_QUOTA, { teamId: s.alpha, amount: '20.00' }, manager)).errors).toBeUndefined();
    expect(asked).toEqual([]);
  });

  it('reaches a role with tenant-wide deal read too, while a manager sees only their own team', async () => {
    const s = await seed();
    const analyst = { tenantId: s.tenantId, userId: randomUUID(), roles: ['SALES_REP'], identity: { customGrants: { 'deal:read': 'tenant' } } };
    expect((await h.call<Forecast>(FORECAST, {}, analyst)).data?.forecast.groups.map((group) => group.teamId)).toEqual([s.alpha, s.beta, s.empty]);

    const manager = { tenantId: s.tenantId, userId: s.a1, roles: ['SALES_MANAGER'], teamId: s.alpha, teamMemberIds: [s.a1, s.a2] };
    const own = await h.call<Forecast>(FORECAST, {}, manager);
    expect(own.data?.forecast.groups.map((group) => [group.teamId, group.pipeline.amount])).toEqual([[s.alpha, '140.00']]);
  });

  it('masks the figures of other teams for a non-admin when the tenant masks amounts', async () => {
    const s = await seed();
    const viewer = {
      tenantId: s.tenantId,
      userId: s.a1,
      roles: ['SALES_REP'],
      teamId: s.alpha,
      teamMemberIds: [s.a1, s.a2],
      identity: { customGrants: { 'deal:read': 'tenant' }, maskDealAmountsOutsideTeam: true },
    };
    const groups = (await h.call<Forecast>(FORECAST, {}, viewer)).data!.forecast.groups;
    expect(groups.map((group) => [group.teamId, group.pipeline.amount, group.maskedFields])).toEqual([
      [s.alpha, '140.00', []],
      [s.beta, null, ['pipeline', 'weightedPipeline']],
      [s.empty, '0.00', []],
    ]);
  });
});
