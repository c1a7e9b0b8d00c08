/**
 * Deal lifecycle rules against real PostgreSQL: optimistic concurrency, stage history, won / lost /
 * reopened / deleted, expected close dates, staleness and the board journal read back.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSalesHarness, type GraphQLResult, type SalesHarness } from '../../testing/sales-harness.ts';

let h: SalesHarness;
beforeAll(async () => {
  h = await startSalesHarness();
});
afterAll(async () => {
  await h?.close();
});

const STAGES = [
  { name: 'Lead', probability: 10, rottingDays: 7 },
  { name: 'Proposal', probability: 50 },
  { name: 'Won', probability: 100, kind: 'WON' },
  { name: 'Lost', probability: 0, kind: 'LOST' },
] as const;

async function board(stages: ReadonlyArray<{ name: string; probability: number; kind?: 'OPEN' | 'WON' | 'LOST'; rottingDays?: number }> = STAGES) {
  const tenantId = h.tenant();
  const pipeline = await h.subgraph.services.pipelines.create(tenantId, h.actor(), { name: 'Sales', stages: [...stages] });
  const [lead, proposal, won, lost] = pipeline.stages;
  const deal = await h.subgraph.services.deals.create(tenantId, h.actor(), { pipelineId: pipeline.id, name: 'Acme', amount: '100.00', currency: 'USD' });
  return { tenantId, pipeline, lead: lead!, proposal: proposal!, won: won!, lost: lost!, deal };
}

const DEAL = 'id version status closeReason closedAt stage { id name } expectedCloseDate warnings isStale';
type DealView = {
  id: string;
  version: number;
  status: string;
  closeReason: string | null;
  closedAt: string | null;
  stage: { id: string; name: string };
  expectedCloseDate: string | null;
  warnings: string[];
  isStale: boolean;
};
const MOVE = `mutation ($id: ID!, $stageId: ID!, $expectedStageId: ID, $expectedVersion: Int) {
  moveDeal(id: $id, stageId: $stageId, expectedStageId: $expectedStageId, expectedVersion: $expectedVersion) { ${DEAL} } }`;
const UPDATE = `mutation ($id: ID!, $input: UpdateDealInput!, $expectedVersion: Int) { updateDeal(id: $id, input: $input, expectedVersion: $expectedVersion) { ${DEAL} name amount } }`;
const WON = `mutation ($id: ID!, $reason: String, $v: Int) { markDealWon(id: $id, reason: $reason, expectedVersion: $v) { ${DEAL} } }`;
const LOST = `mutation ($id: ID!, $reason: String!) { markDealLost(id: $id, reason: $reason) { ${DEAL} } }`;
const REOPEN = `mutation ($id: ID!, $stageId: ID!) { reopenDeal(id: $id, stageId: $stageId) { ${DEAL} } }`;
const DELETE = `mutation ($id: ID!, $v: Int) { deleteDeal(id: $id, expectedVersion: $v) }`;
const CHANGES = `query ($p: ID!, $after: String!, $first: Int) {
  pipelineBoardChanges(pipelineId: $p, afterSequence: $after, first: $first) {
    events { type sequence pipelineId dealId fromStageId toStageId occurredAt deal { id name } } lastSequence hasMore } }`;

type Conflict = { code: string; current: Record<string, unknown> };
const errorOf = (result: GraphQLResult<unknown>) => result.errors?.[0]?.extensions as (Conflict & { field?: string }) | undefined;

/** Rows a refused write must not have added. */
async function written(tenantId: string) {
  const [outbox, board, history] = await Promise.all([
    h.admin.outboxEvent.count({ where: { tenantId } }),
    h.admin.boardChange.count({ where: { tenantId } }),
    h.admin.dealStageChange.count({ where: { tenantId } }),
  ]);
  return { outbox, board, history };
}

