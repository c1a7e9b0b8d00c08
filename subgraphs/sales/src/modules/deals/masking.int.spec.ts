/**
 * Field-level masking of deal amounts on real PostgreSQL, through the sales subgraph's GraphQL: with
 * the tenant's `maskDealAmountsOutsideTeam` (signed by the gateway with the team facts), a non-admin
 * who reads deals tenant-wide (here a Sales Rep with a custom role granting tenant-wide `deal:read`)
 * sees every deal, but the amounts, line prices and forecast figures of deals owned outside their
 * team are null and listed in `maskedFields`; filters, sorting and group sums cannot tell them.
 * Admins, and callers who read only their own or their team's deals, see every amount they read.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSalesHarness, type CallOptions, type SalesHarness } from '../../testing/sales-harness.ts';

let h: SalesHarness;
beforeAll(async () => {
  h = await startSalesHarness({ relay: false });
});
afterAll(async () => {
  await h?.close();
});

async function seed() {
  const tenantId = h.tenant();
  const actor = h.actor();
  const [rep, mate, outsider] = [randomUUID(), randomUUID(), randomUUID()];
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
  const own = await create('own', '100.00', rep);
  const mates = await create('mate', '40.00', mate);
  const outside = await create('outside', '250.00', outsider);
  await h.subgraph.services.lineItems.set(tenantId, actor, outside.id, outside.version, [{ description: 'Licences', quantity: '5', unitPrice: '50.00' }]);
  /** The rep, reading deals tenant-wide through a custom role, in a tenant that masks. */
  const viewer = (masked = true): CallOptions => ({
    tenantId,
    userId: rep,
    roles: ['SALES_REP'],
    teamId: randomUUID(),
    teamMemberIds: [rep, mate],
    identity: { customGrants: { 'deal:read': 'tenant' }, maskDealAmountsOutsideTeam: masked },
  });
  return { tenantId, rep, mate, outsider, own, mates, outside, viewer };
}

const DEAL = 'query($id: ID!) { deal(id: $id) { name amount maskedFields lineItems { description quantity unitPrice subtotal discount tax total maskedFields } } }';

