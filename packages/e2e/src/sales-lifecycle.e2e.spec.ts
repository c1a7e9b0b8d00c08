/**
 * The sales domain end to end through the gateway on real PostgreSQL, Redis and Kafka:
 * concurrent edits (one winner, the other a CONFLICT with the current values), the deal lifecycle
 * (won, lost, reopened, deleted) with its stage history, the board catch-up query with deals
 * resolved across subgraphs, archiving a stage, and the analytics read model following along.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stack, StageSeed } from '@crm/stack';
import { createAccount, createDeal, createPipeline, eventually, gql, gqlOk, startRealStack, type GqlResponse } from '@crm/testkit';
import { seedSalesTenant, type SalesTenant } from './fixtures.ts';

let stack: Stack;
let acme: SalesTenant;
let globex: SalesTenant;

beforeAll(async () => {
  stack = await startRealStack();
  [acme, globex] = [await seedSalesTenant(stack, 'lifecycle-acme', 0), await seedSalesTenant(stack, 'lifecycle-globex', 0)];
});
afterAll(async () => {
  await stack?.stop();
});

const STAGES: StageSeed[] = [
  { name: 'Lead', probability: 10, rottingDays: 14 },
  { name: 'Demo', probability: 30 },
  { name: 'Proposal', probability: 60 },
  { name: 'Won', probability: 100, kind: 'WON' },
  { name: 'Lost', probability: 0, kind: 'LOST' },
];

/** A fresh pipeline with won and lost stages, and one deal with an account, in the acme tenant. */
async function board(label: string) {
  const pipeline = await createPipeline(stack.gatewayUrl, acme.admin.token, `${label} board`, STAGES);
  const [lead, demo, proposal, won, lost] = pipeline.stages as [Stage, Stage, Stage, Stage, Stage];
  const account = await createAccount(stack.gatewayUrl, acme.admin.token, { name: `${label} Corp` });
  const deal = await createDeal(stack.gatewayUrl, acme.admin.token, {
    pipelineId: pipeline.id,
    name: `${label} deal`,
    amount: '2500.00',
    currency: 'USD',
    accountId: account.id,
    ownerId: acme.rep.id,
  });
  return { pipeline, lead, demo, proposal, won, lost, account, deal };
}
type Stage = { id: string; name: string; position: number; probability: number };

const call = <T>(query: string, variables: Record<string, unknown>, token = acme.admin.token) => gql<T>(stack.gatewayUrl, query, variables, { token });
const ok = <T>(query: string, variables: Record<string, unknown>, token = acme.admin.token) => gqlOk<T>(stack.gatewayUrl, query, variables, { token });
const extensionsOf = (result: GqlResponse<unknown>) => result.errors?.[0]?.extensions as { code?: string; field?: string; current?: Record<string, unknown> } | undefined;

const MOVE = `mutation Move($id: ID!, $stageId: ID!, $expectedStageId: ID, $expectedVersion: Int) {
  moveDeal(id: $id, stageId: $stageId, expectedStageId: $expectedStageId, expectedVersion: $expectedVersion) { id version stage { id name } } }`;
const CHANGES = `query Changes($p: ID!, $after: String!, $first: Int) {
  pipelineBoardChanges(pipelineId: $p, afterSequence: $after, first: $first) {
    events { type sequence dealId fromStageId toStageId deal { name status account { name } owner { name } } }
    lastSequence hasMore } }`;
type ChangePage = {
  pipelineBoardChanges: {
    events: Array<{ type: string; sequence: string; dealId: string; fromStageId: string | null; toStageId: string | null; deal: null | { name: string; status: string; account: { name: string } | null; owner: { name: string } | null } }>;
    lastSequence: string;
    hasMore: boolean;
  };
};