describe('optimistic concurrency', () => {
  it('refuses an update based on a stale version with CONFLICT and the current values, writing nothing', async () => {
    const { tenantId, deal, lead } = await board();
    const first = await h.call<{ updateDeal: DealView }>(UPDATE, { id: deal.id, input: { name: 'Acme v2' }, expectedVersion: 1 }, { tenantId });
    expect(first.errors).toBeUndefined();
    expect(first.data!.updateDeal.version).toBe(2);

    const before = await written(tenantId);
    const stale = await h.call(UPDATE, { id: deal.id, input: { amount: '5.00' }, expectedVersion: 1 }, { tenantId });
    expect(stale.data).toBeNull();
    expect(errorOf(stale)).toMatchObject({
      code: 'CONFLICT',
      current: { id: deal.id, version: 2, stageId: lead.id, name: 'Acme v2', amount: '100.00', currency: 'USD', ownerId: null, accountId: null },
    });
    expect(await written(tenantId)).toEqual(before);
    expect((await h.admin.deal.findUnique({ where: { id: deal.id } }))!.amountMinor).toBe(10_000n);
  });

  it('refuses a move based on a stage the deal has left', async () => {
    const { tenantId, deal, lead, proposal } = await board();
    await h.subgraph.services.deals.move(tenantId, h.actor(), deal.id, proposal.id);
    const stale = await h.call(MOVE, { id: deal.id, stageId: lead.id, expectedStageId: lead.id }, { tenantId });
    expect(errorOf(stale)).toMatchObject({ code: 'CONFLICT', current: { stageId: proposal.id, version: 2 } });
    const fresh = await h.call<{ moveDeal: DealView }>(MOVE, { id: deal.id, stageId: lead.id, expectedStageId: proposal.id, expectedVersion: 2 }, { tenantId });
    expect(fresh.data?.moveDeal).toMatchObject({ stage: { id: lead.id }, version: 3 });
  });

  it('lets exactly one of two truly concurrent moves from the same version win', async () => {
    const { tenantId, deal, pipeline } = await board([
      { name: 'A', probability: 10 },
      { name: 'B', probability: 20 },
      { name: 'C', probability: 30 },
    ]);
    const stageIds = pipeline.stages.map((stage) => stage.id);
    for (let round = 0; round < 5; round++) {
      const current = (await h.admin.deal.findUnique({ where: { id: deal.id } }))!;
      const targets = stageIds.filter((stageId) => stageId !== current.stageId);
      const results = await Promise.all(
        targets.map((stageId) => h.call<{ moveDeal: DealView }>(MOVE, { id: deal.id, stageId, expectedVersion: current.version }, { tenantId })),
      );
      const winners = results.filter((r) => !r.errors);
      const losers = results.filter((r) => r.errors);
      expect(winners).toHaveLength(1);
      expect(losers).toHaveLength(1);
      const winner = winners[0]!.data!.moveDeal;
      expect(winner.version).toBe(current.version + 1);
      expect(errorOf(losers[0]!)).toMatchObject({ code: 'CONFLICT', current: { version: current.version + 1, stageId: winner.stage.id } });
    }
    // One history row and one board change per successful move (plus the creation): the losers wrote nothing.
    expect(await h.admin.dealStageChange.count({ where: { dealId: deal.id } })).toBe(6);
    expect(await h.admin.boardChange.count({ where: { dealId: deal.id } })).toBe(6);
    expect(await h.admin.outboxEvent.count({ where: { tenantId, aggregateId: deal.id } })).toBe(6);
  });

  it('applies concurrent writes without expectations one after another, losing none', async () => {
    const { tenantId, deal } = await board();
    const names = Array.from({ length: 8 }, (_, i) => `Name ${i}`);
    const results = await Promise.all(names.map((name) => h.call(UPDATE, { id: deal.id, input: { name } }, { tenantId })));
    expect(results.every((r) => !r.errors)).toBe(true);
    const row = (await h.admin.deal.findUnique({ where: { id: deal.id } }))!;
    expect(row.version).toBe(1 + names.length);
    const sequences = (await h.admin.boardChange.findMany({ where: { pipelineId: deal.pipelineId }, orderBy: { sequence: 'asc' } })).map((c) => c.sequence);
    expect(sequences).toEqual(Array.from({ length: names.length + 1 }, (_, i) => BigInt(i + 1)));
  });

  it('refuses a malformed expectation naming the argument', async () => {
    const { tenantId, deal, proposal } = await board();
    const result = await h.call(MOVE, { id: deal.id, stageId: proposal.id, expectedVersion: 0 }, { tenantId });
    expect(errorOf(result)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'expectedVersion' });
    const stage = await h.call(MOVE, { id: deal.id, stageId: proposal.id, expectedStageId: 'nope' }, { tenantId });
    expect(errorOf(stage)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'expectedStageId' });
  });
});

