/**
 * Response caching with event-driven invalidation.
 *
 * What is cached: the `data` of error-free answers to queries the cache policy accepts
 * (`cache/cache-policy.ts`: by default the pipeline board's reads, without time-dependent fields)
 * and whose query plan fetched only from subgraphs that publish an event for every change
 * (`subgraphs`, default sales, customer and platform). Anonymous requests, mutations,
 * subscriptions, partial answers and incremental delivery are never cached.
 *
 * Whose answer: the key is a SHA-256 of the caller's whole verified identity as the gateway
 * signs it for subgraphs (tenant, user, roles, API key, team and team members; everything but the
 * request id), the operation's text, its name and its variables. Two callers share an entry only
 * when the subgraphs would see the same caller, so an answer never crosses tenants, users, roles
 * or team facts.
 *
 * When it is dropped:
 * - a domain event of the tenant arrives (this instance's own consumer group on the sales,
 *   customer and platform topics; Kafka or the in-process bus): entries built from the event's
 *   subgraph go, and for a sales event naming a pipeline only the entries of that pipeline (and
 *   those not scoped to one), see `cache/invalidation.ts`;
 * - a mutation of the tenant passes through this gateway: all the tenant's entries go before its
 *   answer is sent, so callers read their own writes here at once, and on other instances once the
 *   write's event arrives;
 * - with `staleMs` (off by default), an entry a domain event invalidates is not dropped at once: the
 *   next identical read is answered from it at once (`x-crm-cache: STALE`) and starts one refresh
 *   in the background, run through the gateway as that caller; reads meanwhile get the stale entry
 *   too, until the refreshed answer replaces it or `staleMs` has passed. So a read after a change
 *   made elsewhere may be one refresh older than the change (its event had to arrive anyway);
 *   writes through this gateway still drop the tenant's entries at once;
 * - an answer read while its tenant was invalidated is not stored; entries expire after `ttlMs`
 *   (a safety net for changes that reach no event); memory is bounded by `maxBytes` and
 *   `maxEntries` (least recently used first).
 * Until the consumer receives (`ready`), nothing is cached.
 *
 * `cachedAnswer` reads a fresh entry under the same key without running the pipeline (BI reads
 * the gateway already answered once through it, `bi/useBiQueries.ts`); its answers count as hits.
 *
 * Responses of cacheable operations carry `x-crm-cache: HIT`, `STALE` or `MISS`. Metrics:
 * `gateway_response_cache_requests_total{result="hit"|"stale"|"miss"|"refresh"|"bypass"}`,
 * `gateway_response_cache_dropped_total{reason="invalidated"|"expired"|"evicted"}`,
 * `gateway_response_cache_invalidations_total{source="event"|"mutation"}`,
 * `gateway_response_cache_entries`, `gateway_response_cache_bytes`.
 */
import { randomUUID } from 'node:crypto';
import { HeaderMap, type ApolloServerPlugin } from '@apollo/server';
import type { Experimental_DidResolveQueryPlanCallback } from '@apollo/gateway';
import type { BusSubscription, EventBus } from '@crm/events';
import type { Identity, Logger } from '@crm/runtime';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { GatewayContext } from '../context.ts';
import type { GraphQLSchema } from '../graphql.ts';
import { createCachePolicy, type CacheDecision, type CachePolicyOptions } from '../cache/cache-policy.ts';
import { EVENT_SOURCED_SUBGRAPHS, INVALIDATION_TOPICS, invalidationOf } from '../cache/invalidation.ts';
import { ResponseCache, type ResponseCacheLimits } from '../cache/response-cache.ts';
import { callerKey, canonical } from '../cache/caller-key.ts';
import type { EntityCache } from '../cache/entity-cache.ts';

export interface ResponseCacheOptions extends ResponseCacheLimits, CachePolicyOptions {
  /**
   * Subgraphs whose answers may be cached; each must publish an event (on `crm.<name>.events`)
   * for every change of what it serves. Default sales, customer and platform.
   */
  subgraphs?: readonly string[];
  /** Consumer group prefix; a random suffix gives each gateway instance every event. Default `gateway.cache`. */
  groupPrefix?: string;
  /** Response header saying HIT or MISS. Default `x-crm-cache`. */
  header?: string;
  /** Keep entity fetches of accounts, contacts and users too (`cache/entity-cache.ts`). Default true. */
  entities?: boolean;
}

