/**
 * What reads cost: whatever the number of records, one SQL statement per entity type.
 * The relay is off here so that only the requests under test touch the database.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSalesHarness, type SalesHarness } from './testing/sales-harness.ts';

let h: SalesHarness;
beforeAll(async () => {
  h = await startSalesHarness({ relay: false });
});
afterAll(async () => {
  await h?.close();
});

const STAGES = [
  { name: 'Lead', probability: 10 },
  { name: 'Qualified', probability: 30 },
  { name: 'Proposal', probability: 60 },
  { name: 'Won', probability: 100 },
];

async function seedBoard(deals: number, accounts: string[] = []) {
  const tenantId = h.tenant();
  const pipeline = await h.subgraph.services.pipelines.create(tenantId, h.actor(), { name: 'Board', stages: STAGES });
  const created = await h.subgraph.services.deals.createMany(
    tenantId,
    h.actor(),
    Array.from({ length: deals }, (_, i) => ({
      pipelineId: pipeline.id,
      stageId: pipeline.stages[i % STAGES.length]!.id,
      name: `Deal ${i}`,
      amount: `${1000 + i}.00`,
      currency: 'USD',
      ownerId: crypto.randomUUID(),
      accountId: accounts.length ? accounts[i % accounts.length]! : crypto.randomUUID(),
    })),
  );
  return { tenantId, pipeline, deals: created };
}

/** Data statements (no BEGIN/COMMIT/set_config) and transactions sent while `fn` runs. */
async function statementsOf(fn: () => Promise<unknown>): Promise<{ count: number; transactions: number; queries: readonly string[] }> {
  h.database.statements.reset();
  await fn();
  return { count: h.database.statements.count, transactions: h.database.statements.transactions, queries: [...h.database.statements.queries] };
}

