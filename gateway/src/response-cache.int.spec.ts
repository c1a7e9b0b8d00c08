/**
 * The response cache on the embedded adapters (in-process bus, memory cache): answers served from
 * memory, dropped by the events of their tenant, never shared across tenants, users or roles.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createEvent, topicOf } from '@crm/events';
import { post, startHarness, type Harness } from './testing/harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ responseCache: { rootFields: { deals: null, pipeline: 'id' } } });
  await h.gateway.responseCache!.ready;
});
afterAll(async () => {
  await h?.close();
});

const BOARD = { query: '{ deals { id name account { name } } }' };
const PIPELINE = { query: 'query P($id: ID!) { pipeline(id: $id) { name } }' };

function seed(tenantId: string) {
  const data = h.tenant(tenantId);
  const pipelineId = randomUUID();
  const accountId = randomUUID();
  const dealId = randomUUID();
  data.pipelines.set(pipelineId, { id: pipelineId, name: 'New business' });
  data.accounts.set(accountId, { id: accountId, name: 'Acme' });
  data.deals.set(dealId, { id: dealId, name: 'Renewal', stageId: 'lead', accountId });
  return { data, pipelineId, accountId, dealId };
}

async function read(token: string, body: object = BOARD) {
  const response = await post(h.url, body, { authorization: `Bearer ${token}` });
  expect(response.json.errors).toBeUndefined();
  return { cache: response.headers.get('x-crm-cache'), data: response.json.data };
}

async function publish(domain: 'sales' | 'customer' | 'platform', type: string, tenantId: string, payload: Record<string, unknown>) {
  await h.bus.publish(topicOf(domain), [createEvent({ type, tenantId, aggregateId: randomUUID(), actor: { userId: null, kind: 'system' }, payload })]);
}

/** Reads until `check` holds (events are delivered asynchronously), at most 5 s. */
async function eventually<T>(fn: () => Promise<T>, check: (value: T) => boolean): Promise<T> {
  const until = Date.now() + 5_000;
  for (;;) {
    const value = await fn();
    if (check(value) || Date.now() > until) return value;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

it('serves a repeated read from memory until an event of its tenant drops it', async () => {
  const tenantId = randomUUID();
  const { data, dealId, pipelineId } = seed(tenantId);
  const token = await h.token({ tenantId });

  expect(await read(token)).toEqual({ cache: 'MISS', data: { deals: [{ id: dealId, name: 'Renewal', account: { name: 'Acme' } }] } });
  // changed behind the gateway's back, without an event: the cached answer is still served
  data.deals.get(dealId)!.name = 'Renewal (moved)';
  expect(await read(token)).toEqual({ cache: 'HIT', data: { deals: [{ id: dealId, name: 'Renewal', account: { name: 'Acme' } }] } });

  // another tenant's event changes nothing here
  await publish('sales', 'sales.deal.stage_changed', randomUUID(), { dealId, pipelineId, fromStageId: 'a', toStageId: 'b', sequence: '2' });
  await publish('sales', 'sales.deal.stage_changed', tenantId, { dealId, pipelineId, fromStageId: 'a', toStageId: 'b', sequence: '2' });
  const after = await eventually(
    () => read(token),
    (r) => r.cache === 'MISS',
  );
  expect(after).toEqual({ cache: 'MISS', data: { deals: [{ id: dealId, name: 'Renewal (moved)', account: { name: 'Acme' } }] } });
  expect((await read(token)).cache).toBe('HIT');
});

it('keeps answers of tenants, users and roles apart', async () => {
  const tenantA = randomUUID();
  const tenantB = randomUUID();
  const a = seed(tenantA);
  const b = seed(tenantB);
  b.data.deals.get(b.dealId)!.name = 'B only';
  const userId = randomUUID();
  const rep = await h.token({ tenantId: tenantA, userId, roles: ['SALES_REP'] });
  const sameUserAsManager = await h.token({ tenantId: tenantA, userId, roles: ['SALES_MANAGER'] });
  const otherRep = await h.token({ tenantId: tenantA, roles: ['SALES_REP'] });
  const sameUserInB = await h.token({ tenantId: tenantB, userId, roles: ['SALES_REP'] });

  expect(await read(rep)).toEqual({ cache: 'MISS', data: { deals: [{ id: a.dealId, name: 'Renewal', account: { name: 'Acme' } }] } });
  expect((await read(rep)).cache).toBe('HIT');
  expect((await read(sameUserAsManager)).cache).toBe('MISS');
  expect((await read(otherRep)).cache).toBe('MISS');
  expect(await read(sameUserInB)).toEqual({ cache: 'MISS', data: { deals: [{ id: b.dealId, name: 'B only', account: { name: 'Acme' } }] } });
  expect(await read(sameUserInB)).toEqual({ cache: 'HIT', data: { deals: [{ id: b.dealId, name: 'B only', account: { name: 'Acme' } }] } });
});

it('drops only the pipelines a sales event names, and what came from the changed subgraph', async () => {
  const tenantId = randomUUID();
  const { data, pipelineId } = seed(tenantId);
  const second = randomUUID();
  data.pipelines.set(second, { id: second, name: 'Renewals' });
  const token = await h.token({ tenantId });
  const pipeline = (id: string) => read(token, { ...PIPELINE, variables: { id } });

  await pipeline(pipelineId);
  await pipeline(second);
  await read(token);
  expect((await pipeline(pipelineId)).cache).toBe('HIT');

  data.pipelines.get(pipelineId)!.name = 'New business (renamed)';
  data.pipelines.get(second)!.name = 'Renewals (renamed)';
  await publish('sales', 'sales.pipeline.stages_changed', tenantId, { pipelineId, stages: [] });
  expect(await eventually(() => pipeline(pipelineId), (r) => r.cache === 'MISS')).toEqual({ cache: 'MISS', data: { pipeline: { name: 'New business (renamed)' } } });
  expect(await pipeline(second)).toEqual({ cache: 'HIT', data: { pipeline: { name: 'Renewals' } } });
  expect((await read(token)).cache).toBe('MISS'); // the board read is not scoped to one pipeline

  // an account rename (customer event) drops what was read from customer, not the sales-only answers
  await read(token);
  await publish('customer', 'customer.account.updated', tenantId, { accountId: randomUUID() });
  await eventually(() => read(token), (r) => r.cache === 'MISS');
  expect((await pipeline(second)).cache).toBe('HIT');
});

it('answers uncacheable operations as before, and counts hits and misses in /metrics', async () => {
  const tenantId = randomUUID();
  seed(tenantId);
  const token = await h.token({ tenantId });
  const whoami = await post(h.url, { query: '{ whoami { tenantId } }' }, { authorization: `Bearer ${token}` });
  expect(whoami.json.data).toEqual({ whoami: { tenantId } });
  expect(whoami.headers.get('x-crm-cache')).toBeNull();

  const metrics = await (await fetch(h.url.replace(/\/graphql$/, '/metrics'))).text();
  expect(metrics).toMatch(/gateway_response_cache_requests_total\{result="hit"\} [1-9]/);
  expect(metrics).toMatch(/gateway_response_cache_requests_total\{result="miss"\} [1-9]/);
  expect(metrics).toMatch(/gateway_response_cache_requests_total\{result="bypass"\} [1-9]/);
  expect(metrics).toMatch(/gateway_response_cache_invalidations_total\{source="event"\} [1-9]/);
  expect(metrics).toMatch(/gateway_response_cache_entries [1-9]/);
});

it('answers identical reads that arrive while the first is in flight with its answer', async () => {
  const tenantId = randomUUID();
  const { dealId } = seed(tenantId);
  const token = await h.token({ tenantId });
  const reads = await Promise.all(Array.from({ length: 6 }, () => read(token)));
  // one fetches, the others share its answer (or find it stored)
  expect(reads.map((r) => r.cache).sort()).toEqual(['HIT', 'HIT', 'HIT', 'HIT', 'HIT', 'MISS']);
  for (const r of reads) expect(r.data).toEqual({ deals: [{ id: dealId, name: 'Renewal', account: { name: 'Acme' } }] });
});
