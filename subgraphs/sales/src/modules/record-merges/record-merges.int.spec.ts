/**
 * References follow customer merges in the sales subgraph on real PostgreSQL: redelivered merge
 * events move nothing twice, an undo puts back only what still points at the survivor, and a
 * malformed merge event is refused without changing anything.
 */
import { randomUUID } from 'node:crypto';
import { createEvent, type EventEnvelope } from '@crm/events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSalesHarness, type SalesHarness } from '../../testing/sales-harness.ts';
import { InvalidMergeEventError } from './lib/merge-events.ts';

let h: SalesHarness;
beforeAll(async () => {
  h = await startSalesHarness();
});
afterAll(async () => {
  await h?.close();
});

function mergeEvent(type: string, tenantId: string, payload: { mergeId: string; survivorId: string; mergedIds: string[] }): EventEnvelope {
  return createEvent({ type, tenantId, actor: { userId: randomUUID(), kind: 'user' }, aggregateId: payload.survivorId, payload });
}

async function accountOf(tenantId: string, dealId: string) {
  const [row] = await h.admin.$queryRaw<{ accountId: string | null }[]>`SELECT "accountId" FROM "Deal" WHERE "id" = ${dealId}::uuid AND "tenantId" = ${tenantId}::uuid`;
  return row?.accountId;
}

describe('record merges', () => {
  it('moves deals of merged accounts once however often the event is delivered, and undoes only what still points at the survivor', async () => {
    const tenantId = h.tenant();
    const { id: pipelineId } = await h.subgraph.services.pipelines.create(tenantId, h.actor(), { name: 'Sales', stages: [{ name: 'Lead', probability: 10 }] });
    const [survivorId, mergedId] = [randomUUID(), randomUUID()];
    const [moved, reassigned] = await h.subgraph.services.deals.createMany(tenantId, h.actor(), [
      { pipelineId, name: 'Moved', amount: '10.00', currency: 'USD', accountId: mergedId },
      { pipelineId, name: 'Reassigned later', amount: '20.00', currency: 'USD', accountId: mergedId },
    ]);
    const payload = { mergeId: randomUUID(), survivorId, mergedIds: [mergedId] };
    const merged = mergeEvent('customer.account.merged', tenantId, payload);

    expect(await h.subgraph.recordMerges.apply(merged)).toBe('moved');
    expect(await h.subgraph.recordMerges.apply(merged)).toBe('duplicate');
    expect(await accountOf(tenantId, moved!.id)).toBe(survivorId);
    const versions = await h.admin.$queryRaw<{ version: number }[]>`SELECT "version" FROM "Deal" WHERE "id" = ${moved!.id}::uuid`;
    expect(versions[0]!.version).toBe(2);

    // Someone points the second deal elsewhere before the undo: the undo leaves it alone.
    const elsewhere = randomUUID();
    await h.subgraph.services.deals.update(tenantId, h.actor(), reassigned!.id, { accountId: elsewhere });
    const undone = mergeEvent('customer.account.merge_undone', tenantId, payload);
    expect(await h.subgraph.recordMerges.apply(undone)).toBe('moved');
    expect(await h.subgraph.recordMerges.apply(undone)).toBe('duplicate');
    expect(await accountOf(tenantId, moved!.id)).toBe(mergedId);
    expect(await accountOf(tenantId, reassigned!.id)).toBe(elsewhere);

    const outbox = await h.admin.$queryRaw<{ payload: Record<string, unknown> }[]>`
      SELECT "payload" FROM "OutboxEvent" WHERE "aggregateId" = ${payload.mergeId} AND "type" = 'sales.record_merge.references_moved' ORDER BY "seq"`;
    expect(outbox.map((row) => [row.payload.direction, row.payload.deals])).toEqual([
      ['apply', 2],
      ['undo', 1],
    ]);
    const left = await h.admin.$queryRaw<{ n: bigint }[]>`SELECT count(*) AS n FROM "RecordMergeMove" WHERE "mergeId" = ${payload.mergeId}::uuid`;
    expect(Number(left[0]!.n)).toBe(0);
  });

  it('ignores other events and refuses a malformed merge without changing anything', async () => {
    const tenantId = h.tenant();
    const other = createEvent({ type: 'customer.contact.created', tenantId, actor: { userId: null, kind: 'system' }, aggregateId: randomUUID(), payload: {} });
    expect(await h.subgraph.recordMerges.apply(other)).toBe('ignored');
    const survivorId = randomUUID();
    const bad = mergeEvent('customer.contact.merged', tenantId, { mergeId: randomUUID(), survivorId, mergedIds: [survivorId] });
    await expect(h.subgraph.recordMerges.apply(bad)).rejects.toBeInstanceOf(InvalidMergeEventError);
  });
});