describe('query cost', () => {
  it('reads a 200-deal board with two data statements (deals + stages)', async () => {
    const { tenantId, pipeline } = await seedBoard(200);
    const board = `query ($p: ID!) { deals(pipelineId: $p, first: 100) { id name amount stage { name } account { id } owner { id } } }`;
    const cost = await statementsOf(async () => {
      for (const first of [100, 100]) {
        const result = await h.call<{ deals: Array<{ stage: { name: string } }> }>(board.replace('first: 100', `first: ${first}`), { p: pipeline.id }, { tenantId });
        expect(result.errors).toBeUndefined();
        expect(result.data?.deals).toHaveLength(100);
      }
    });
    expect(cost.count).toBe(4); // two requests, two statements each
    expect(cost.queries.filter((sql) => sql.includes('"Deal"'))).toHaveLength(2);
    expect(cost.queries.filter((sql) => sql.includes('"Stage"'))).toHaveLength(2);
  });

  it('reads a deal with its stage in one transaction (a board event\'s card), and without it in one statement', async () => {
    const { tenantId, deals } = await seedBoard(4);
    const deal = deals[1]!;
    const withStage = await statementsOf(async () => {
      const result = await h.call<{ deal: { id: string; stage: { name: string } } }>('query ($id: ID!) { deal(id: $id) { id name stage { name } } }', { id: deal.id }, { tenantId });
      expect(result.errors).toBeUndefined();
      expect(result.data?.deal).toEqual({ id: deal.id, name: 'Deal 1', stage: { name: 'Qualified' } });
    });
    expect(withStage).toMatchObject({ count: 2, transactions: 1 }); // the deal, its stage
    // a board event's deal query: the access probe and the card read the deal once
    const event = await statementsOf(async () => {
      const result = await h.call<{ probe: { id: string }; deal: { stage: { name: string } } }>('query ($id: ID!) { probe: deal(id: $id) { id } deal(id: $id) { name stage { name } } }', { id: deal.id }, { tenantId });
      expect(result.data?.deal.stage.name).toBe('Qualified');
    });
    expect(event).toMatchObject({ count: 2, transactions: 1 });
    const alone = await statementsOf(async () => {
      const result = await h.call<{ deal: { id: string } }>('query ($id: ID!) { deal(id: $id) { id name } }', { id: deal.id }, { tenantId });
      expect(result.data?.deal.id).toBe(deal.id);
    });
    expect(alone).toMatchObject({ count: 1, transactions: 1 });
  });

  it('resolves N Deal references with one statement; another tenant\'s ids resolve to null', async () => {
    const mine = await seedBoard(60);
    const theirs = await seedBoard(3);
    const representations = [...mine.deals.map((d) => ({ __typename: 'Deal', id: d.id })), { __typename: 'Deal', id: theirs.deals[0]!.id }];
    let entities: Array<{ id: string; amount: string } | null> = [];
    const cost = await statementsOf(async () => {
      const result = await h.call<{ _entities: typeof entities }>(
        'query ($r: [_Any!]!) { _entities(representations: $r) { ... on Deal { id amount } } }',
        { r: representations },
        { tenantId: mine.tenantId },
      );
      expect(result.errors).toBeUndefined();
      entities = result.data!._entities;
    });
    expect(cost.count).toBe(1);
    expect(entities.slice(0, 60).map((e) => e?.id)).toEqual(mine.deals.map((d) => d.id));
    expect(entities[1]?.amount).toBe('1001.00');
    expect(entities[60]).toBeNull();
  });

  it('contributes Account.deals for many accounts with one statement', async () => {
    const accounts = [crypto.randomUUID(), crypto.randomUUID(), crypto.randomUUID()];
    const { tenantId, deals } = await seedBoard(30, accounts);
    const otherTenant = await seedBoard(2, accounts);
    let result: { _entities: Array<{ id: string; deals: Array<{ id: string; stage: { name: string } }> }> } | undefined;
    const cost = await statementsOf(async () => {
      const response = await h.call<NonNullable<typeof result>>(
        'query ($r: [_Any!]!) { _entities(representations: $r) { ... on Account { id deals(first: 4) { id stage { name } } } } }',
        { r: accounts.map((id) => ({ __typename: 'Account', id })) },
        { tenantId },
      );
      expect(response.errors).toBeUndefined();
      result = response.data!;
    });
    expect(cost.count).toBe(2); // deals of all accounts + their stages
    expect(result!._entities.map((a) => a.deals.length)).toEqual([4, 4, 4]);
    const expectedFirst = deals
      .filter((d) => d.accountId === accounts[1])
      .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : 1))
      .slice(0, 4)
      .map((d) => d.id);
    expect(result!._entities[1]!.deals.map((d) => d.id)).toEqual(expectedFirst);
    const foreign = new Set(otherTenant.deals.map((d) => d.id));
    expect(result!._entities.flatMap((a) => a.deals).some((d) => foreign.has(d.id))).toBe(false);
  });

  it('lists pipelines with their stages and deals with one statement per type', async () => {
    const tenantId = h.tenant();
    for (let i = 0; i < 3; i++) {
      const pipeline = await h.subgraph.services.pipelines.create(tenantId, h.actor(), { name: `P${i}`, stages: STAGES });
      await h.subgraph.services.deals.createMany(tenantId, h.actor(), Array.from({ length: 5 }, (_, j) => ({ pipelineId: pipeline.id, name: `D${j}`, amount: '1', currency: 'USD' })));
    }
    const cost = await statementsOf(async () => {
      const result = await h.call<{ pipelines: Array<{ stages: unknown[]; deals: Array<{ pipeline: { name: string } }> }> }>(
        '{ pipelines { name stages { name pipeline { name } } deals(first: 3) { name stage { name } pipeline { name } } } }',
        {},
        { tenantId },
      );
      expect(result.errors).toBeUndefined();
      expect(result.data?.pipelines.map((p) => [p.stages.length, p.deals.length])).toEqual([[4, 3], [4, 3], [4, 3]]);
    });
    // pipelines, stages by pipeline (also the deals' stages), deals by pipeline; pipelines by id are primed by the list
    expect(cost.count).toBe(3);
    expect(cost.queries.filter((sql) => sql.includes('FROM "public"."Pipeline"') || sql.includes('FROM "Pipeline"'))).toHaveLength(1);
  });
});

describe('write cost', () => {
  it('moves a deal in one transaction: the lock, the deal, the stage, then the change and its records', async () => {
    const { tenantId, pipeline, deals } = await seedBoard(2);
    const deal = deals[0]!;
    const cost = await statementsOf(async () => {
      const result = await h.call<{ moveDeal: { id: string; version: number } }>('mutation ($id: ID!, $s: ID!) { moveDeal(id: $id, stageId: $s) { id version } }', { id: deal.id, s: pipeline.stages[2]!.id }, { tenantId });
      expect(result.errors).toBeUndefined();
      expect(result.data?.moveDeal).toEqual({ id: deal.id, version: deal.version + 1 });
    });
    // the pipeline lock found through the deal, the deal, the target stage, the board sequence, the deal's
    // update, its stage history, the board journal and the outbox event: the caller's right is checked on
    // the deal read under the lock, with no read of its own
    expect(cost).toMatchObject({ count: 8, transactions: 1 });
    expect(cost.queries[0]).toContain('FOR UPDATE');
  });
});
