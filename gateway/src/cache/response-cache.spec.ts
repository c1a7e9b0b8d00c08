import { describe, expect, it } from 'vitest';
import { createEvent } from '@crm/events';
import { buildSchema, parse } from '../graphql.ts';
import { createCachePolicy } from './cache-policy.ts';
import { invalidationOf } from './invalidation.ts';
import { ResponseCache, type CachedAnswer } from './response-cache.ts';

const answer = (tenantId: string, over: Partial<CachedAnswer> = {}): CachedAnswer => ({
  tenantId,
  data: { deals: [] },
  bytes: 100,
  subgraphs: new Set(['sales', 'customer']),
  pipelineIds: null,
  ...over,
});

describe('ResponseCache', () => {
  it('drops the least recently used entries beyond the byte and entry bounds', () => {
    const drops: string[] = [];
    const cache = new ResponseCache({ maxBytes: 250, maxEntries: 10 }, (reason, count) => drops.push(`${reason}:${count}`));
    cache.set('a', answer('t'), cache.token());
    cache.set('b', answer('t'), cache.token());
    expect(cache.get('a')).toBeDefined(); // a is now the most recently used
    cache.set('c', answer('t'), cache.token());
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBeDefined();
    expect(cache.get('c')).toBeDefined();
    expect(cache.stats()).toEqual({ entries: 2, bytes: 200 });
    expect(drops).toEqual(['evicted:1']);

    const few = new ResponseCache({ maxEntries: 2 });
    for (const key of ['a', 'b', 'c']) few.set(key, answer('t', { bytes: 1 }), few.token());
    expect(few.stats().entries).toBe(2);
    expect(few.get('a')).toBeUndefined();
    // an answer larger than the whole cache is refused
    expect(new ResponseCache({ maxBytes: 50 }).set('big', answer('t'), 0)).toBe(false);
  });

  it('expires entries after the ttl', () => {
    let now = 1_000;
    const cache = new ResponseCache({ ttlMs: 500, now: () => now });
    cache.set('a', answer('t'), cache.token());
    now += 499;
    expect(cache.get('a')).toBeDefined();
    now += 1;
    expect(cache.get('a')).toBeUndefined();
    expect(cache.stats()).toEqual({ entries: 0, bytes: 0 });
  });

  it('keeps an entry an event invalidated, marked stale, for staleMs, until a fresh answer replaces it', () => {
    let now = 1_000;
    const drops: string[] = [];
    const cache = new ResponseCache({ staleMs: 200, now: () => now }, (reason, count) => drops.push(`${reason}:${count}`));
    cache.set('board', answer('t', { data: { deals: ['old'] } }), cache.token());
    cache.set('other', answer('t2'), cache.token());
    expect(cache.get('board')?.stale).toBe(false);

    expect(cache.invalidate({ tenantId: 't', subgraph: 'sales' })).toBe(1);
    expect(cache.get('board')).toMatchObject({ stale: true, data: { deals: ['old'] } });
    expect(cache.get('other')?.stale).toBe(false); // another tenant's entry stays fresh
    now += 150;
    cache.invalidate({ tenantId: 't', subgraph: 'sales' }); // a second change does not extend the window
    now += 49;
    expect(cache.get('board')?.stale).toBe(true);
    now += 1;
    expect(cache.get('board')).toBeUndefined();
    expect(drops).toEqual(['invalidated:1']);

    // a refresh read after the change replaces the stale entry with a fresh one
    cache.set('board', answer('t', { data: { deals: ['old'] } }), cache.token());
    cache.invalidate({ tenantId: 't', subgraph: 'sales' });
    const refresh = cache.token();
    expect(cache.set('board', answer('t', { data: { deals: ['new'] } }), refresh)).toBe(true);
    expect(cache.get('board')).toMatchObject({ stale: false, data: { deals: ['new'] } });
    expect(cache.stats().entries).toBe(2);

    // a write through this instance drops the tenant's entries, stale or not
    cache.invalidate({ tenantId: 't', subgraph: 'sales' });
    expect(cache.invalidateTenant('t')).toBe(1);
    expect(cache.get('board')).toBeUndefined();
  });

  it('drops invalidated entries at once without staleMs', () => {
    const cache = new ResponseCache();
    cache.set('board', answer('t'), cache.token());
    expect(cache.invalidate({ tenantId: 't', subgraph: 'sales' })).toBe(1);
    expect(cache.get('board')).toBeUndefined();
  });

  it('refuses an answer read before its tenant was invalidated, and only then', () => {
    const cache = new ResponseCache();
    const before = cache.token();
    cache.invalidate({ tenantId: 't1', subgraph: 'sales' });
    expect(cache.set('a', answer('t1'), before)).toBe(false);
    expect(cache.set('b', answer('t2'), before)).toBe(true); // another tenant's answer is not affected
    expect(cache.set('c', answer('t1'), cache.token())).toBe(true);
    const beforeClear = cache.token();
    cache.clear();
    expect(cache.set('d', answer('t2'), beforeClear)).toBe(false);
  });

  it('forgets tenants beyond its bound by refusing every store in flight', () => {
    const cache = new ResponseCache({ maxTrackedTenants: 2 });
    const before = cache.token();
    cache.invalidate({ tenantId: 't1', subgraph: 'sales' });
    cache.invalidate({ tenantId: 't2', subgraph: 'sales' });
    cache.invalidate({ tenantId: 't3', subgraph: 'sales' });
    expect(cache.set('a', answer('t4'), before)).toBe(false);
    expect(cache.set('a', answer('t4'), cache.token())).toBe(true);
  });

  it('drops only the tenant entries built from the changed subgraph and pipeline', () => {
    const cache = new ResponseCache();
    const token = cache.token();
    cache.set('p1', answer('t1', { pipelineIds: new Set(['p1']) }), token);
    cache.set('p2', answer('t1', { pipelineIds: new Set(['p2']) }), token);
    cache.set('all', answer('t1'), token);
    cache.set('me', answer('t1', { subgraphs: new Set(['platform']) }), token);
    cache.set('other', answer('t2', { pipelineIds: new Set(['p1']) }), token);

    expect(cache.invalidate({ tenantId: 't1', subgraph: 'sales', pipelineIds: ['p1'] })).toBe(2);
    expect(['p1', 'p2', 'all', 'me', 'other'].filter((key) => cache.get(key))).toEqual(['p2', 'me', 'other']);
    expect(cache.invalidate({ tenantId: 't1', subgraph: 'customer' })).toBe(1);
    expect(cache.invalidate({ tenantId: 't1', subgraph: 'platform' })).toBe(1);
    expect(cache.invalidateTenant('t2')).toBe(1);
    expect(cache.stats()).toEqual({ entries: 0, bytes: 0 });
  });
});

