import type { EventEnvelope } from '@crm/events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSalesHarness, type SalesHarness } from '../../testing/sales-harness.ts';

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
  { name: 'Won', probability: 100 },
];

/** A tenant with one pipeline (and optionally a second one). */
async function board(tenantId = h.tenant()) {
  const pipeline = await h.subgraph.services.pipelines.create(tenantId, h.actor(), { name: 'Sales', stages: STAGES });
  return { tenantId, pipeline, stages: pipeline.stages };
}

const DEAL_FIELDS = 'id name amount currency version stage { id name } pipeline { id } owner { id } account { id } createdAt updatedAt';
const CREATE = `mutation ($input: CreateDealInput!) { createDeal(input: $input) { ${DEAL_FIELDS} } }`;
const MOVE = `mutation ($id: ID!, $stageId: ID!) { moveDeal(id: $id, stageId: $stageId) { ${DEAL_FIELDS} } }`;
const UPDATE = `mutation ($id: ID!, $input: UpdateDealInput!) { updateDeal(id: $id, input: $input) { ${DEAL_FIELDS} } }`;

interface DealView {
  id: string;
  name: string;
  amount: string;
  currency: string;
  version: number;
  stage: { id: string; name: string };
  pipeline: { id: string };
  owner: { id: string } | null;
  account: { id: string } | null;
  createdAt: string;
  updatedAt: string;
}

const dealEvents = (tenantId: string) => h.admin.outboxEvent.findMany({ where: { tenantId, type: { startsWith: 'sales.deal.' } }, orderBy: { seq: 'asc' } });

describe('createDeal', () => {
  it('creates a deal in the first stage with exact money and references', async () => {
    const { tenantId, pipeline, stages } = await board();
    const ownerId = crypto.randomUUID();
    const accountId = crypto.randomUUID();
    const result = await h.call<{ createDeal: DealView }>(
      CREATE,
      { input: { pipelineId: pipeline.id, name: 'Acme renewal', amount: '1250.5', currency: 'usd', ownerId, accountId } },
      { tenantId },
    );
    expect(result.errors).toBeUndefined();
    const deal = result.data!.createDeal;
    expect(deal).toMatchObject({
      name: 'Acme renewal',
      amount: '1250.50',
      currency: 'USD',
      version: 1,
      stage: { id: stages[0]!.id, name: 'Lead' },
      pipeline: { id: pipeline.id },
      owner: { id: ownerId },
      account: { id: accountId },
    });
    expect(new Date(deal.createdAt).toISOString()).toBe(deal.createdAt);

    const events = await dealEvents(tenantId);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'sales.deal.created', aggregateId: deal.id, tenantId });
    expect(events[0]!.payload).toEqual({
      dealId: deal.id,
      pipelineId: pipeline.id,
      stageId: stages[0]!.id,
      amountMinor: '125050',
      currency: 'USD',
      ownerId,
      accountId,
      sequence: '1',
    });
  });

  it('places a deal in the given stage; owner and account may be absent', async () => {
    const { tenantId, pipeline, stages } = await board();
    const result = await h.call<{ createDeal: DealView }>(
      CREATE,
      { input: { pipelineId: pipeline.id, stageId: stages[2]!.id, name: 'Yen deal', amount: '5000', currency: 'JPY' } },
      { tenantId },
    );
    expect(result.data?.createDeal).toMatchObject({ amount: '5000', currency: 'JPY', stage: { name: 'Won' }, owner: null, account: null });
  });

  it.each([
    [{ amount: '-5' }, 'amount', 'negative'],
    [{ amount: 'ten' }, 'amount', 'decimal number'],
    [{ amount: '1.999' }, 'amount', 'more than 2 decimals'],
    [{ amount: '10.5', currency: 'JPY' }, 'amount', 'whole number'],
    [{ currency: 'ABC' }, 'currency', 'not supported'],
    [{ currency: 'dollars' }, 'currency', 'ISO 4217'],
    [{ name: '' }, 'name', 'empty'],
    [{ ownerId: 'bob' }, 'ownerId', 'uuid'],
  ])('rejects %j naming %s, writing nothing', async (change, field, message) => {
    const { tenantId, pipeline } = await board();
    const input = { pipelineId: pipeline.id, name: 'Deal', amount: '10', currency: 'USD', ...change };
    const result = await h.call(CREATE, { input }, { tenantId });
    expect(result.data).toBeNull();
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    expect(result.errors?.[0]?.message).toContain(message);
    expect(await h.admin.deal.count({ where: { tenantId } })).toBe(0);
    expect(await dealEvents(tenantId)).toHaveLength(0);
    expect((await h.admin.pipeline.findUniqueOrThrow({ where: { id: pipeline.id } })).sequence).toBe(0n);
  });

  it('rejects a JSON number as amount (it has already lost precision)', async () => {
    const { tenantId, pipeline } = await board();
    const result = await h.call(CREATE, { input: { pipelineId: pipeline.id, name: 'Deal', amount: 10.1, currency: 'USD' } }, { tenantId });
    expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(await h.admin.deal.count({ where: { tenantId } })).toBe(0);
  });

  it('rejects a pipeline of another tenant and a stage of another pipeline', async () => {
    const mine = await board();
    const other = await board(mine.tenantId);
    const foreign = await board();

    const foreignPipeline = await h.call(CREATE, { input: { pipelineId: foreign.pipeline.id, name: 'D', amount: '1', currency: 'EUR' } }, { tenantId: mine.tenantId });
    expect(foreignPipeline.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'pipelineId' });

    const wrongStage = await h.call(
      CREATE,
      { input: { pipelineId: mine.pipeline.id, stageId: other.stages[1]!.id, name: 'D', amount: '1', currency: 'EUR' } },
      { tenantId: mine.tenantId },
    );
    expect(wrongStage.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'stageId' });
    expect(await h.admin.deal.count({ where: { tenantId: { in: [mine.tenantId, foreign.tenantId] } } })).toBe(0);
  });
});

