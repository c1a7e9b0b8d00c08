/**
 * The analytics subgraph over HTTP, as the gateway calls it: signed identity required,
 * tenant-scoped answers, batched entity resolution and input validation.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { topicOf } from '@crm/events';
import { identityOf, startAnalyticsHarness, type AnalyticsHarness } from './testing/harness.ts';
import { dealCreated, dealMoved, newDeal, type DealState } from './testing/sales-events.ts';

let harness: AnalyticsHarness;

beforeAll(async () => {
  harness = await startAnalyticsHarness();
});
afterAll(async () => {
  await harness?.close();
});

/** Seeds deals of one tenant through the bus and waits until the summary reflects them. */
async function seed(deals: DealState[]) {
  const events = deals.map((deal, index) => dealCreated(deal, BigInt(index + 1)));
  await harness.bus.publish(topicOf('sales'), events);
  await Promise.all(events.map((event) => harness.subgraph.services.summary.waitForEvent(event.id, 15_000)));
}

const SUMMARY = /* GraphQL */ `
  query Summary($pipelineId: ID!) {
    pipelineSummary(pipelineId: $pipelineId) {
      pipelineId
      dealCount
      updatedAt
      amounts { currency amount }
      stages { stage { id } dealCount amounts { currency amount } }
    }
  }
`;

const ENTITIES = /* GraphQL */ `
  query Entities($representations: [_Any!]!) {
    _entities(representations: $representations) {
      ... on Pipeline { id summary { pipelineId dealCount amounts { currency amount } } }
    }
  }
`;

describe('analytics subgraph over HTTP', () => {
  it('answers pipelineSummary for the caller’s tenant with decimal amounts', async () => {
    const tenantId = randomUUID();
    const pipelineId = randomUUID();
    const [lead, won] = [randomUUID(), randomUUID()];
    await seed([
      newDeal({ tenantId, pipelineId, stageId: lead, amountMinor: 123_456n, currency: 'USD' }),
      newDeal({ tenantId, pipelineId, stageId: lead, amountMinor: 44n, currency: 'USD' }),
      newDeal({ tenantId, pipelineId, stageId: won, amountMinor: 5_000n, currency: 'JPY' }),
    ]);

    const result = await harness.graphql(SUMMARY, { pipelineId }, identityOf(tenantId));
    expect(result.errors).toBeUndefined();
    const sorted = [lead, won].sort();
    expect(result.data).toEqual({
      pipelineSummary: {
        pipelineId,
        dealCount: 3,
        updatedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
        amounts: [
          { currency: 'JPY', amount: '5000' },
          { currency: 'USD', amount: '1235.00' },
        ],
        stages: sorted.map((stageId) =>
          stageId === lead
            ? { stage: { id: lead }, dealCount: 2, amounts: [{ currency: 'USD', amount: '1235.00' }] }
            : { stage: { id: won }, dealCount: 1, amounts: [{ currency: 'JPY', amount: '5000' }] },
        ),
      },
    });

    const stranger = await harness.graphql(SUMMARY, { pipelineId }, identityOf(randomUUID()));
    expect(stranger.data).toEqual({ pipelineSummary: { pipelineId, dealCount: 0, updatedAt: null, amounts: [], stages: [] } });
  });

  it('reflects a deal moving between stages', async () => {
    const deal = newDeal();
    await seed([deal]);
    const target = randomUUID();
    const moved = dealMoved(deal, target, 2n);
    await harness.bus.publish(topicOf('sales'), [moved]);
    await harness.subgraph.services.summary.waitForEvent(moved.id, 15_000);

    const result = await harness.graphql(SUMMARY, { pipelineId: deal.pipelineId }, identityOf(deal.tenantId));
    expect(result.data?.pipelineSummary).toMatchObject({ dealCount: 1, stages: [{ stage: { id: target }, dealCount: 1 }] });
  });

  it('refuses requests without the gateway signature with 401, including _entities and _service', async () => {
    for (const [query, variables] of [
      [SUMMARY, { pipelineId: randomUUID() }],
      [ENTITIES, { representations: [{ __typename: 'Pipeline', id: randomUUID() }] }],
      ['{ _service { sdl } }', {}],
    ] as const) {
      const result = await harness.graphql(query, variables, null);
      expect(result.status).toBe(401);
      expect(result.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      expect(result.data).toBeUndefined();
    }

    const forged = await fetch(harness.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-crm-identity': 'e30.0.AAAA' },
      body: JSON.stringify({ query: '{ _service { sdl } }' }),
    });
    expect(forged.status).toBe(401);
  });

  it('serves its SDL to the gateway', async () => {
    const result = await harness.graphql<{ _service: { sdl: string } }>('{ _service { sdl } }');
    expect(result.data?._service.sdl).toContain('type PipelineSummary');
    expect(result.data?._service.sdl).toMatch(/type Pipeline\s+@key\(fields: "id"\)/);
  });

  it('resolves N pipeline references with one query, and another tenant’s pipeline to an empty summary', async () => {
    const tenantId = randomUUID();
    const deals = Array.from({ length: 5 }, () => newDeal({ tenantId, amountMinor: 100n }));
    const foreign = newDeal({ amountMinor: 999_999n });
    await seed(deals);
    await seed([foreign]);

    harness.database.statements.reset();
    const result = await harness.graphql<{ _entities: { id: string; summary: { pipelineId: string; dealCount: number } }[] }>(
      ENTITIES,
      { representations: [...deals, foreign].map((deal) => ({ __typename: 'Pipeline', id: deal.pipelineId })) },
      identityOf(tenantId),
    );
    const snapshotQueries = harness.database.statements.queries.filter((sql) => sql.includes('"DealSnapshot"'));

    expect(result.errors).toBeUndefined();
    expect(result.data?._entities.map((entity) => entity.summary.dealCount)).toEqual([1, 1, 1, 1, 1, 0]);
    expect(result.data?._entities.map((entity) => entity.summary.pipelineId)).toEqual([...deals, foreign].map((d) => d.pipelineId));
    expect(snapshotQueries).toHaveLength(1);
  });

  it('rejects a malformed pipeline id with BAD_USER_INPUT and a caller without a tenant with UNAUTHENTICATED', async () => {
    const bad = await harness.graphql(SUMMARY, { pipelineId: 'not-a-uuid' });
    expect(bad.status).toBe(200);
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(bad.data).toBeNull();

    const anonymous = await harness.graphql(SUMMARY, { pipelineId: randomUUID() }, identityOf(null, null));
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('reports ready when its database answers', async () => {
    const response = await fetch(harness.url.replace('/graphql', '/ready'));
    expect(response.status).toBe(200);
  });
});
