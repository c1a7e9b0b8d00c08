import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSalesHarness, type SalesHarness } from '../../testing/sales-harness.ts';

let h: SalesHarness;
beforeAll(async () => {
  h = await startSalesHarness();
});
afterAll(async () => {
  await h?.close();
});

const CREATE = /* GraphQL */ `
  mutation ($input: CreatePipelineInput!) {
    createPipeline(input: $input) { id name stages { id name position probability pipeline { id } } }
  }
`;

type Created = { createPipeline: { id: string; name: string; stages: Array<{ id: string; name: string; position: number; probability: number; pipeline: { id: string } }> } };

const STAGES = [
  { name: 'Qualified', probability: 10 },
  { name: 'Proposal', probability: 50 },
  { name: 'Won', probability: 100 },
];

describe('pipelines', () => {
  it('creates a pipeline with ordered stages and records sales.pipeline.created', async () => {
    const tenantId = h.tenant();
    const result = await h.call<Created>(CREATE, { input: { name: ' New business ', stages: STAGES } }, { tenantId });
    expect(result.errors).toBeUndefined();
    const pipeline = result.data!.createPipeline;
    expect(pipeline.name).toBe('New business');
    expect(pipeline.stages.map((s) => [s.name, s.position, s.probability])).toEqual([
      ['Qualified', 0, 10],
      ['Proposal', 1, 50],
      ['Won', 2, 100],
    ]);
    expect(pipeline.stages.every((s) => s.pipeline.id === pipeline.id)).toBe(true);

    const events = await h.admin.outboxEvent.findMany({ where: { tenantId } });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'sales.pipeline.created', aggregateId: pipeline.id, version: 1 });
    expect(events[0]!.payload).toEqual({
      pipelineId: pipeline.id,
      name: 'New business',
      stages: pipeline.stages.map((s) => ({ stageId: s.id, name: s.name, position: s.position, probability: s.probability, kind: 'OPEN', rottingDays: null })),
    });
  });

  it.each([
    [{ name: 'P', stages: [] }, 'stages'],
    [{ name: '  ', stages: STAGES }, 'name'],
    [{ name: 'P', stages: [{ name: 'A', probability: 10 }, { name: 'B', probability: 101 }] }, 'stages[1].probability'],
    [{ name: 'P', stages: [{ name: 'A', probability: -1 }] }, 'stages[0].probability'],
    [{ name: 'P', stages: [{ name: '', probability: 5 }] }, 'stages[0].name'],
  ])('rejects %j naming %s, writing nothing', async (input, field) => {
    const tenantId = h.tenant();
    const result = await h.call(CREATE, { input }, { tenantId });
    expect(result.data).toBeNull();
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    expect(result.errors?.[0]?.message).toContain(field);
    expect(await h.admin.pipeline.count({ where: { tenantId } })).toBe(0);
    expect(await h.admin.outboxEvent.count({ where: { tenantId } })).toBe(0);
  });

  it('lists and finds only the caller tenant pipelines', async () => {
    const [a, b] = [h.tenant(), h.tenant()];
    const mine = await h.subgraph.services.pipelines.create(a, h.actor(), { name: 'Mine', stages: STAGES });
    const theirs = await h.subgraph.services.pipelines.create(b, h.actor(), { name: 'Theirs', stages: STAGES });

    const list = await h.call<{ pipelines: Array<{ id: string }> }>('{ pipelines { id } }', {}, { tenantId: a });
    expect(list.data?.pipelines).toEqual([{ id: mine.id }]);

    const query = 'query ($id: ID!) { pipeline(id: $id) { id name stages { name } } }';
    const own = await h.call<{ pipeline: { id: string; stages: unknown[] } | null }>(query, { id: mine.id }, { tenantId: a });
    expect(own.data?.pipeline).toMatchObject({ id: mine.id, name: 'Mine' });
    expect(own.data?.pipeline?.stages).toHaveLength(3);

    const foreign = await h.call<{ pipeline: null }>(query, { id: theirs.id }, { tenantId: a });
    expect(foreign.errors).toBeUndefined();
    expect(foreign.data?.pipeline).toBeNull();

    const junk = await h.call<{ pipeline: null }>(query, { id: 'not-a-uuid' }, { tenantId: a });
    expect(junk.data?.pipeline).toBeNull();
  });

  it('resolves Pipeline and Stage references of the caller tenant only', async () => {
    const [a, b] = [h.tenant(), h.tenant()];
    const mine = await h.subgraph.services.pipelines.create(a, h.actor(), { name: 'Mine', stages: STAGES });
    const theirs = await h.subgraph.services.pipelines.create(b, h.actor(), { name: 'Theirs', stages: STAGES });
    const query = `query ($representations: [_Any!]!) {
      _entities(representations: $representations) {
        ... on Pipeline { id name }
        ... on Stage { id name probability }
      }
    }`;
    const result = await h.call<{ _entities: Array<Record<string, unknown> | null> }>(
      query,
      {
        representations: [
          { __typename: 'Pipeline', id: mine.id },
          { __typename: 'Pipeline', id: theirs.id },
          { __typename: 'Stage', id: mine.stages[1]!.id },
          { __typename: 'Stage', id: theirs.stages[1]!.id },
        ],
      },
      { tenantId: a },
    );
    expect(result.errors).toBeUndefined();
    expect(result.data?._entities).toEqual([
      { id: mine.id, name: 'Mine' },
      null,
      { id: mine.stages[1]!.id, name: 'Proposal', probability: 50 },
      null,
    ]);
  });

  it('refuses anonymous callers of tenant data', async () => {
    const result = await h.call('{ pipelines { id } }', {}, { tenantId: null });
    expect(result.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});

describe('gateway signature', () => {
  it.each([
    ['a query', '{ pipelines { id } }', {}],
    ['_entities', 'query ($r: [_Any!]!) { _entities(representations: $r) { ... on Pipeline { id } } }', { r: [{ __typename: 'Pipeline', id: '00000000-0000-4000-8000-000000000000' }] }],
    ['_service', '{ _service { sdl } }', {}],
  ])('answers 401 to %s without the identity header', async (_name, query, variables) => {
    const result = await h.call(query, variables, { tenantId: h.tenant(), unsigned: true });
    expect(result.status).toBe(401);
    expect(result.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(result.data).toBeUndefined();
  });

  it('answers 401 to a header signed with another secret', async () => {
    const result = await h.call('{ _service { sdl } }', {}, { tenantId: h.tenant(), secret: 'x'.repeat(40) });
    expect(result.status).toBe(401);
  });

  it('answers 401 to a signed identity whose tenant is not an id', async () => {
    const result = await h.call('{ pipelines { id } }', {}, { tenantId: 'acme' });
    expect(result.status).toBe(401);
  });

  it('serves its SDL to the gateway', async () => {
    const result = await h.call<{ _service: { sdl: string } }>('{ _service { sdl } }', {}, { tenantId: null });
    expect(result.data?._service.sdl).toContain('type Deal @key(fields: "id")');
    expect(result.data?._service.sdl).toContain('pipelineBoard(pipelineId: ID!): PipelineBoardEvent!');
  });

  it('is ready when its database answers', async () => {
    const response = await fetch(h.url.replace('/graphql', '/ready'));
    expect(response.status).toBe(200);
  });
});