describe('stage history', () => {
  it('records who moved the deal, when, from where and how long it stood there', async () => {
    const { tenantId, deal, lead, proposal } = await board();
    const userId = randomUUID();
    // The deal has stood in Lead for an hour.
    await h.admin.deal.update({ where: { id: deal.id }, data: { stageEnteredAt: new Date(Date.now() - 3_600_000) } });
    await h.call(MOVE, { id: deal.id, stageId: proposal.id }, { tenantId, userId });
    const result = await h.call<{ deal: { stageHistory: Array<Record<string, unknown>> } }>(
      'query ($id: ID!) { deal(id: $id) { stageHistory { fromStage { name } toStage { id name } changedBy { id } changedAt secondsInFromStage } } }',
      { id: deal.id },
      { tenantId },
    );
    const history = result.data!.deal.stageHistory;
    expect(history).toHaveLength(2);
    expect(history[0]).toMatchObject({ fromStage: null, toStage: { id: lead.id, name: 'Lead' }, secondsInFromStage: null });
    expect(history[1]).toMatchObject({ fromStage: { name: 'Lead' }, toStage: { id: proposal.id }, changedBy: { id: userId } });
    expect(history[1]!.secondsInFromStage).toBeGreaterThanOrEqual(3_600);
    expect(history[1]!.secondsInFromStage).toBeLessThan(3_700);
  });

  it('flags an open deal stale once it outstays its stage rotting period', async () => {
    const { tenantId, deal, proposal } = await board();
    const query = 'query ($id: ID!) { deal(id: $id) { isStale stageEnteredAt } }';
    expect((await h.call<{ deal: { isStale: boolean } }>(query, { id: deal.id }, { tenantId })).data?.deal.isStale).toBe(false);
    await h.admin.deal.update({ where: { id: deal.id }, data: { stageEnteredAt: new Date(Date.now() - 8 * 86_400_000) } });
    expect((await h.call<{ deal: { isStale: boolean } }>(query, { id: deal.id }, { tenantId })).data?.deal.isStale).toBe(true);
    // Proposal has no rotting period: a move resets the clock and the flag.
    await h.subgraph.services.deals.move(tenantId, h.actor(), deal.id, proposal.id);
    expect((await h.call<{ deal: { isStale: boolean } }>(query, { id: deal.id }, { tenantId })).data?.deal.isStale).toBe(false);
  });
});

