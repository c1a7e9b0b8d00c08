/**
 * The embedded run mode: the same subgraph on PGlite (WASM PostgreSQL) with the in-process bus.
 * Proves the migrations and the hand-written SQL (row locks, window queries) work there too.
 */
import { openDatabase, type Database } from '@crm/db';
import { createInProcessBus } from '@crm/events';
import { createLogger, IDENTITY_HEADER, signIdentity } from '@crm/runtime';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createSalesSubgraph, salesPaths, type SalesSubgraph } from './index.ts';
import { TEST_SIGNING_SECRET } from './testing/sales-harness.ts';

let database: Database;
let subgraph: SalesSubgraph;
const bus = createInProcessBus();

beforeAll(async () => {
  database = await openDatabase({ kind: 'pglite', dataDir: 'memory://' });
  await database.migrate(salesPaths.migrationsDir, salesPaths.schemaPath);
  subgraph = await createSalesSubgraph({ database, bus, signingSecret: TEST_SIGNING_SECRET, logger: createLogger('sales-test', 'silent') });
});
afterAll(async () => {
  await subgraph?.stop();
  await bus.close();
  await database?.close();
});

it('creates, moves, lists and publishes on PGlite', async () => {
  const tenantId = crypto.randomUUID();
  const actor = { userId: crypto.randomUUID(), kind: 'user' as const };
  const accountId = crypto.randomUUID();
  const { services } = subgraph;
  const pipeline = await services.pipelines.create(tenantId, actor, { name: 'Embedded', stages: [{ name: 'Open', probability: 20 }, { name: 'Won', probability: 100 }] });
  const [first, second] = await services.deals.createMany(tenantId, actor, [
    { pipelineId: pipeline.id, name: 'One', amount: '12.34', currency: 'EUR', accountId },
    { pipelineId: pipeline.id, name: 'Two', amount: '5', currency: 'JPY', accountId },
  ]);
  const moved = await services.deals.move(tenantId, actor, first!.id, pipeline.stages[1]!.id);
  expect(moved).toMatchObject({ stageId: pipeline.stages[1]!.id, version: 2, boardSequence: 3n });
  await expect(services.deals.move(crypto.randomUUID(), actor, first!.id, pipeline.stages[0]!.id)).rejects.toMatchObject({ extensions: { code: 'NOT_FOUND' } });

  const listening = await subgraph.start(0);
  const response = await fetch(`${listening.url}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      [IDENTITY_HEADER]: signIdentity({ tenantId, userId: actor.userId, roles: ['TENANT_ADMIN'], requestId: 'embedded' }, TEST_SIGNING_SECRET),
    },
    body: JSON.stringify({
      query: 'query ($r: [_Any!]!) { _entities(representations: $r) { ... on Account { deals { name amount stage { name } } } } }',
      variables: { r: [{ __typename: 'Account', id: accountId }] },
    }),
  });
  const body = (await response.json()) as { data: { _entities: Array<{ deals: unknown[] }> } };
  // Same creation instant: ordered by id.
  const expected = [
    { id: first!.id, deal: { name: 'One', amount: '12.34', stage: { name: 'Won' } } },
    { id: second!.id, deal: { name: 'Two', amount: '5', stage: { name: 'Open' } } },
  ].sort((a, b) => (a.id < b.id ? -1 : 1));
  expect(body.data._entities[0]!.deals).toEqual(expected.map((e) => e.deal));

  await subgraph.relay.flush();
  const received: Array<{ type: string; aggregateId: string }> = [];
  const subscription = await bus.subscribe({
    groupId: 'embedded-test',
    topics: ['crm.sales.events'],
    handler: async (event) => {
      if (event.tenantId === tenantId) received.push({ type: event.type, aggregateId: event.aggregateId });
    },
  });
  await subscription.ready;
  await expect.poll(() => received.length).toBe(4);
  await subscription.stop();
  // Order is kept per aggregate (the bus key), not across aggregates.
  expect(received.map((e) => e.type).sort()).toEqual(['sales.deal.created', 'sales.deal.created', 'sales.deal.stage_changed', 'sales.pipeline.created']);
  expect(received.filter((e) => e.aggregateId === first!.id).map((e) => e.type)).toEqual(['sales.deal.created', 'sales.deal.stage_changed']);
});