describe('invalidationOf', () => {
  const event = (type: string, payload: Record<string, unknown>) =>
    createEvent({ type, tenantId: 't1', aggregateId: 'a', actor: { userId: null, kind: 'system' }, payload });

  it('reads the subgraph from the event type and the pipelines from sales payloads', () => {
    expect(invalidationOf(event('sales.deal.stage_changed', { pipelineId: 'p1', dealId: 'd' }))).toEqual({ tenantId: 't1', subgraph: 'sales', pipelineIds: ['p1'] });
    expect(invalidationOf(event('sales.deal.updated', { pipelineId: 'p2', previousPipelineId: 'p1' }))?.pipelineIds).toEqual(['p2', 'p1']);
    expect(invalidationOf(event('sales.activity.created', { dealId: 'd' }))).toEqual({ tenantId: 't1', subgraph: 'sales' });
    expect(invalidationOf(event('customer.account.updated', { accountId: 'x', pipelineId: 'p1' }))).toEqual({ tenantId: 't1', subgraph: 'customer' });
    expect(invalidationOf(event('platform.user.team_changed', {}))).toEqual({ tenantId: 't1', subgraph: 'platform' });
  });

  it('ignores reads, other subgraphs and events without a tenant', () => {
    expect(invalidationOf(event('sales.deal.viewed', { pipelineId: 'p1' }))).toBeNull();
    expect(invalidationOf(event('analytics.personal_data.erased', {}))).toBeNull();
    expect(invalidationOf(event('integration.webhook.delivered', {}))).toBeNull();
    expect(invalidationOf({ ...event('sales.deal.created', { pipelineId: 'p1' }), tenantId: '' })).toBeNull();
  });
});

describe('cache policy', () => {
  const schema = buildSchema(/* GraphQL */ `
    type Query { deals(pipelineId: ID!): [Deal!]! pipeline(id: ID!): Pipeline pipelines: [Pipeline!]! account(id: ID!): Account me: User }
    type Mutation { moveDeal(id: ID!): Deal }
    type Pipeline { id: ID! deals: [Deal!]! stages: [Stage!]! }
    type Stage { id: ID! name: String! pipeline: Pipeline! }
    type Deal { id: ID! stage: Stage! account: Account isStale: Boolean! timeline: [String!]! }
    type Account { id: ID! name: String! deals: [Deal!]! }
    type User { id: ID! }
  `);
  const policy = createCachePolicy();
  const decide = (query: string, operationName?: string) => policy.decide(schema, parse(query), operationName);

  it('caches board reads, scoped to the pipelines their root fields name', () => {
    const board = decide('query Board($p: ID!) { deals(pipelineId: $p) { id stage { name pipeline { id } } account { name } } }');
    expect(board.cacheable).toBe(true);
    if (!board.cacheable) return;
    expect(policy.pipelinesOf(board, { p: 'p1' })).toEqual(new Set(['p1']));
    const two = decide('{ a: deals(pipelineId: "p1") { id } b: pipeline(id: "p2") { stages { name } } }');
    expect(two.cacheable && policy.pipelinesOf(two, {})).toEqual(new Set(['p1', 'p2']));
    const fragment = decide('query { ...Root } fragment Root on Query { deals(pipelineId: "p3") { id } }');
    expect(fragment.cacheable && policy.pipelinesOf(fragment, {})).toEqual(new Set(['p3']));
  });

  it('does not scope answers that reach deals of other pipelines', () => {
    const viaAccount = decide('query($p: ID!) { deals(pipelineId: $p) { account { deals { id } } } }');
    expect(viaAccount.cacheable && policy.pipelinesOf(viaAccount, { p: 'p1' })).toBeNull();
    const all = decide('{ pipelines { id } }');
    expect(all.cacheable && policy.pipelinesOf(all, {})).toBeNull();
  });

  it('refuses mutations, other root fields and fields that change without an event', () => {
    expect(decide('mutation { moveDeal(id: "d") { id } }')).toEqual({ cacheable: false, reason: 'mutation' });
    expect(decide('{ me { id } }')).toEqual({ cacheable: false, reason: 'root field me' });
    expect(decide('{ deals(pipelineId: "p") { id } me { id } }').cacheable).toBe(false);
    expect(decide('{ deals(pipelineId: "p") { isStale } }')).toEqual({ cacheable: false, reason: 'field Deal.isStale' });
    expect(decide('{ deals(pipelineId: "p") { ...T } } fragment T on Deal { timeline }')).toEqual({ cacheable: false, reason: 'field Deal.timeline' });
    expect(decide('query A { pipelines { id } } query B { me { id } }', 'B').cacheable).toBe(false);
    expect(decide('query A { pipelines { id } } query B { me { id } }', 'A').cacheable).toBe(true);
  });
});
