/**
 * The pipeline summary read model, driven through the event bus the way sales feeds it:
 * convergence, idempotency, out-of-order safety, tenant isolation and dead-lettering.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { topicOf, type EventEnvelope } from '@crm/events';
import { startAnalyticsHarness, type AnalyticsHarness } from '../../testing/harness.ts';
import { dealCreated, dealMoved, dealUpdated, newDeal } from '../../testing/sales-events.ts';
import type { PipelineSummaryModel } from './lib/summary.ts';

const SALES = topicOf('sales');
let harness: AnalyticsHarness;

beforeAll(async () => {
  harness = await startAnalyticsHarness({ consumer: { maxAttempts: 3, retryBackoffMs: 5 } });
});
afterAll(async () => {
  await harness?.close();
});

async function publishAndWait(...events: EventEnvelope[]) {
  await harness.bus.publish(SALES, events);
  await Promise.all(events.map((event) => harness.subgraph.services.summary.waitForEvent(event.id, 15_000)));
}

/** Per stage: [dealCount, { currency: amountMinor }], for compact expectations. */
function shape(summary: PipelineSummaryModel) {
  return Object.fromEntries(
    summary.stages.map((stage) => [stage.stageId, [stage.dealCount, Object.fromEntries(stage.amounts.map((a) => [a.currency, a.amountMinor]))]]),
  );
}