describe('won, lost, reopened, deleted', () => {
  it('marks a deal won into the won stage with reason and time, and emits sales.deal.won', async () => {
    const { tenantId, deal, lead, won } = await board();
    const result = await h.call<{ markDealWon: DealView }>(WON, { id: deal.id, reason: ' Best price ', v: 1 }, { tenantId });
    expect(result.errors).toBeUndefined();
    expect(result.data!.markDealWon).toMatchObject({ status: 'WON', closeReason: 'Best price', stage: { id: won.id }, version: 2 });
    expect(Date.parse(result.data!.markDealWon.closedAt!)).not.toBeNaN();
    const event = await h.admin.outboxEvent.findFirst({ where: { tenantId, type: 'sales.deal.won' } });
    expect(event?.payload).toEqual({
      dealId: deal.id,
      pipelineId: deal.pipelineId,
      stageId: won.id,
      fromStageId: lead.id,
      toStageId: won.id,
      amountMinor: '10000',
      currency: 'USD',
      sequence: '2',
      reason: 'Best price',
    });
    const again = await h.call(WON, { id: deal.id }, { tenantId });
    expect(errorOf(again)).toMatchObject({ code: 'CONFLICT', current: { status: 'WON' } });
    const move = await h.call(MOVE, { id: deal.id, stageId: lead.id }, { tenantId });
    expect(errorOf(move)).toMatchObject({ code: 'CONFLICT' });
  });

  it('marks a deal lost (a reason is required), reopens it and records each step on the board', async () => {
    const { tenantId, deal, lead, proposal, lost, pipeline } = await board();
    const noReason = await h.call(LOST, { id: deal.id, reason: '  ' }, { tenantId });
    expect(errorOf(noReason)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'reason' });

    const lostResult = await h.call<{ markDealLost: DealView }>(LOST, { id: deal.id, reason: 'No budget' }, { tenantId });
    expect(lostResult.data!.markDealLost).toMatchObject({ status: 'LOST', closeReason: 'No budget', stage: { id: lost.id } });

    const toWonStage = await h.call(REOPEN, { id: deal.id, stageId: pipeline.stages[2]!.id }, { tenantId });
    expect(errorOf(toWonStage)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'stageId' });
    const reopened = await h.call<{ reopenDeal: DealView }>(REOPEN, { id: deal.id, stageId: proposal.id }, { tenantId });
    expect(reopened.data!.reopenDeal).toMatchObject({ status: 'OPEN', closeReason: null, closedAt: null, stage: { id: proposal.id } });
    const openAgain = await h.call(REOPEN, { id: deal.id, stageId: lead.id }, { tenantId });
    expect(errorOf(openAgain)).toMatchObject({ code: 'CONFLICT', current: { status: 'OPEN' } });

    const types = (await h.admin.outboxEvent.findMany({ where: { tenantId, aggregateId: deal.id }, orderBy: { seq: 'asc' } })).map((e) => e.type);
    expect(types).toEqual(['sales.deal.created', 'sales.deal.lost', 'sales.deal.reopened']);
    const reopenedEvent = await h.admin.outboxEvent.findFirst({ where: { tenantId, type: 'sales.deal.reopened' } });
    expect(reopenedEvent?.payload).toMatchObject({ stageId: proposal.id, fromStageId: lost.id, toStageId: proposal.id, sequence: '3' });

    const page = await h.call<{ pipelineBoardChanges: { events: Array<Record<string, unknown>>; lastSequence: string; hasMore: boolean } }>(
      CHANGES,
      { p: pipeline.id, after: '0' },
      { tenantId },
    );
    expect(page.data!.pipelineBoardChanges.events.map((e) => [e.type, e.sequence, e.fromStageId, e.toStageId])).toEqual([
      ['DEAL_CREATED', '1', null, lead.id],
      ['DEAL_LOST', '2', lead.id, lost.id],
      ['DEAL_REOPENED', '3', lost.id, proposal.id],
    ]);
    expect(page.data!.pipelineBoardChanges).toMatchObject({ lastSequence: '3', hasMore: false });
  });

  it('refuses to win a deal whose pipeline has no won stage, writing nothing', async () => {
    const { tenantId, deal } = await board([{ name: 'Only', probability: 10 }]);
    const before = await written(tenantId);
    const result = await h.call(WON, { id: deal.id }, { tenantId });
    expect(errorOf(result)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id' });
    expect(await written(tenantId)).toEqual(before);
  });

  it('refuses to move a deal into a won or lost stage directly', async () => {
    const { tenantId, deal, won } = await board();
    const result = await h.call(MOVE, { id: deal.id, stageId: won.id }, { tenantId });
    expect(errorOf(result)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'stageId' });
    expect(result.errors?.[0]?.message).toContain('markDealWon');
  });

  it('deletes a deal: gone from lists and references, journaled with a null deal, evented', async () => {
    const { tenantId, deal, pipeline, lead } = await board();
    const stale = await h.call(DELETE, { id: deal.id, v: 7 }, { tenantId });
    expect(errorOf(stale)).toMatchObject({ code: 'CONFLICT' });
    const result = await h.call<{ deleteDeal: string }>(DELETE, { id: deal.id, v: 1 }, { tenantId });
    expect(result.data?.deleteDeal).toBe(deal.id);

    const reads = await h.call<{ deal: unknown; deals: unknown[]; pipeline: { deals: unknown[] } }>(
      'query ($id: ID!, $p: ID!) { deal(id: $id) { id } deals(pipelineId: $p) { id } pipeline(id: $p) { deals { id } } }',
      { id: deal.id, p: pipeline.id },
      { tenantId },
    );
    expect(reads.data).toEqual({ deal: null, deals: [], pipeline: { deals: [] } });
    const entities = await h.call<{ _entities: unknown[] }>(
      'query ($r: [_Any!]!) { _entities(representations: $r) { ... on Deal { id } } }',
      { r: [{ __typename: 'Deal', id: deal.id }] },
      { tenantId },
    );
    expect(entities.data?._entities).toEqual([null]);

    const again = await h.call(DELETE, { id: deal.id }, { tenantId });
    expect(errorOf(again)).toMatchObject({ code: 'NOT_FOUND' });
    const update = await h.call(UPDATE, { id: deal.id, input: { name: 'Zombie' } }, { tenantId });
    expect(errorOf(update)).toMatchObject({ code: 'NOT_FOUND' });

    const event = await h.admin.outboxEvent.findFirst({ where: { tenantId, type: 'sales.deal.deleted' } });
    expect(event?.payload).toEqual({ dealId: deal.id, pipelineId: pipeline.id, stageId: lead.id, amountMinor: '10000', currency: 'USD', sequence: '2' });
    const page = await h.call<{ pipelineBoardChanges: { events: Array<{ type: string; deal: unknown; fromStageId: string | null; toStageId: string | null }> } }>(
      CHANGES,
      { p: pipeline.id, after: '1' },
      { tenantId },
    );
    expect(page.data!.pipelineBoardChanges.events).toEqual([expect.objectContaining({ type: 'DEAL_DELETED', deal: null, fromStageId: lead.id, toStageId: null })]);
  });
});