describe('moveDeal', () => {
  it('moves a deal, bumps version and board sequence, and emits one stage_changed event', async () => {
    const { tenantId, pipeline, stages } = await board();
    const actor = h.actor();
    const deal = await h.subgraph.services.deals.create(tenantId, actor, { pipelineId: pipeline.id, name: 'Move me', amount: '99.99', currency: 'EUR' });

    const userId = crypto.randomUUID();
    const result = await h.call<{ moveDeal: DealView }>(MOVE, { id: deal.id, stageId: stages[1]!.id }, { tenantId, userId });
    expect(result.errors).toBeUndefined();
    expect(result.data?.moveDeal).toMatchObject({ id: deal.id, version: 2, stage: { id: stages[1]!.id, name: 'Proposal' }, amount: '99.99' });

    const events = await dealEvents(tenantId);
    expect(events.map((e) => e.type)).toEqual(['sales.deal.created', 'sales.deal.stage_changed']);
    const moved = events[1]!;
    expect(moved).toMatchObject({ aggregateId: deal.id, tenantId, actor: { userId, kind: 'user' } });
    expect(moved.payload).toEqual({
      dealId: deal.id,
      pipelineId: pipeline.id,
      fromStageId: stages[0]!.id,
      toStageId: stages[1]!.id,
      amountMinor: '9999',
      currency: 'EUR',
      sequence: '2',
    });
    const stored = await h.admin.deal.findUniqueOrThrow({ where: { id: deal.id } });
    expect(stored).toMatchObject({ stageId: stages[1]!.id, version: 2, boardSequence: 2n });
    expect((await h.admin.pipeline.findUniqueOrThrow({ where: { id: pipeline.id } })).sequence).toBe(2n);
  });

  it('publishes the event on the bus right after the commit', async () => {
    const { tenantId, pipeline, stages } = await board();
    const deal = await h.subgraph.services.deals.create(tenantId, h.actor(), { pipelineId: pipeline.id, name: 'Live', amount: '1', currency: 'GBP' });
    const received: EventEnvelope[] = [];
    let arrived: () => void = () => {};
    const done = new Promise<void>((resolve) => (arrived = resolve));
    const subscription = await h.bus.subscribe({
      groupId: `sales-test-${tenantId}`,
      topics: ['crm.sales.events'],
      fromBeginning: true,
      handler: async (event) => {
        if (event.tenantId !== tenantId) return;
        received.push(event);
        if (event.type === 'sales.deal.stage_changed') arrived();
      },
    });
    await subscription.ready;
    await h.subgraph.services.deals.move(tenantId, h.actor(), deal.id, stages[2]!.id);
    await done;
    await subscription.stop();
    // Per-aggregate order is what the bus guarantees.
    const ofDeal = received.filter((e) => e.aggregateId === deal.id);
    expect(ofDeal.map((e) => e.type)).toEqual(['sales.deal.created', 'sales.deal.stage_changed']);
    expect(ofDeal[1]!.payload).toMatchObject({ dealId: deal.id, toStageId: stages[2]!.id, sequence: '2' });
  });

  it('treats a move to the current stage as a no-op without an event', async () => {
    const { tenantId, pipeline, stages } = await board();
    const deal = await h.subgraph.services.deals.create(tenantId, h.actor(), { pipelineId: pipeline.id, name: 'Stay', amount: '1', currency: 'USD' });
    const result = await h.call<{ moveDeal: DealView }>(MOVE, { id: deal.id, stageId: stages[0]!.id }, { tenantId });
    expect(result.data?.moveDeal).toMatchObject({ version: 1, stage: { id: stages[0]!.id } });
    expect((await dealEvents(tenantId)).map((e) => e.type)).toEqual(['sales.deal.created']);
  });

  it('cannot move a deal of another tenant (NOT_FOUND) nor an unknown deal', async () => {
    const theirs = await board();
    const mine = await board();
    const deal = await h.subgraph.services.deals.create(theirs.tenantId, h.actor(), { pipelineId: theirs.pipeline.id, name: 'Theirs', amount: '1', currency: 'USD' });

    const foreign = await h.call(MOVE, { id: deal.id, stageId: theirs.stages[1]!.id }, { tenantId: mine.tenantId });
    expect(foreign.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const unknown = await h.call(MOVE, { id: crypto.randomUUID(), stageId: mine.stages[1]!.id }, { tenantId: mine.tenantId });
    expect(unknown.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const junk = await h.call(MOVE, { id: 'nope', stageId: mine.stages[1]!.id }, { tenantId: mine.tenantId });
    expect(junk.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');

    const stored = await h.admin.deal.findUniqueOrThrow({ where: { id: deal.id } });
    expect(stored).toMatchObject({ stageId: theirs.stages[0]!.id, version: 1 });
    expect(await dealEvents(mine.tenantId)).toHaveLength(0);
  });

  it('rejects a stage of another pipeline, of another tenant, or unknown (BAD_USER_INPUT)', async () => {
    const { tenantId, pipeline } = await board();
    const second = await board(tenantId);
    const foreign = await board();
    const deal = await h.subgraph.services.deals.create(tenantId, h.actor(), { pipelineId: pipeline.id, name: 'D', amount: '1', currency: 'USD' });
    for (const stageId of [second.stages[1]!.id, foreign.stages[1]!.id, crypto.randomUUID(), 'junk']) {
      const result = await h.call(MOVE, { id: deal.id, stageId }, { tenantId });
      expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'stageId' });
    }
    expect(await h.admin.deal.findUniqueOrThrow({ where: { id: deal.id } })).toMatchObject({ stageId: pipeline.stages[0]!.id, version: 1 });
    expect(await dealEvents(tenantId)).toHaveLength(1);
  });

  it('numbers concurrent moves of one board without gaps', async () => {
    const { tenantId, pipeline, stages } = await board();
    const deals = await h.subgraph.services.deals.createMany(
      tenantId,
      h.actor(),
      Array.from({ length: 8 }, (_, i) => ({ pipelineId: pipeline.id, name: `D${i}`, amount: '1', currency: 'USD' })),
    );
    await Promise.all(deals.map((deal) => h.subgraph.services.deals.move(tenantId, h.actor(), deal.id, stages[1]!.id)));
    const moves = (await dealEvents(tenantId)).filter((e) => e.type === 'sales.deal.stage_changed');
    const sequences = moves.map((e) => Number((e.payload as { sequence: string }).sequence)).sort((a, b) => a - b);
    expect(sequences).toEqual([9, 10, 11, 12, 13, 14, 15, 16]);
  });
});

describe('updateDeal', () => {
  it('changes the given fields and reports them in sales.deal.updated', async () => {
    const { tenantId, pipeline, stages } = await board();
    const ownerId = crypto.randomUUID();
    const deal = await h.subgraph.services.deals.create(tenantId, h.actor(), { pipelineId: pipeline.id, name: 'Old', amount: '10.50', currency: 'USD', ownerId });
    const accountId = crypto.randomUUID();
    const result = await h.call<{ updateDeal: DealView }>(UPDATE, { id: deal.id, input: { name: 'New', amount: '20', ownerId: null, accountId } }, { tenantId });
    expect(result.errors).toBeUndefined();
    expect(result.data?.updateDeal).toMatchObject({ name: 'New', amount: '20.00', currency: 'USD', version: 2, owner: null, account: { id: accountId } });

    const updated = (await dealEvents(tenantId)).at(-1)!;
    expect(updated.type).toBe('sales.deal.updated');
    expect(updated.payload).toEqual({
      dealId: deal.id,
      pipelineId: pipeline.id,
      stageId: stages[0]!.id,
      changed: {
        name: { from: 'Old', to: 'New' },
        amountMinor: { from: '1050', to: '2000' },
        ownerId: { from: ownerId, to: null },
        accountId: { from: null, to: accountId },
      },
      amountMinor: '2000',
      currency: 'USD',
      sequence: '2',
    });
  });

  it('keeps the figure when only the currency changes, and refuses one the new currency cannot hold', async () => {
    const { tenantId, pipeline } = await board();
    const deal = await h.subgraph.services.deals.create(tenantId, h.actor(), { pipelineId: pipeline.id, name: 'FX', amount: '10.50', currency: 'USD' });
    const eur = await h.call<{ updateDeal: DealView }>(UPDATE, { id: deal.id, input: { currency: 'EUR' } }, { tenantId });
    expect(eur.data?.updateDeal).toMatchObject({ amount: '10.50', currency: 'EUR', version: 2 });
    const jpy = await h.call(UPDATE, { id: deal.id, input: { currency: 'JPY' } }, { tenantId });
    expect(jpy.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'amount' });
    const kwd = await h.call<{ updateDeal: DealView }>(UPDATE, { id: deal.id, input: { currency: 'KWD', amount: '1.125' } }, { tenantId });
    expect(kwd.data?.updateDeal).toMatchObject({ amount: '1.125', currency: 'KWD', version: 3 });
  });

  it('changes nothing (no event, same version) when nothing differs', async () => {
    const { tenantId, pipeline } = await board();
    const deal = await h.subgraph.services.deals.create(tenantId, h.actor(), { pipelineId: pipeline.id, name: 'Same', amount: '5', currency: 'USD' });
    const result = await h.call<{ updateDeal: DealView }>(UPDATE, { id: deal.id, input: { name: 'Same', amount: '5.00' } }, { tenantId });
    expect(result.data?.updateDeal.version).toBe(1);
    expect(await dealEvents(tenantId)).toHaveLength(1);
  });

  it.each([
    [{ name: null }, 'name'],
    [{ amount: null }, 'amount'],
    [{ amount: '1.001' }, 'amount'],
    [{ currency: 'XYZ' }, 'currency'],
    [{ accountId: 'acme' }, 'accountId'],
  ])('rejects %j naming %s, writing nothing', async (input, field) => {
    const { tenantId, pipeline } = await board();
    const deal = await h.subgraph.services.deals.create(tenantId, h.actor(), { pipelineId: pipeline.id, name: 'Keep', amount: '5', currency: 'USD' });
    const result = await h.call(UPDATE, { id: deal.id, input }, { tenantId });
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    expect(await h.admin.deal.findUniqueOrThrow({ where: { id: deal.id } })).toMatchObject({ name: 'Keep', amountMinor: 500n, version: 1 });
    expect(await dealEvents(tenantId)).toHaveLength(1);
  });

  it('cannot update a deal of another tenant', async () => {
    const theirs = await board();
    const deal = await h.subgraph.services.deals.create(theirs.tenantId, h.actor(), { pipelineId: theirs.pipeline.id, name: 'Theirs', amount: '5', currency: 'USD' });
    const result = await h.call(UPDATE, { id: deal.id, input: { name: 'Mine now' } }, { tenantId: h.tenant() });
    expect(result.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect((await h.admin.deal.findUniqueOrThrow({ where: { id: deal.id } })).name).toBe('Theirs');
  });
});

describe('reads', () => {
  it('lists deals of a pipeline, oldest first, limited by first (at most 500 on a board, 100 elsewhere)', async () => {
    const { tenantId, pipeline } = await board();
    const created = await h.subgraph.services.deals.createMany(
      tenantId,
      h.actor(),
      Array.from({ length: 5 }, (_, i) => ({ pipelineId: pipeline.id, name: `D${i}`, amount: `${i}.00`, currency: 'USD' })),
    );
    const query = 'query ($p: ID!, $first: Int) { deals(pipelineId: $p, first: $first) { id } pipeline(id: $p) { deals(first: 2) { id } } }';
    const result = await h.call<{ deals: Array<{ id: string }>; pipeline: { deals: Array<{ id: string }> } }>(query, { p: pipeline.id, first: 3 }, { tenantId });
    expect(result.errors).toBeUndefined();
    const expected = [...created].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : 1)).map((d) => ({ id: d.id }));
    expect(result.data?.deals).toEqual(expected.slice(0, 3));
    expect(result.data?.pipeline.deals).toEqual(expected.slice(0, 2));

    const tooMany = await h.call(query, { p: pipeline.id, first: 501 }, { tenantId });
    expect(tooMany.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
    const tooManyNested = await h.call('query ($p: ID!) { pipeline(id: $p) { deals(first: 101) { id } } }', { p: pipeline.id }, { tenantId });
    expect(tooManyNested.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
    const foreign = await h.call<{ deals: unknown[] }>('query ($p: ID!) { deals(pipelineId: $p) { id } }', { p: pipeline.id }, { tenantId: h.tenant() });
    expect(foreign.data?.deals).toEqual([]);
  });

  it('finds a deal by id only within its tenant', async () => {
    const { tenantId, pipeline } = await board();
    const deal = await h.subgraph.services.deals.create(tenantId, h.actor(), { pipelineId: pipeline.id, name: 'Find me', amount: '3', currency: 'KWD' });
    const query = 'query ($id: ID!) { deal(id: $id) { name amount } }';
    expect((await h.call<{ deal: unknown }>(query, { id: deal.id }, { tenantId })).data?.deal).toEqual({ name: 'Find me', amount: '3.000' });
    expect((await h.call<{ deal: unknown }>(query, { id: deal.id }, { tenantId: h.tenant() })).data?.deal).toBeNull();
  });

  it('creates many deals with consecutive board sequences and one event each', async () => {
    const { tenantId, pipeline, stages } = await board();
    const inputs = Array.from({ length: 300 }, (_, i) => ({
      pipelineId: pipeline.id,
      stageId: stages[i % 3]!.id,
      name: `Bulk ${i}`,
      amount: `${i}.25`,
      currency: 'USD',
    }));
    const deals = await h.subgraph.services.deals.createMany(tenantId, h.actor(), inputs);
    expect(deals.map((d) => d.name)).toEqual(inputs.map((i) => i.name));
    expect(deals.map((d) => d.boardSequence)).toEqual(inputs.map((_, i) => BigInt(i + 1)));
    expect(deals[7]).toMatchObject({ stageId: stages[1]!.id, amountMinor: 725n });
    const events = await dealEvents(tenantId);
    expect(events).toHaveLength(300);
    expect(events.map((e) => (e.payload as { sequence: string }).sequence)).toEqual(inputs.map((_, i) => String(i + 1)));
  });

  it('validates every bulk input before writing any', async () => {
    const { tenantId, pipeline } = await board();
    const inputs = [
      { pipelineId: pipeline.id, name: 'Fine', amount: '1', currency: 'USD' },
      { pipelineId: pipeline.id, name: 'Bad', amount: '1.001', currency: 'USD' },
    ];
    await expect(h.subgraph.services.deals.createMany(tenantId, h.actor(), inputs)).rejects.toMatchObject({
      extensions: { code: 'BAD_USER_INPUT', field: 'inputs[1].amount' },
    });
    expect(await h.admin.deal.count({ where: { tenantId } })).toBe(0);
  });

  it('answers a direct subscription request with a clear error', async () => {
    const result = await h.call('subscription ($p: ID!) { pipelineBoard(pipelineId: $p) { sequence } }', { p: crypto.randomUUID() }, { tenantId: h.tenant() });
    expect(result.errors?.[0]?.message).toContain('gateway');
  });
});