describe('pipeline summary read model', () => {
  it('converges on counts and sums after deals are created, moved and updated', async () => {
    const tenantId = randomUUID();
    const pipelineId = randomUUID();
    const [qualify, propose] = [randomUUID(), randomUUID()];
    const a = newDeal({ tenantId, pipelineId, stageId: qualify, amountMinor: 10_000n, currency: 'USD' });
    const b = newDeal({ tenantId, pipelineId, stageId: qualify, amountMinor: 5_000n, currency: 'USD' });
    const c = newDeal({ tenantId, pipelineId, stageId: propose, amountMinor: 1_000n, currency: 'EUR' });

    await publishAndWait(dealCreated(a, 1n), dealCreated(b, 2n), dealCreated(c, 3n), dealMoved(a, propose, 4n), dealUpdated(b, { amountMinor: 7_500n }, 5n));

    const summary = await harness.subgraph.services.summary.get(tenantId, pipelineId);
    expect(summary.dealCount).toBe(3);
    expect(shape(summary)).toEqual({
      [qualify]: [1, { USD: 7_500n }],
      [propose]: [2, { EUR: 1_000n, USD: 10_000n }],
    });
    expect(summary.amounts).toEqual([
      { currency: 'EUR', amountMinor: 1_000n },
      { currency: 'USD', amountMinor: 17_500n },
    ]);
    expect(summary.updatedAt).toBeInstanceOf(Date);
  });

  it('applies won, lost and reopened deals in their new stage and drops deleted deals', async () => {
    const tenantId = randomUUID();
    const pipelineId = randomUUID();
    const [open, won, lost] = [randomUUID(), randomUUID(), randomUUID()];
    const a = newDeal({ tenantId, pipelineId, stageId: open, amountMinor: 1_000n });
    const b = newDeal({ tenantId, pipelineId, stageId: open, amountMinor: 2_000n });
    const c = newDeal({ tenantId, pipelineId, stageId: open, amountMinor: 4_000n });
    const lifecycle = (type: string, deal: typeof a, stageId: string, sequence: bigint): EventEnvelope => ({
      ...dealCreated(deal, sequence),
      id: randomUUID(),
      type,
      payload: {
        dealId: deal.dealId,
        pipelineId,
        stageId,
        ...(stageId === deal.stageId ? {} : { fromStageId: deal.stageId, toStageId: stageId }),
        amountMinor: deal.amountMinor.toString(),
        currency: deal.currency,
        sequence: sequence.toString(),
      },
    });

    const createdC = dealCreated(c, 3n);
    await publishAndWait(
      dealCreated(a, 1n),
      dealCreated(b, 2n),
      createdC,
      lifecycle('sales.deal.won', a, won, 4n),
      lifecycle('sales.deal.lost', b, lost, 5n),
      lifecycle('sales.deal.reopened', { ...b, stageId: lost }, open, 6n),
      lifecycle('sales.deal.deleted', c, open, 7n),
    );

    const summary = await harness.subgraph.services.summary.get(tenantId, pipelineId);
    expect(summary.dealCount).toBe(2);
    expect(shape(summary)).toEqual({ [won]: [1, { USD: 1_000n }], [open]: [1, { USD: 2_000n }] });
    // A redelivered earlier event of the deleted deal does not bring it back.
    expect(await harness.subgraph.services.projection.apply(createdC)).toBe('duplicate');
    expect((await harness.subgraph.services.summary.get(tenantId, pipelineId)).dealCount).toBe(2);
  });

  it('changes nothing when the same event is delivered twice', async () => {
    const deal = newDeal({ amountMinor: 2_500n });
    const created = dealCreated(deal, 1n);
    // The second copy is followed by an event of the same deal the summary ignores, so once that one
    // is consumed the redelivery has been handled too (per-deal order).
    const marker: EventEnvelope = { ...dealCreated(deal, 1n), id: randomUUID(), type: 'sales.deal.viewed' };
    await publishAndWait(created, created, marker);

    const summary = await harness.subgraph.services.summary.get(deal.tenantId, deal.pipelineId);
    expect(summary.dealCount).toBe(1);
    expect(summary.amounts).toEqual([{ currency: 'USD', amountMinor: 2_500n }]);
    expect(await harness.subgraph.services.projection.apply(created)).toBe('duplicate');
    expect(await harness.subgraph.services.projection.apply(marker)).toBe('ignored');
  });

  it('ignores an event older than the change the snapshot already reflects', async () => {
    const deal = newDeal();
    const newer = dealCreated(deal, 7n);
    const older = dealMoved(deal, randomUUID(), 5n);
    await publishAndWait(newer, older);

    const summary = await harness.subgraph.services.summary.get(deal.tenantId, deal.pipelineId);
    expect(shape(summary)).toEqual({ [deal.stageId]: [1, { USD: 10_000n }] });
    expect(await harness.subgraph.services.projection.apply(dealUpdated(deal, { amountMinor: 1n }, 6n))).toBe('stale');
    expect(await harness.subgraph.services.projection.apply(dealUpdated(deal, { amountMinor: 1n }, 8n))).toBe('applied');
  });

  it("never mixes two tenants' deals, even with the same pipeline and stage ids", async () => {
    const pipelineId = randomUUID();
    const stageId = randomUUID();
    const ofA = newDeal({ pipelineId, stageId, amountMinor: 100n });
    const ofB = newDeal({ pipelineId, stageId, amountMinor: 900n, currency: 'GBP' });
    await publishAndWait(dealCreated(ofA, 1n), dealCreated(ofB, 1n));

    const [a, b] = await Promise.all([
      harness.subgraph.services.summary.get(ofA.tenantId, pipelineId),
      harness.subgraph.services.summary.get(ofB.tenantId, pipelineId),
    ]);
    expect(shape(a)).toEqual({ [stageId]: [1, { USD: 100n }] });
    expect(shape(b)).toEqual({ [stageId]: [1, { GBP: 900n }] });
  });

  it("dead-letters an event that would overwrite another tenant's deal", async () => {
    const victim = newDeal({ amountMinor: 100n });
    await publishAndWait(dealCreated(victim, 1n));
    const hijack = dealUpdated({ ...victim, tenantId: randomUUID() }, { amountMinor: 1n }, 2n);
    await harness.bus.publish(SALES, [hijack]);

    await vi.waitFor(() => expect(harness.bus.deadLetters.map((letter) => letter.event.id)).toContain(hijack.id), { timeout: 15_000 });
    expect(harness.bus.deadLetters.find((letter) => letter.event.id === hijack.id)?.error).toMatch(/row-level security/);
    const summary = await harness.subgraph.services.summary.get(victim.tenantId, victim.pipelineId);
    expect(summary.amounts).toEqual([{ currency: 'USD', amountMinor: 100n }]);
    expect(await harness.subgraph.services.summary.get(hijack.tenantId, victim.pipelineId)).toMatchObject({ dealCount: 0, stages: [] });
  });

  it('sends a malformed event to the dead-letter topic after retries without blocking later events', async () => {
    const deal = newDeal();
    const poison: EventEnvelope = { ...dealCreated(deal, 1n), payload: { dealId: deal.dealId, pipelineId: deal.pipelineId } };
    const next = dealCreated(deal, 2n); // same deal, so the same partition: it waits behind the poison
    await harness.bus.publish(SALES, [poison, next]);
    await harness.subgraph.services.summary.waitForEvent(next.id, 15_000);

    const letter = harness.bus.deadLetters.find((l) => l.event.id === poison.id);
    expect(letter).toMatchObject({ topic: SALES, groupId: 'analytics.pipeline-summary', attempts: 3 });
    expect(letter?.error).toMatch(/Invalid sales\.deal\.created event.*payload\.stageId/);
    expect(await harness.subgraph.services.summary.hasProcessed(poison.id)).toBe(false);
    expect((await harness.subgraph.services.summary.get(deal.tenantId, deal.pipelineId)).dealCount).toBe(1);
  });
});