export interface ResponseCacheDependencies {
  bus: EventBus;
  logger: Logger;
  /** The public schema; undefined until the supergraph is loaded. */
  schema: () => GraphQLSchema | undefined;
  /** Where the cache's metrics are registered (the gateway's `/metrics`). */
  registry?: Registry;
  /**
   * Runs an operation through the gateway as `identity` with `responseCacheRefresh` set in its
   * context (refreshes stale entries; needed with `staleMs`).
   */
  refresh?: (request: { query: string; variables?: Record<string, unknown>; operationName?: string }, identity: Identity) => Promise<unknown>;
  /** Entity fetches kept by the subgraph data sources: dropped by the same events, kept only while they flow. */
  entities?: EntityCache;
}

/** A fresh cached answer, found without running the pipeline. */
export interface CachedRead {
  /** The answer's `data`, the very object the cache holds (the same until the entry changes). */
  data: Record<string, unknown>;
  /** Counts it as a hit, as the plugin counts an answer it gives (`stats().hits` and the metric); call once it is served. */
  hit(): void;
}

export interface ResponseCacheControl {
  /** Resolves once invalidation events are received (caching starts then). */
  readonly ready: Promise<void>;
  /**
   * The fresh entry the plugin would answer this request from, under the same key: the caller's
   * `identity` (as in the request's context), `queryHash` as Apollo gives it (the SHA-256 of the
   * document, also for a request by hash), the resolved operation's own name (null when it has
   * none, whatever name the request gave) and the request's variables. Undefined when the cache is
   * not on, the caller has no tenant, or the entry is missing or stale (the pipeline answers those,
   * and refreshes stale ones). Nothing is checked but the key: the caller decides whether this
   * request may be answered without the pipeline's checks.
   */
  cachedAnswer(identity: Identity, queryHash: string, operationName: string | null, variables: Record<string, unknown> | undefined): CachedRead | undefined;
  stats(): { entries: number; bytes: number; hits: number; stale: number; misses: number };
  /** Drops every entry. */
  clear(): void;
}

export interface ResponseCachePlugin extends ResponseCacheControl {
  plugin: ApolloServerPlugin<GatewayContext>;
  /** `experimental_didResolveQueryPlan` of `ApolloGateway`: records which subgraphs each request's plan fetches from. */
  didResolveQueryPlan: Experimental_DidResolveQueryPlanCallback;
  start(): Promise<void>;
  stop(): Promise<void>;
}

type QueryPlan = Parameters<Experimental_DidResolveQueryPlanCallback>[0]['queryPlan'];

/** A miss being answered: what it needs to be stored. */
interface Pending {
  key: string;
  token: number;
  tenantId: string;
  pipelineIds: ReadonlySet<string> | null;
  /** Set when this request leads: tells the identical reads waiting for it what it stored. */
  share?: (data: Record<string, unknown> | undefined) => void;
}

/** How long an identical read waits for the one in flight before running itself, ms. */
const SHARE_WAIT_MS = 5_000;