describe('concurrent edits', () => {
  it('lets one of two concurrent moves from the same stage win; the other gets CONFLICT with the current values', async () => {
    const { deal, lead, demo, proposal } = await board('race');
    const [first, second] = await Promise.all([
      call<{ moveDeal: { version: number; stage: { id: string } } }>(MOVE, { id: deal.id, stageId: demo.id, expectedStageId: lead.id }, acme.admin.token),
      call<{ moveDeal: { version: number; stage: { id: string } } }>(MOVE, { id: deal.id, stageId: proposal.id, expectedStageId: lead.id }, acme.rep.token),
    ]);
    const results = [first, second];
    const winners = results.filter((r) => !r.errors);
    const losers = results.filter((r) => r.errors);
    expect(winners).toHaveLength(1);
    expect(losers).toHaveLength(1);
    const moved = winners[0]!.data!.moveDeal;
    expect(moved.version).toBe(2);
    expect(extensionsOf(losers[0]!)).toMatchObject({
      code: 'CONFLICT',
      current: { id: deal.id, version: 2, stageId: moved.stage.id, name: 'race deal', amount: '2500.00', currency: 'USD', ownerId: acme.rep.id },
    });
    // The loser retries based on what it now knows, and wins.
    const retried = await ok<{ moveDeal: { version: number; stage: { id: string } } }>(MOVE, { id: deal.id, stageId: lead.id, expectedStageId: moved.stage.id });
    expect(retried.moveDeal).toMatchObject({ version: 3, stage: { id: lead.id } });
  });

  it('refuses an update based on a stale version', async () => {
    const { deal } = await board('stale');
    const update = 'mutation ($id: ID!, $input: UpdateDealInput!, $v: Int) { updateDeal(id: $id, input: $input, expectedVersion: $v) { version name } }';
    expect((await ok<{ updateDeal: { version: number } }>(update, { id: deal.id, input: { name: 'stale v2' }, v: 1 })).updateDeal.version).toBe(2);
    const lost = await call(update, { id: deal.id, input: { amount: '1.00' }, v: 1 }, acme.rep.token);
    expect(lost.data).toBeNull();
    expect(extensionsOf(lost)).toMatchObject({ code: 'CONFLICT', current: { version: 2, name: 'stale v2', amount: '2500.00' } });
  });
});

