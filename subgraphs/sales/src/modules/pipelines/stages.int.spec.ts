/**
 * Stage management against real PostgreSQL: kinds and rotting periods, adding, renaming,
 * reordering and archiving stages (with their deals moved), and refusals that write nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSalesHarness, type GraphQLResult, type SalesHarness } from '../../testing/sales-harness.ts';

let h: SalesHarness;
beforeAll(async () => {
  h = await startSalesHarness();
});
afterAll(async () => {
  await h?.close();
});

async function board() {
  const tenantId = h.tenant();
  const pipeline = await h.subgraph.services.pipelines.create(tenantId, h.actor(), {
    name: 'Sales',
    stages: [
      { name: 'Lead', probability: 10, rottingDays: 14 },
      { name: 'Demo', probability: 30 },
      { name: 'Proposal', probability: 60 },
      { name: 'Won', probability: 100, kind: 'WON' },
    ],
  });
  const [lead, demo, proposal, won] = pipeline.stages as [typeof pipeline.stages[0], typeof pipeline.stages[0], typeof pipeline.stages[0], typeof pipeline.stages[0]];
  return { tenantId, pipeline, lead, demo, proposal, won };
}

const STAGES = 'query ($p: ID!) { pipeline(id: $p) { stages { id name position kind rottingDays } } }';
type StageView = { id: string; name: string; position: number; kind: string; rottingDays: number | null };
const stagesOf = async (tenantId: string, pipelineId: string) =>
  (await h.call<{ pipeline: { stages: StageView[] } }>(STAGES, { p: pipelineId }, { tenantId })).data!.pipeline.stages;
const errorOf = (result: GraphQLResult<unknown>) => result.errors?.[0]?.extensions;

async function written(tenantId: string) {
  const [outbox, board, stages] = await Promise.all([
    h.admin.outboxEvent.count({ where: { tenantId } }),
    h.admin.boardChange.count({ where: { tenantId } }),
    h.admin.stage.findMany({ where: { tenantId }, orderBy: { id: 'asc' } }),
  ]);
  return { outbox, board, stages };
}

const ADD = 'mutation ($input: AddStageInput!) { addStage(input: $input) { id name position kind rottingDays } }';
const RENAME = 'mutation ($id: ID!, $name: String!) { renameStage(id: $id, name: $name) { id name } }';
const REORDER = 'mutation ($p: ID!, $ids: [ID!]!) { reorderStages(pipelineId: $p, stageIds: $ids) { stages { name position } } }';
const ARCHIVE = 'mutation ($id: ID!, $to: ID!) { archiveStage(id: $id, moveDealsTo: $to) { id archivedAt } }';

describe('stages', () => {
  it('creates stages with kinds and rotting periods', async () => {
    const { tenantId, pipeline } = await board();
    expect((await stagesOf(tenantId, pipeline.id)).map((s) => [s.name, s.position, s.kind, s.rottingDays])).toEqual([
      ['Lead', 0, 'OPEN', 14],
      ['Demo', 1, 'OPEN', null],
      ['Proposal', 2, 'OPEN', null],
      ['Won', 3, 'WON', null],
    ]);
  });

  it.each([
    [[{ name: 'W1', probability: 100, kind: 'WON' }, { name: 'A', probability: 1 }, { name: 'W2', probability: 100, kind: 'WON' }], 'stages'],
    [[{ name: 'W', probability: 100, kind: 'WON' }], 'stages'],
    [[{ name: 'A', probability: 1, rottingDays: 0 }], 'stages[0].rottingDays'],
  ])('refuses a pipeline with stages %j naming %s', async (stages, field) => {
    const tenantId = h.tenant();
    const result = await h.call('mutation ($input: CreatePipelineInput!) { createPipeline(input: $input) { id } }', { input: { name: 'P', stages } }, { tenantId });
    expect(errorOf(result)).toMatchObject({ code: 'BAD_USER_INPUT', field });
    expect(await h.admin.pipeline.count({ where: { tenantId } })).toBe(0);
  });

  it('adds a stage at a position, shifting later ones, and emits sales.pipeline.stages_changed', async () => {
    const { tenantId, pipeline } = await board();
    const result = await h.call<{ addStage: StageView }>(ADD, { input: { pipelineId: pipeline.id, name: 'Trial', probability: 40, position: 2, rottingDays: 30 } }, { tenantId });
    expect(result.data?.addStage).toMatchObject({ name: 'Trial', position: 2, kind: 'OPEN', rottingDays: 30 });
    expect((await stagesOf(tenantId, pipeline.id)).map((s) => s.name)).toEqual(['Lead', 'Demo', 'Trial', 'Proposal', 'Won']);
    const atEnd = await h.call<{ addStage: StageView }>(ADD, { input: { pipelineId: pipeline.id, name: 'Lost', probability: 0, kind: 'LOST' } }, { tenantId });
    expect(atEnd.data?.addStage).toMatchObject({ position: 5, kind: 'LOST' });
    const event = await h.admin.outboxEvent.findFirst({ where: { tenantId, type: 'sales.pipeline.stages_changed' }, orderBy: { seq: 'asc' } });
    expect(event?.payload).toMatchObject({ pipelineId: pipeline.id, change: 'added', stageId: result.data!.addStage.id });
  });

  it('refuses a second won stage, a position past the end and an unknown pipeline, writing nothing', async () => {
    const { tenantId, pipeline } = await board();
    const before = await written(tenantId);
    const won = await h.call(ADD, { input: { pipelineId: pipeline.id, name: 'Won 2', probability: 100, kind: 'WON' } }, { tenantId });
    expect(errorOf(won)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.kind' });
    const far = await h.call(ADD, { input: { pipelineId: pipeline.id, name: 'X', probability: 1, position: 9 } }, { tenantId });
    expect(errorOf(far)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.position' });
    const foreign = await h.call(ADD, { input: { pipelineId: pipeline.id, name: 'X', probability: 1 } }, { tenantId: h.tenant() });
    expect(errorOf(foreign)).toMatchObject({ code: 'NOT_FOUND' });
    expect(await written(tenantId)).toEqual(before);
  });

  it('renames a stage', async () => {
    const { tenantId, demo } = await board();
    const result = await h.call<{ renameStage: { name: string } }>(RENAME, { id: demo.id, name: ' Live demo ' }, { tenantId });
    expect(result.data?.renameStage).toEqual({ id: demo.id, name: 'Live demo' });
    expect(errorOf(await h.call(RENAME, { id: demo.id, name: ' ' }, { tenantId }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'name' });
    expect(errorOf(await h.call(RENAME, { id: demo.id, name: 'X' }, { tenantId: h.tenant() }))).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('updates probability and rotting period, and refuses out-of-range values', async () => {
    const { tenantId, lead } = await board();
    const update = 'mutation ($id: ID!, $input: UpdateStageInput!) { updateStage(id: $id, input: $input) { name probability rottingDays } }';
    const result = await h.call<{ updateStage: unknown }>(update, { id: lead.id, input: { probability: 15, rottingDays: null } }, { tenantId });
    expect(result.data?.updateStage).toEqual({ name: 'Lead', probability: 15, rottingDays: null });
    const event = await h.admin.outboxEvent.findFirst({ where: { tenantId, type: 'sales.pipeline.stages_changed' } });
    expect(event?.payload).toMatchObject({ change: 'updated', stageId: lead.id });
    for (const [input, field] of [
      [{ probability: 101 }, 'input.probability'],
      [{ rottingDays: 0 }, 'input.rottingDays'],
      [{ name: '' }, 'input.name'],
    ] as const) {
      expect(errorOf(await h.call(update, { id: lead.id, input }, { tenantId }))).toMatchObject({ code: 'BAD_USER_INPUT', field });
    }
    expect(await h.admin.outboxEvent.count({ where: { tenantId, type: 'sales.pipeline.stages_changed' } })).toBe(1);
  });

  it('reorders stages, refusing a list that is not exactly the active stages', async () => {
    const { tenantId, pipeline, lead, demo, proposal, won } = await board();
    const result = await h.call<{ reorderStages: { stages: Array<{ name: string; position: number }> } }>(
      REORDER,
      { p: pipeline.id, ids: [demo.id, lead.id, proposal.id, won.id] },
      { tenantId },
    );
    expect(result.data?.reorderStages.stages).toEqual([
      { name: 'Demo', position: 0 },
      { name: 'Lead', position: 1 },
      { name: 'Proposal', position: 2 },
      { name: 'Won', position: 3 },
    ]);
    const before = await written(tenantId);
    for (const ids of [[demo.id, lead.id, proposal.id], [demo.id, demo.id, proposal.id, won.id], [demo.id, lead.id, proposal.id, won.id, h.tenant()]]) {
      expect(errorOf(await h.call(REORDER, { p: pipeline.id, ids }, { tenantId }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'stageIds' });
    }
    expect(await written(tenantId)).toEqual(before);
  });

  it('archives a stage, moving its deals in one transaction with history, board changes and events', async () => {
    const { tenantId, pipeline, lead, demo, proposal } = await board();
    const deals = await h.subgraph.services.deals.createMany(
      tenantId,
      h.actor(),
      ['A', 'B', 'C'].map((name, i) => ({ pipelineId: pipeline.id, stageId: i < 2 ? demo.id : lead.id, name, amount: '1', currency: 'USD' })),
    );
    const result = await h.call<{ archiveStage: { id: string; archivedAt: string } }>(ARCHIVE, { id: demo.id, to: proposal.id }, { tenantId });
    expect(result.errors).toBeUndefined();
    expect(Date.parse(result.data!.archiveStage.archivedAt)).not.toBeNaN();

    expect((await stagesOf(tenantId, pipeline.id)).map((s) => [s.name, s.position])).toEqual([
      ['Lead', 0],
      ['Proposal', 1],
      ['Won', 2],
    ]);
    const rows = await h.admin.deal.findMany({ where: { tenantId }, orderBy: { name: 'asc' } });
    expect(rows.map((d) => [d.name, d.stageId, d.version])).toEqual([
      ['A', proposal.id, 2],
      ['B', proposal.id, 2],
      ['C', lead.id, 1],
    ]);
    const moves = await h.admin.outboxEvent.findMany({ where: { tenantId, type: 'sales.deal.stage_changed' }, orderBy: { seq: 'asc' } });
    // Deals created together share a creation time: they move in id order, one sequence number each.
    const inDemo = [deals[0]!.id, deals[1]!.id].sort();
    expect(moves.map((e) => e.payload)).toEqual(
      inDemo.map((dealId, i) => expect.objectContaining({ dealId, fromStageId: demo.id, toStageId: proposal.id, sequence: String(4 + i) })),
    );
    const board2 = await h.admin.boardChange.findMany({ where: { pipelineId: pipeline.id, type: 'DEAL_MOVED' }, orderBy: { sequence: 'asc' } });
    expect(board2.map((c) => [c.sequence, c.fromStageId, c.toStageId])).toEqual([
      [4n, demo.id, proposal.id],
      [5n, demo.id, proposal.id],
    ]);
    expect(await h.admin.dealStageChange.count({ where: { tenantId, fromStageId: demo.id } })).toBe(2);
    // The archived stage still resolves for the history that mentions it.
    const history = await h.call<{ deal: { stageHistory: Array<{ toStage: { name: string; archivedAt: string | null } }> } }>(
      'query ($id: ID!) { deal(id: $id) { stageHistory { toStage { name archivedAt } } } }',
      { id: deals[0]!.id },
      { tenantId },
    );
    expect(history.data?.deal.stageHistory.map((c) => c.toStage.name)).toEqual(['Demo', 'Proposal']);
    expect(history.data?.deal.stageHistory[0]!.toStage.archivedAt).not.toBeNull();

    // Nothing can be placed in an archived stage any more.
    const create = await h.call(
      'mutation ($input: CreateDealInput!) { createDeal(input: $input) { id } }',
      { input: { pipelineId: pipeline.id, stageId: demo.id, name: 'Late', amount: '1', currency: 'USD' } },
      { tenantId },
    );
    expect(errorOf(create)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'stageId' });
    const move = await h.call('mutation ($id: ID!, $s: ID!) { moveDeal(id: $id, stageId: $s) { id } }', { id: deals[2]!.id, s: demo.id }, { tenantId });
    expect(errorOf(move)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'stageId' });
  });

  it('refuses to move deals to an archived stage, another kind or another pipeline, writing nothing', async () => {
    const { tenantId, pipeline, lead, demo, proposal, won } = await board();
    const other = await h.subgraph.services.pipelines.create(tenantId, h.actor(), { name: 'Other', stages: [{ name: 'X', probability: 1 }] });
    await h.subgraph.services.deals.create(tenantId, h.actor(), { pipelineId: pipeline.id, stageId: demo.id, name: 'D', amount: '1', currency: 'USD' });
    await h.call(ARCHIVE, { id: lead.id, to: proposal.id }, { tenantId });
    const before = await written(tenantId);
    for (const [to, fragment] of [
      [lead.id, 'archived'],
      [won.id, 'OPEN stage'],
      [other.stages[0]!.id, 'same pipeline'],
      [demo.id, 'another stage'],
    ] as const) {
      const result = await h.call(ARCHIVE, { id: demo.id, to }, { tenantId });
      expect(errorOf(result)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'moveDealsTo' });
      expect(result.errors?.[0]?.message).toContain(fragment);
    }
    expect(errorOf(await h.call(ARCHIVE, { id: lead.id, to: proposal.id }, { tenantId }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id' });
    expect(errorOf(await h.call(ARCHIVE, { id: demo.id, to: proposal.id }, { tenantId: h.tenant() }))).toMatchObject({ code: 'NOT_FOUND' });
    expect(await written(tenantId)).toEqual(before);
  });
});