export function useResponseCache(options: ResponseCacheOptions, dependencies: ResponseCacheDependencies): ResponseCachePlugin {
  const { bus, logger } = dependencies;
  const header = options.header ?? 'x-crm-cache';
  const allowed = new Set(options.subgraphs ?? EVENT_SOURCED_SUBGRAPHS);
  const policy = createCachePolicy(options);
  const registers = dependencies.registry ? [dependencies.registry] : [];
  const requests = new Counter({ name: 'gateway_response_cache_requests_total', help: 'Queries by response cache outcome', labelNames: ['result'], registers });
  const dropped = new Counter({ name: 'gateway_response_cache_dropped_total', help: 'Response cache entries dropped', labelNames: ['reason'], registers });
  const invalidations = new Counter({ name: 'gateway_response_cache_invalidations_total', help: 'Invalidations applied', labelNames: ['source'], registers });
  const cache = new ResponseCache(options, (reason, count) => dropped.inc({ reason }, count));
  new Gauge({
    name: 'gateway_response_cache_entries',
    help: 'Entries in the response cache',
    registers,
    collect() {
      this.set(cache.stats().entries);
    },
  });
  new Gauge({
    name: 'gateway_response_cache_bytes',
    help: 'Serialized size of the answers in the response cache',
    registers,
    collect() {
      this.set(cache.stats().bytes);
    },
  });

  const plannedSubgraphs = new WeakMap<object, ReadonlySet<string>>();
  /** Misses being answered, by key: identical reads arriving meanwhile wait for the answer instead of fetching it again. */
  const inflight = new Map<string, Promise<Record<string, unknown> | undefined>>();
  const subgraphsOfPlan = new WeakMap<QueryPlan, ReadonlySet<string>>();
  let hits = 0;
  let staleHits = 0;
  let misses = 0;
  const countHit = () => {
    hits++;
    requests.inc({ result: 'hit' });
  };
  /** Keys whose stale entry is being refreshed in the background. */
  const refreshing = new Set<string>();

  /** Refreshes a stale entry as its caller, once at a time per key; its answer is stored by the refresh request itself. */
  function revalidate(key: string, identity: Identity, query: string, operationName: string | null, variables: Record<string, unknown> | undefined) {
    if (!dependencies.refresh || refreshing.has(key)) return;
    refreshing.add(key);
    dependencies
      .refresh({ query, ...(variables ? { variables } : {}), ...(operationName ? { operationName } : {}) }, identity)
      .catch((error: unknown) => logger.warn({ err: error }, 'response cache refresh failed; the entry is dropped when its stale time ends'))
      .finally(() => refreshing.delete(key));
  }

  /** Stores an error-free answer fetched only from allowed subgraphs; returns its data when stored. */
  function store(pending: Pending, result: { data?: Record<string, unknown> | null; errors?: readonly unknown[] }, subgraphs: ReadonlySet<string> | undefined) {
    const { data, errors } = result;
    if (errors?.length || !data || !subgraphs || subgraphs.size === 0) return undefined;
    for (const subgraph of subgraphs) if (!allowed.has(subgraph)) return undefined;
    const answer = { tenantId: pending.tenantId, data, bytes: JSON.stringify(data).length, subgraphs, pipelineIds: pending.pipelineIds };
    return cache.set(pending.key, answer, pending.token) ? data : undefined;
  }
  let active = false;
  let subscription: BusSubscription | undefined;
  let markReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => (markReady = resolve));

  return {
    ready,
    stats: () => ({ ...cache.stats(), hits, stale: staleHits, misses }),
    clear: () => cache.clear(),
    cachedAnswer(identity, queryHash, operationName, variables) {
      if (!active || !identity.tenantId) return undefined;
      const entry = cache.get(keyOf(identity, queryHash, operationName, variables));
      if (!entry || entry.stale) return undefined;
      return { data: entry.data, hit: countHit };
    },
    didResolveQueryPlan({ queryPlan, requestContext }) {
      let subgraphs = subgraphsOfPlan.get(queryPlan);
      if (!subgraphs) subgraphsOfPlan.set(queryPlan, (subgraphs = fetchedSubgraphs(queryPlan)));
      const context: unknown = requestContext.context;
      if (typeof context === 'object' && context !== null) plannedSubgraphs.set(context, subgraphs);
    },
    plugin: {
      async requestDidStart() {
        let pending: Pending | undefined;
        return {
          async responseForOperation({ operation, document, operationName, request, contextValue, queryHash, source, response }) {
            const tenantId = contextValue.identity.tenantId;
            const schema = dependencies.schema();
            if (!active || !tenantId || !schema || operation.operation !== 'query') return null;
            const decision: CacheDecision = policy.decide(schema, document, operationName);
            if (!decision.cacheable) {
              requests.inc({ result: 'bypass' });
              return null;
            }
            const key = keyOf(contextValue.identity, queryHash ?? source, operationName, request.variables);
            const hit = (data: Record<string, unknown>, result: 'HIT' | 'STALE' = 'HIT') => {
              if (result === 'HIT') countHit();
              else {
                staleHits++;
                requests.inc({ result: 'stale' });
              }
              return { http: { headers: new HeaderMap([[header, result]]) }, body: { kind: 'single' as const, singleResult: { data } } };
            };
            const refresh = contextValue.responseCacheRefresh === true;
            if (!refresh) {
              const entry = cache.get(key);
              if (entry && !entry.stale) return hit(entry.data);
              if (entry && source) {
                revalidate(key, contextValue.identity, source, operationName, request.variables);
                return hit(entry.data, 'STALE');
              }
              // An identical read in flight: its answer is shared only if it was stored, i.e. nothing of
              // the tenant was invalidated since it started (so not since this request arrived either).
              const leader = inflight.get(key);
              if (leader) {
                const shared = await Promise.race([leader, new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), SHARE_WAIT_MS).unref())]);
                if (shared) return hit(shared);
                if (inflight.get(key) === leader) inflight.delete(key); // a leader that never answered does not hold up later reads
              }
              misses++;
            }
            requests.inc({ result: refresh ? 'refresh' : 'miss' });
            response.http.headers.set(header, 'MISS');
            pending = { key, token: cache.token(), tenantId, pipelineIds: policy.pipelinesOf(decision, request.variables) };
            if (!inflight.has(key)) {
              let share: (data: Record<string, unknown> | undefined) => void = () => {};
              inflight.set(key, new Promise((resolve) => (share = resolve)));
              pending.share = (data) => {
                inflight.delete(key);
                share(data);
              };
            }
            return null;
          },
          async willSendResponse({ operation, contextValue, response }) {
            const tenantId = contextValue.identity.tenantId;
            if (operation?.operation === 'mutation' && tenantId) {
              // before the answer leaves: the caller's next read must see the write
              cache.invalidateTenant(tenantId);
              invalidations.inc({ source: 'mutation' });
              return;
            }
            if (!pending) return;
            const stored = response.body.kind === 'single' ? store(pending, response.body.singleResult, plannedSubgraphs.get(contextValue)) : undefined;
            pending.share?.(stored);
          },
        };
      },
    },
    async start() {
      subscription = await bus.subscribe({
        groupId: `${options.groupPrefix ?? 'gateway.cache'}.${randomUUID()}`,
        topics: [...INVALIDATION_TOPICS],
        fromBeginning: false,
        handler: async (event) => {
          const change = invalidationOf(event, [...allowed]);
          if (!change) return;
          cache.invalidate(change);
          dependencies.entities?.invalidate(change);
          invalidations.inc({ source: 'event' });
        },
      });
      await subscription.ready;
      active = true;
      dependencies.entities?.activate();
      markReady();
      logger.info({ subgraphs: [...allowed] }, 'response cache on');
    },
    async stop() {
      active = false;
      dependencies.entities?.deactivate();
      await subscription?.stop();
      subscription = undefined;
      cache.clear();
    },
  };
}

/** The caller as subgraphs see them (everything signed but the request id), with what they asked. */
function keyOf(identity: Identity, query: string, operationName: string | null, variables: Record<string, unknown> | undefined): string {
  return callerKey(identity, query, operationName ?? '', canonical(variables ?? {}));
}

/** Every subgraph a query plan fetches from. */
function fetchedSubgraphs(plan: QueryPlan): ReadonlySet<string> {
  const names = new Set<string>();
  const walk = (node: unknown): void => {
    if (!node || typeof node !== 'object') return;
    if (Array.isArray(node)) return node.forEach(walk);
    const record = node as Record<string, unknown>;
    if (record['kind'] === 'Fetch' && typeof record['serviceName'] === 'string') {
      names.add(record['serviceName']);
      return;
    }
    for (const [name, value] of Object.entries(record)) if (name !== 'operation' && name !== 'operationDocumentNode') walk(value);
  };
  walk(plan.node);
  return names;
}