describe('deal lifecycle', () => {
  it('wins, reopens, loses and deletes a deal with its history, board journal and federated deal fields', async () => {
    const { pipeline, deal, lead, demo, won, lost } = await board('life');
    await ok(MOVE, { id: deal.id, stageId: demo.id });
    const wonDeal = await ok<{ markDealWon: { status: string; closeReason: string; stage: { name: string } } }>(
      'mutation ($id: ID!) { markDealWon(id: $id, reason: "Best fit") { status closeReason stage { name } } }',
      { id: deal.id },
    );
    expect(wonDeal.markDealWon).toEqual({ status: 'WON', closeReason: 'Best fit', stage: { name: 'Won' } });
    await ok('mutation ($id: ID!, $s: ID!) { reopenDeal(id: $id, stageId: $s) { status } }', { id: deal.id, s: lead.id });
    await ok('mutation ($id: ID!) { markDealLost(id: $id, reason: "Budget cut") { status } }', { id: deal.id });

    const history = await ok<{ deal: { status: string; stageHistory: Array<{ fromStage: { name: string } | null; toStage: { name: string }; changedBy: { name: string } | null }> } }>(
      'query ($id: ID!) { deal(id: $id) { status stageHistory { fromStage { name } toStage { name } changedBy { name } } } }',
      { id: deal.id },
    );
    expect(history.deal.status).toBe('LOST');
    expect(history.deal.stageHistory.map((c) => [c.fromStage?.name ?? null, c.toStage.name])).toEqual([
      [null, 'Lead'],
      ['Lead', 'Demo'],
      ['Demo', 'Won'],
      ['Won', 'Lead'],
      ['Lead', 'Lost'],
    ]);
    expect(history.deal.stageHistory[1]!.changedBy).toEqual({ name: acme.admin.name });

    const page = await ok<ChangePage>(CHANGES, { p: pipeline.id, after: '0' });
    expect(page.pipelineBoardChanges.events.map((e) => [e.type, e.sequence, e.fromStageId, e.toStageId])).toEqual([
      ['DEAL_CREATED', '1', null, lead.id],
      ['DEAL_MOVED', '2', lead.id, demo.id],
      ['DEAL_WON', '3', demo.id, won.id],
      ['DEAL_REOPENED', '4', won.id, lead.id],
      ['DEAL_LOST', '5', lead.id, lost.id],
    ]);
    // The deal behind each change is resolved across subgraphs: account (customer), owner (platform).
    expect(page.pipelineBoardChanges.events[0]!.deal).toEqual({ name: 'life deal', status: 'LOST', account: { name: 'life Corp' }, owner: { name: acme.rep.name } });

    expect(await ok<{ deleteDeal: string }>('mutation ($id: ID!) { deleteDeal(id: $id, expectedVersion: 5) }', { id: deal.id })).toEqual({ deleteDeal: deal.id });
    const after = await ok<{ deal: unknown; deals: unknown[] }>('query ($id: ID!, $p: ID!) { deal(id: $id) { id } deals(pipelineId: $p) { id } }', { id: deal.id, p: pipeline.id });
    expect(after).toEqual({ deal: null, deals: [] });
    const caughtUp = await ok<ChangePage>(CHANGES, { p: pipeline.id, after: page.pipelineBoardChanges.lastSequence });
    expect(caughtUp.pipelineBoardChanges).toEqual({
      events: [{ type: 'DEAL_DELETED', sequence: '6', dealId: deal.id, fromStageId: lost.id, toStageId: null, deal: null }],
      lastSequence: '6',
      hasMore: false,
    });
  });

  it('accepts a close date far in the past with a warning', async () => {
    const { deal } = await board('late');
    const result = await ok<{ updateDeal: { expectedCloseDate: string; warnings: string[] } }>(
      'mutation ($id: ID!) { updateDeal(id: $id, input: { expectedCloseDate: "2021-03-31" }) { expectedCloseDate warnings } }',
      { id: deal.id },
    );
    expect(result.updateDeal.expectedCloseDate).toBe('2021-03-31');
    expect(result.updateDeal.warnings).toEqual([expect.stringContaining('in the past')]);
  });

  it('refuses bad input with clear errors: unknown or foreign stage, won stage by move, bad money, unknown currency', async () => {
    const { pipeline, deal, won } = await board('bad');
    const other = await createPipeline(stack.gatewayUrl, acme.admin.token, 'bad other', [{ name: 'Elsewhere', probability: 5 }]);
    const create = 'mutation ($input: CreateDealInput!) { createDeal(input: $input) { id } }';
    const cases: Array<[GqlResponse<unknown>, string, string]> = [
      [await call(MOVE, { id: deal.id, stageId: other.stages[0]!.id }), 'BAD_USER_INPUT', 'stageId'],
      [await call(MOVE, { id: deal.id, stageId: won.id }), 'BAD_USER_INPUT', 'stageId'],
      [await call(create, { input: { pipelineId: pipeline.id, name: 'x', amount: '-5', currency: 'USD' } }), 'BAD_USER_INPUT', 'amount'],
      [await call(create, { input: { pipelineId: pipeline.id, name: 'x', amount: 'ten', currency: 'USD' } }), 'BAD_USER_INPUT', 'amount'],
      [await call(create, { input: { pipelineId: pipeline.id, name: 'x', amount: '5', currency: 'XYZ' } }), 'BAD_USER_INPUT', 'currency'],
      [await call(CHANGES, { p: pipeline.id, after: 'latest' }), 'BAD_USER_INPUT', 'afterSequence'],
    ];
    for (const [result, code, field] of cases) expect(extensionsOf(result)).toMatchObject({ code, field });
    const unknown = await call(MOVE, { id: deal.id, stageId: '00000000-0000-4000-8000-000000000000' });
    expect(extensionsOf(unknown)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'stageId' });
    const deals = await ok<{ deals: Array<{ id: string }> }>('query ($p: ID!) { deals(pipelineId: $p) { id } }', { p: pipeline.id });
    expect(deals.deals).toEqual([{ id: deal.id }]);
  });

  it("keeps another tenant's board journal out of reach", async () => {
    const { pipeline } = await board('private');
    const foreign = await call(CHANGES, { p: pipeline.id, after: '0' }, globex.admin.token);
    expect(extensionsOf(foreign)).toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('reading a board', () => {
  it('reads lifecycle fields of a whole board with one statement per entity type in sales', async () => {
    const { pipeline } = await board('batch');
    for (let i = 0; i < 4; i++) {
      await createDeal(stack.gatewayUrl, acme.admin.token, { pipelineId: pipeline.id, name: `batch ${i}`, amount: '10.00', currency: 'USD' });
    }
    const sales = stack.subgraphs.sales.database.statements;
    sales.reset();
    const data = await ok<{ deals: Array<{ status: string; isStale: boolean; warnings: string[]; stage: { name: string }; stageHistory: Array<{ toStage: { name: string } }> }> }>(
      'query ($p: ID!) { deals(pipelineId: $p, first: 50) { status isStale warnings stage { name } stageHistory(first: 10) { toStage { name } } } }',
      { p: pipeline.id },
    );
    expect(data.deals).toHaveLength(5);
    expect(data.deals.every((d) => d.status === 'OPEN' && !d.isStale && d.warnings.length === 0 && d.stageHistory[0]!.toStage.name === 'Lead')).toBe(true);
    const queries = sales.queries.filter((sql) => !/"OutboxEvent"|pg_try_advisory/i.test(sql));
    expect(queries, queries.map((sql) => sql.slice(0, 120)).join('\n')).toHaveLength(3); // the deals, their stages, their stage history
  });
});

describe('stages', () => {
  it('archives a stage with its deals moved, journaled for the board, and the read model follows', async () => {
    const { pipeline, deal, demo, proposal } = await board('archive');
    const second = await createDeal(stack.gatewayUrl, acme.admin.token, { pipelineId: pipeline.id, stageId: demo.id, name: 'archive deal 2', amount: '100.00', currency: 'USD' });
    await ok(MOVE, { id: deal.id, stageId: demo.id });
    const archived = await ok<{ archiveStage: { archivedAt: string | null } }>(
      'mutation ($id: ID!, $to: ID!) { archiveStage(id: $id, moveDealsTo: $to) { archivedAt } }',
      { id: demo.id, to: proposal.id },
    );
    expect(archived.archiveStage.archivedAt).not.toBeNull();

    const read = await ok<{ pipeline: { stages: Array<{ name: string; position: number }>; deals: Array<{ id: string; stage: { name: string } }> } }>(
      'query ($p: ID!) { pipeline(id: $p) { stages { name position } deals { id stage { name } } } }',
      { p: pipeline.id },
    );
    expect(read.pipeline.stages.map((s) => s.name)).toEqual(['Lead', 'Proposal', 'Won', 'Lost']);
    expect(read.pipeline.deals.map((d) => d.stage.name)).toEqual(['Proposal', 'Proposal']);

    const page = await ok<ChangePage>(CHANGES, { p: pipeline.id, after: '3' });
    expect(page.pipelineBoardChanges.events.map((e) => [e.type, e.dealId, e.fromStageId, e.toStageId])).toEqual([
      ['DEAL_MOVED', deal.id, demo.id, proposal.id],
      ['DEAL_MOVED', second.id, demo.id, proposal.id],
    ]);

    // Deleting one deal takes it out of the analytics summary too (sales → Kafka → analytics).
    await ok('mutation ($id: ID!) { deleteDeal(id: $id) }', { id: second.id });
    const summary = await eventually(async () => {
      const data = await ok<{ pipeline: { summary: { dealCount: number; stages: Array<{ stage: { id: string }; dealCount: number }> } } }>(
        'query ($p: ID!) { pipeline(id: $p) { summary { dealCount stages { stage { id } dealCount } } } }',
        { p: pipeline.id },
      );
      const s = data.pipeline.summary;
      return s.dealCount === 1 && s.stages.length === 1 && s.stages[0]!.stage.id === proposal.id ? s : null;
    });
    expect(summary.stages).toEqual([{ stage: { id: proposal.id }, dealCount: 1 }]);
  });
});
