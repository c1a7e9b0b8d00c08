/**
 * Forecast snapshots on real PostgreSQL: the job snapshots each tenant once per day (what a deal
 * counted as, with its category), a forecast read takes today's snapshot when the job has not, and
 * a snapshot never crosses tenants (row-level security).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTenantTransaction } from '@crm/db';
import { startSalesHarness, type SalesHarness } from '../../testing/sales-harness.ts';

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
  const pipeline = await h.subgraph.services.pipelines.create(tenantId, actor, {
    name: 'Sales',
    stages: [
      { name: 'Lead', probability: 10 },
      { name: 'Commit', probability: 95 },
      { name: 'Won', probability: 100, kind: 'WON' },
      { name: 'Lost', probability: 0, kind: 'LOST' },
    ],
  });
  const [lead, commit] = pipeline.stages;
  const open = await h.subgraph.services.deals.create(tenantId, actor, { pipelineId: pipeline.id, stageId: lead!.id, name: 'open', amount: '100.00', currency: 'USD', expectedCloseDate: '2026-12-01' });
  const likely = await h.subgraph.services.deals.create(tenantId, actor, { pipelineId: pipeline.id, stageId: commit!.id, name: 'likely', amount: '50.00', currency: 'USD' });
  const lost = await h.subgraph.services.deals.create(tenantId, actor, { pipelineId: pipeline.id, stageId: lead!.id, name: 'lost', amount: '7.00', currency: 'USD' });
  await h.subgraph.services.deals.close(tenantId, actor, lost.id, 'LOST', 'budget');
  return { tenantId, open, likely, lost };
}

const rowsOf = (tenantId: string) =>
  withTenantTransaction(h.prisma, tenantId, (tx) => tx.forecastSnapshot.findMany({ orderBy: { amountMinor: 'desc' }, select: { day: true, dealId: true, category: true, amountMinor: true, probability: true } }));

describe('forecast snapshots', () => {
  it('are taken once per tenant and day by the job, with each deal’s category', async () => {
    const a = await seed();
    const b = await seed();
    const day = new Date('2026-11-19T15:00:00Z');
    const taken = await h.subgraph.forecastSnapshots.runOnce(day);
    expect(taken).toEqual(expect.arrayContaining([a.tenantId, b.tenantId]));
    expect(await h.subgraph.forecastSnapshots.runOnce(day)).not.toEqual(expect.arrayContaining([a.tenantId]));
    expect(await h.subgraph.forecastSnapshots.take(a.tenantId, day)).toBe(false);
    const rows = await rowsOf(a.tenantId);
    expect(rows).toEqual([
      { day: new Date('2026-11-19T00:00:00Z'), dealId: a.open.id, category: 'PIPELINE', amountMinor: 10_000n, probability: 10 },
      { day: new Date('2026-11-19T00:00:00Z'), dealId: a.likely.id, category: 'COMMIT', amountMinor: 5_000n, probability: 95 },
    ]);
    // another tenant's rows are invisible even to a transaction of this tenant
    expect((await rowsOf(b.tenantId)).map((row) => row.dealId).sort()).toEqual([b.open.id, b.likely.id].sort());
  });

  it('records the category an owner chose (OMITTED deals are left out), as Deal.forecastCategory shows it', async () => {
    const a = await seed();
    const choose = (dealId: string, category: string) =>
      h.call<{ setDealForecastCategory: { forecastCategory: string } }>('mutation($d: ID!, $c: ForecastCategory) { setDealForecastCategory(dealId: $d, category: $c) { forecastCategory } }', { d: dealId, c: category }, { tenantId: a.tenantId });
    expect((await choose(a.open.id, 'BEST_CASE')).data?.setDealForecastCategory.forecastCategory).toBe('BEST_CASE');
    expect((await choose(a.likely.id, 'OMITTED')).data?.setDealForecastCategory.forecastCategory).toBe('OMITTED');
    expect(await h.subgraph.forecastSnapshots.take(a.tenantId, new Date('2026-11-20T08:00:00Z'))).toBe(true);
    expect((await rowsOf(a.tenantId)).map((row) => [row.dealId, row.category])).toEqual([[a.open.id, 'BEST_CASE']]);
  });

  it('is taken by a forecast read when today has none, and compared with the one nearest a week ago', async () => {
    const a = await seed();
    const now = new Date();
    await h.subgraph.forecastSnapshots.take(a.tenantId, new Date(now.getTime() - 6 * 86_400_000));
    await h.subgraph.forecastSnapshots.take(a.tenantId, new Date(now.getTime() - 9 * 86_400_000));
    const result = await h.call<{ forecast: { snapshotDay: string } }>(
      'query($p: ForecastPeriodInput!) { forecast(period: $p, currency: "USD") { snapshotDay } }',
      { p: { kind: 'MONTH', year: 2026, index: 12 } },
      { tenantId: a.tenantId },
    );
    expect(result.errors).toBeUndefined();
    expect(result.data?.forecast.snapshotDay).toBe(new Date(now.getTime() - 6 * 86_400_000).toISOString().slice(0, 10));
    const days = await withTenantTransaction(h.prisma, a.tenantId, (tx) => tx.forecastSnapshotDay.findMany({ where: { tenantId: a.tenantId }, orderBy: { day: 'asc' } }));
    expect(days.at(-1)?.day.toISOString().slice(0, 10)).toBe(now.toISOString().slice(0, 10));
  });
});