describe('deal amounts outside the team', () => {
  it('are null and listed in maskedFields, with their line prices, for a non-admin reading tenant-wide', async () => {
    const s = await seed();
    const outside = await h.call<{ deal: Record<string, unknown> }>(DEAL, { id: s.outside.id }, s.viewer());
    expect(outside.errors).toBeUndefined();
    expect(outside.data?.deal).toEqual({
      name: 'outside',
      amount: null,
      maskedFields: ['amount'],
      lineItems: [
        { description: 'Licences', quantity: '5', unitPrice: null, subtotal: null, discount: null, tax: null, total: null, maskedFields: ['unitPrice', 'discountAmount', 'subtotal', 'discount', 'tax', 'total'] },
      ],
    });
    for (const [id, amount] of [
      [s.own.id, '100.00'],
      [s.mates.id, '40.00'],
    ] as const) {
      const seen = await h.call<{ deal: { amount: string; maskedFields: string[] } }>(DEAL, { id }, s.viewer());
      expect(seen.data?.deal).toMatchObject({ amount, maskedFields: [] });
    }
  });

  it('are shown when the tenant does not mask, to admins, and to callers who read only their team', async () => {
    const s = await seed();
    const unmasked = await h.call<{ deal: { amount: string; lineItems: Array<{ total: string }> } }>(DEAL, { id: s.outside.id }, s.viewer(false));
    expect(unmasked.data?.deal).toMatchObject({ amount: '250.00', maskedFields: [], lineItems: [{ total: '250.00', maskedFields: [] }] });

    const admin = await h.call<{ deal: { amount: string } }>(DEAL, { id: s.outside.id }, { tenantId: s.tenantId, roles: ['TENANT_ADMIN'], identity: { maskDealAmountsOutsideTeam: true } });
    expect(admin.data?.deal).toMatchObject({ amount: '250.00', maskedFields: [] });

    // a manager reads their team's deals only: nothing they read is masked, and the outside deal stays unreadable
    const manager: CallOptions = { tenantId: s.tenantId, userId: s.rep, roles: ['SALES_MANAGER'], teamMemberIds: [s.rep, s.mate], identity: { maskDealAmountsOutsideTeam: true } };
    expect((await h.call<{ deal: { amount: string } }>(DEAL, { id: s.mates.id }, manager)).data?.deal).toMatchObject({ amount: '40.00', maskedFields: [] });
    expect((await h.call<{ deal: null }>(DEAL, { id: s.outside.id }, manager)).data?.deal).toBeNull();
  });

  it('cannot be told by amount filters, sorting or group sums', async () => {
    const s = await seed();
    const LIST = 'query($filter: DealFilter, $orderBy: [DealOrder!]) { dealsConnection(first: 10, filter: $filter, orderBy: $orderBy) { totalCount nodes { name amount } } }';
    type List = { dealsConnection: { totalCount: number; nodes: Array<{ name: string; amount: string | null }> } };
    const names = (result: { data?: List | null }) => result.data?.dealsConnection.nodes.map((node) => node.name).sort();

    const all = await h.call<List>(LIST, {}, s.viewer());
    expect(all.data?.dealsConnection.totalCount).toBe(3);
    expect(all.data?.dealsConnection.nodes.find((node) => node.name === 'outside')?.amount).toBeNull();
    // the outside deal's 250.00 matches neither a condition nor its opposite in a way that depends on it
    expect(names(await h.call<List>(LIST, { filter: { amount: { gte: '200' } } }, s.viewer()))).toEqual([]);
    expect(names(await h.call<List>(LIST, { filter: { amount: { lt: '200' } } }, s.viewer()))).toEqual(['mate', 'own']);
    expect(names(await h.call<List>(LIST, { filter: { not: { amount: { gte: '200' } } } }, s.viewer()))).toEqual(['mate', 'outside', 'own']);
    expect(names(await h.call<List>(LIST, { filter: { not: { amount: { lt: '200' } } } }, s.viewer()))).toEqual(['outside']);
    // unmasked, the same filter finds it
    expect(names(await h.call<List>(LIST, { filter: { amount: { gte: '200' } } }, s.viewer(false)))).toEqual(['outside']);

    const sorted = await h.call<List>(LIST, { orderBy: [{ field: 'NAME' }, { field: 'AMOUNT', direction: 'DESC' }] }, s.viewer());
    expect(sorted.data ?? null).toBeNull();
    expect(sorted.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(sorted.errors?.[0]?.message).toMatch(/orderBy\.1\.field/);

    const GROUPS = '{ dealsGroupBy(field: STAGE) { count amounts { currency amount count maskedCount } } }';
    type Groups = { dealsGroupBy: Array<{ count: number; amounts: Array<{ currency: string; amount: string; count: number; maskedCount: number }> }> };
    expect((await h.call<Groups>(GROUPS, {}, s.viewer())).data?.dealsGroupBy).toEqual([{ count: 3, amounts: [{ currency: 'USD', amount: '140.00', count: 3, maskedCount: 1 }] }]);
    expect((await h.call<Groups>(GROUPS, {}, s.viewer(false))).data?.dealsGroupBy).toEqual([{ count: 3, amounts: [{ currency: 'USD', amount: '390.00', count: 3, maskedCount: 0 }] }]);
  });

  it('keep forecast figures of deals outside the team null, per deal and per group', async () => {
    const s = await seed();
    const FORECAST = `{ forecast(period: { kind: MONTH, year: 2026, index: 12 }, groupBy: OWNER, currency: "USD") {
      groups { owner { id } pipeline { amount deals { dealId amount weightedAmount maskedFields } } weightedPipeline { amount } attainmentPercent maskedFields } } }`;
    type Forecast = {
      forecast: {
        groups: Array<{
          owner: { id: string };
          pipeline: { amount: string | null; deals: Array<{ dealId: string; amount: string | null; weightedAmount: string | null; maskedFields: string[] }> };
          weightedPipeline: { amount: string | null };
          attainmentPercent: string | null;
          maskedFields: string[];
        }>;
      };
    };
    const result = await h.call<Forecast>(FORECAST, {}, s.viewer());
    expect(result.errors).toBeUndefined();
    const byOwner = new Map(result.data!.forecast.groups.map((group) => [group.owner.id, group]));
    expect(byOwner.get(s.outsider)).toEqual({
      owner: { id: s.outsider },
      pipeline: { amount: null, deals: [{ dealId: s.outside.id, amount: null, weightedAmount: null, maskedFields: ['amount', 'weightedAmount'] }] },
      weightedPipeline: { amount: null },
      attainmentPercent: null,
      maskedFields: ['pipeline', 'weightedPipeline'],
    });
    expect(byOwner.get(s.rep)).toMatchObject({ pipeline: { amount: '100.00', deals: [{ amount: '100.00', weightedAmount: '10.00', maskedFields: [] }] }, maskedFields: [] });

    const unmasked = await h.call<Forecast>(FORECAST, {}, s.viewer(false));
    expect(unmasked.data!.forecast.groups.find((group) => group.owner.id === s.outsider)).toMatchObject({ pipeline: { amount: '250.00' }, weightedPipeline: { amount: '25.00' }, maskedFields: [] });
  });
});