describe('expected close date', () => {
  it('accepts a close date far in the past for an open deal with a warning, and clears it with null', async () => {
    const { tenantId, deal } = await board();
    const past = await h.call<{ updateDeal: DealView }>(UPDATE, { id: deal.id, input: { expectedCloseDate: '2020-01-31' } }, { tenantId });
    expect(past.errors).toBeUndefined();
    expect(past.data!.updateDeal.expectedCloseDate).toBe('2020-01-31');
    expect(past.data!.updateDeal.warnings).toEqual([expect.stringContaining('expectedCloseDate 2020-01-31')]);
    const event = await h.admin.outboxEvent.findFirst({ where: { tenantId, type: 'sales.deal.updated' } });
    expect(event?.payload).toMatchObject({ changed: { expectedCloseDate: { from: null, to: '2020-01-31' } } });

    const future = await h.call<{ updateDeal: DealView }>(UPDATE, { id: deal.id, input: { expectedCloseDate: '2099-06-30' } }, { tenantId });
    expect(future.data!.updateDeal).toMatchObject({ expectedCloseDate: '2099-06-30', warnings: [] });
    const cleared = await h.call<{ updateDeal: DealView }>(UPDATE, { id: deal.id, input: { expectedCloseDate: null } }, { tenantId });
    expect(cleared.data!.updateDeal.expectedCloseDate).toBeNull();
  });

  it('takes it on create and refuses dates that do not exist', async () => {
    const { tenantId, pipeline } = await board();
    const create = 'mutation ($input: CreateDealInput!) { createDeal(input: $input) { expectedCloseDate warnings } }';
    const ok = await h.call<{ createDeal: { expectedCloseDate: string; warnings: string[] } }>(
      create,
      { input: { pipelineId: pipeline.id, name: 'Q1', amount: '1', currency: 'EUR', expectedCloseDate: '2028-02-29' } },
      { tenantId },
    );
    expect(ok.data?.createDeal).toEqual({ expectedCloseDate: '2028-02-29', warnings: [] });
    const before = await written(tenantId);
    const bad = await h.call(create, { input: { pipelineId: pipeline.id, name: 'Q1', amount: '1', currency: 'EUR', expectedCloseDate: '2027-02-29' } }, { tenantId });
    expect(errorOf(bad)).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(await written(tenantId)).toEqual(before);
  });
});

describe('pipelineBoardChanges', () => {
  it('pages through consecutive sequences and says when more follow', async () => {
    const { tenantId, pipeline } = await board();
    await h.subgraph.services.deals.createMany(
      tenantId,
      h.actor(),
      Array.from({ length: 4 }, (_, i) => ({ pipelineId: pipeline.id, name: `D${i}`, amount: '1', currency: 'USD' })),
    );
    type Page = { pipelineBoardChanges: { events: Array<{ sequence: string; deal: { name: string } | null }>; lastSequence: string; hasMore: boolean } };
    const first = await h.call<Page>(CHANGES, { p: pipeline.id, after: '0', first: 3 }, { tenantId });
    expect(first.data!.pipelineBoardChanges.events.map((e) => e.sequence)).toEqual(['1', '2', '3']);
    expect(first.data!.pipelineBoardChanges).toMatchObject({ lastSequence: '3', hasMore: true });
    expect(first.data!.pipelineBoardChanges.events[1]!.deal).toEqual(expect.objectContaining({ name: 'D0' }));
    const rest = await h.call<Page>(CHANGES, { p: pipeline.id, after: '3', first: 3 }, { tenantId });
    expect(rest.data!.pipelineBoardChanges.events.map((e) => e.sequence)).toEqual(['4', '5']);
    expect(rest.data!.pipelineBoardChanges).toMatchObject({ lastSequence: '5', hasMore: false });
    const none = await h.call<Page>(CHANGES, { p: pipeline.id, after: '5' }, { tenantId });
    expect(none.data!.pipelineBoardChanges).toEqual({ events: [], lastSequence: '5', hasMore: false });
  });

  it('refuses a malformed sequence and hides other tenants\' pipelines', async () => {
    const { tenantId, pipeline } = await board();
    for (const after of ['-1', 'abc', '1.5', '99999999999999999999']) {
      const result = await h.call(CHANGES, { p: pipeline.id, after }, { tenantId });
      expect(errorOf(result)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'afterSequence' });
    }
    const foreign = await h.call(CHANGES, { p: pipeline.id, after: '0' }, { tenantId: h.tenant() });
    expect(errorOf(foreign)).toMatchObject({ code: 'NOT_FOUND' });
  });
});
