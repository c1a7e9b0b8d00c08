/**
 * The deal step of lead conversions in the sales subgraph on real PostgreSQL: the deal is created
 * through the deal service with the conversion's account and contact, refused deals are answered
 * as failures, and redelivered requests never make a second deal.
 */
import { randomUUID } from 'node:crypto';
import { createEvent, topicOf, type EventEnvelope } from '@crm/events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSalesHarness, type SalesHarness } from '../../testing/sales-harness.ts';
import { dealIdForConversion, LEAD_CONVERSION_DEAL_CREATED, LEAD_CONVERSION_DEAL_FAILED, LEAD_CONVERSION_REQUESTED } from './lib/conversion-request.ts';

let h: SalesHarness;
beforeAll(async () => {
  h = await startSalesHarness();
});
afterAll(async () => {
  await h?.close();
});

const STAGES = [
  { name: 'Lead', probability: 10 },
  { name: 'Proposal', probability: 50 },
];

async function pipeline(tenantId: string) {
  return h.subgraph.services.pipelines.create(tenantId, h.actor(), { name: 'Sales', stages: STAGES });
}

function request(tenantId: string, payload: { conversionId?: string; contactId?: string | null; accountId?: string | null; deal: Record<string, unknown> | null }): EventEnvelope {
  const conversionId = payload.conversionId ?? randomUUID();
  return createEvent({
    type: LEAD_CONVERSION_REQUESTED,
    tenantId,
    actor: { userId: randomUUID(), kind: 'user' },
    aggregateId: conversionId,
    payload: { leadId: randomUUID(), contactId: null, accountId: null, ...payload, conversionId },
  });
}

/** The saga answers in the sales outbox for a conversion. */
async function answers(conversionId: string): Promise<{ type: string; payload: Record<string, unknown> }[]> {
  return h.admin.$queryRaw`SELECT "type", "payload" FROM "OutboxEvent" WHERE "aggregateId" = ${conversionId} AND "type" LIKE 'sales.lead_conversion.%' ORDER BY "seq"`;
}

const DEAL = `query ($id: ID!) { deal(id: $id) { id name amount currency stage { id } account { id } contacts { contact { id } isPrimary } } }`;

describe('lead conversion deal step', () => {
  it('creates the deal with the account and contact and answers deal_created, once however often it is delivered', async () => {
    const tenantId = h.tenant();
    const { id: pipelineId, stages } = await pipeline(tenantId);
    const accountId = randomUUID();
    const contactId = randomUUID();
    const event = request(tenantId, {
      contactId,
      accountId,
      deal: { pipelineId, stageId: stages[1]!.id, name: 'Converted', amount: '1200.50', currency: 'eur', ownerId: null },
    });
    const conversionId = String(event.payload.conversionId);
    expect(await h.subgraph.conversionDeals.apply(event)).toBe('created');
    expect(await h.subgraph.conversionDeals.apply(event)).toBe('duplicate');
    // A new delivery with a fresh event id (e.g. the request republished) is still the same conversion.
    expect(await h.subgraph.conversionDeals.apply({ ...event, id: randomUUID() })).toBe('duplicate');

    const dealId = dealIdForConversion(tenantId, conversionId);
    expect(await answers(conversionId)).toEqual([{ type: LEAD_CONVERSION_DEAL_CREATED, payload: { conversionId, dealId } }]);
    const read = await h.call<{ deal: Record<string, unknown> }>(DEAL, { id: dealId }, { tenantId });
    expect(read.data?.deal).toEqual({
      id: dealId,
      name: 'Converted',
      amount: '1200.50',
      currency: 'EUR',
      stage: { id: stages[1]!.id },
      account: { id: accountId },
      contacts: [{ contact: { id: contactId }, isPrimary: true }],
    });
    const deals = await h.admin.deal.count({ where: { tenantId } });
    expect(deals).toBe(1);
  });

  it('does not create the deal again when an earlier attempt created it but did not answer', async () => {
    const tenantId = h.tenant();
    const { id: pipelineId } = await pipeline(tenantId);
    const event = request(tenantId, { deal: { pipelineId, stageId: null, name: 'Half done', amount: '10', currency: 'USD', ownerId: null } });
    const conversionId = String(event.payload.conversionId);
    const dealId = dealIdForConversion(tenantId, conversionId);
    // What the crashed attempt left behind: the deal, without an answer.
    await h.subgraph.services.deals.create(tenantId, h.actor(), { pipelineId, name: 'Half done', amount: '10', currency: 'USD' });
    await h.admin.$executeRaw`UPDATE "Deal" SET "id" = ${dealId}::uuid WHERE "tenantId" = ${tenantId}::uuid`;
    expect(await h.subgraph.conversionDeals.apply(event)).toBe('created');
    expect(await h.admin.deal.count({ where: { tenantId } })).toBe(1);
    expect(await answers(conversionId)).toEqual([{ type: LEAD_CONVERSION_DEAL_CREATED, payload: { conversionId, dealId } }]);
  });

  it('answers deal_failed with the reason when the deal service refuses the deal, and creates nothing', async () => {
    const tenantId = h.tenant();
    const mine = await pipeline(tenantId);
    const other = await pipeline(tenantId);
    const wrongStage = request(tenantId, { deal: { pipelineId: mine.id, stageId: other.stages[0]!.id, name: 'Nope', amount: '10', currency: 'EUR', ownerId: null } });
    expect(await h.subgraph.conversionDeals.apply(wrongStage)).toBe('failed');
    expect(await answers(String(wrongStage.payload.conversionId))).toEqual([
      { type: LEAD_CONVERSION_DEAL_FAILED, payload: { conversionId: wrongStage.payload.conversionId, reason: "stageId must be a stage of the deal's pipeline" } },
    ]);
    const badAmount = request(tenantId, { deal: { pipelineId: mine.id, stageId: null, name: 'Nope', amount: '-x', currency: 'EUR', ownerId: null } });
    expect(await h.subgraph.conversionDeals.apply(badAmount)).toBe('failed');
    const [answer] = await answers(String(badAmount.payload.conversionId));
    expect(answer?.type).toBe(LEAD_CONVERSION_DEAL_FAILED);
    expect(String(answer?.payload.reason)).toMatch(/amount/);
    expect(await h.admin.deal.count({ where: { tenantId } })).toBe(0);
  });

  it('consumes the requests from the customer topic and ignores conversions without a deal', async () => {
    const tenantId = h.tenant();
    const { id: pipelineId } = await pipeline(tenantId);
    const withDeal = request(tenantId, { deal: { pipelineId, stageId: null, name: 'Via the bus', amount: '99', currency: 'EUR', ownerId: null } });
    const withoutDeal = request(tenantId, { deal: null });
    expect(await h.subgraph.conversionDeals.apply(withoutDeal)).toBe('ignored');
    await h.bus.publish(topicOf('customer'), [withoutDeal, withDeal]);
    const conversionId = String(withDeal.payload.conversionId);
    let found: { type: string }[] = [];
    for (let attempt = 0; attempt < 100 && found.length === 0; attempt++) {
      found = await answers(conversionId);
      if (found.length === 0) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(found.map((row) => row.type)).toEqual([LEAD_CONVERSION_DEAL_CREATED]);
    expect(await answers(String(withoutDeal.payload.conversionId))).toEqual([]);
  });
});
