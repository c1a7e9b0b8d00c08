/**
 * Entity fetches kept between operations: the answers of `_entities` requests for records that
 * change only with an event of their subgraph (accounts and contacts, users), per caller.
 *
 * A board's cards, a live board's events, a deal page: each resolves the same account and owner
 * again and again through the customer and platform subgraphs. This cache keeps the subgraph's
 * answer to one `_entities` request (its exact text: same representations, same selection) for the
 * caller who asked, and answers the next identical request from it, so the subgraph is not asked.
 *
 * - Whose answer: the key holds the caller's whole signed identity (as the response cache's), the
 *   subgraph and the request; an answer never crosses tenants, users, roles or team facts.
 * - What: error-free answers of requests whose every representation is of a type in `types`
 *   (default: customer `Account` and `Contact`, platform `User`) and whose selection names no
 *   field in `uncacheableFields` (values that change with time alone, or read from the audit trail).
 * - When it is dropped: on every event of the record's subgraph for the tenant (the response
 *   cache's consumer passes them on), on every mutation of the tenant sent to that subgraph through
 *   this gateway (before it is sent and again once it is answered; a write's effects on other
 *   subgraphs reach them as events), after `ttlMs`, and least recently used first past
 *   `maxEntries` / `maxBytes`. A fetch racing an invalidation is not stored (the tenant's token).
 * - Until the response cache's consumer receives events (`activate`), nothing is kept.
 */
import { Counter, type Registry } from 'prom-client';
import type { Identity } from '@crm/runtime';
import { callerKey } from './caller-key.ts';
import { ResponseCache, type Invalidation, type ResponseCacheLimits } from './response-cache.ts';

export interface EntityCacheOptions extends Pick<ResponseCacheLimits, 'maxBytes' | 'maxEntries' | 'ttlMs' | 'now'> {
  /** Entity types kept, per subgraph. Default customer `Account`, `Contact`; platform `User`. */
  types?: Readonly<Record<string, readonly string[]>>;
  /** Field names that keep a request out of the cache. Default `timeline`, `isStale`, `warnings`, `isOverdue`. */
  uncacheableFields?: readonly string[];
  registry?: Registry;
}

export const ENTITY_CACHE_TYPES: Readonly<Record<string, readonly string[]>> = { customer: ['Account', 'Contact'], platform: ['User'] };
const UNCACHEABLE_FIELDS = ['timeline', 'isStale', 'warnings', 'isOverdue'];
const DEFAULT_LIMITS = { maxEntries: 20_000, maxBytes: 32 * 1024 * 1024, ttlMs: 60_000 } as const;

/** A subgraph's answer as received: kept as text, so every reader parses its own copy. */
export interface CachedFetch {
  status: number;
  contentType: string;
  body: string;
}

/**
 * Entries are held per tenant and subgraph, so that a change in one subgraph (a deal moved) neither
 * drops nor refuses the tenant's entries from another (its accounts, its users).
 */
const scope = (tenantId: string, subgraph: string) => `${tenantId}\u0000${subgraph}`;

export class EntityCache {
  private readonly store: ResponseCache;
  private readonly types: ReadonlyMap<string, ReadonlySet<string>>;
  private readonly denied: RegExp;
  private readonly requests: Counter<'subgraph' | 'result'>;
  private active = false;

  constructor(options: EntityCacheOptions = {}) {
    this.store = new ResponseCache({ ...DEFAULT_LIMITS, ...options, staleMs: 0 });
    this.types = new Map(Object.entries(options.types ?? ENTITY_CACHE_TYPES).map(([subgraph, names]) => [subgraph, new Set(names)]));
    const fields = options.uncacheableFields ?? UNCACHEABLE_FIELDS;
    this.denied = new RegExp(`\\b(${fields.map((f) => f.replace(/[^A-Za-z0-9_]/g, '')).join('|')})\\b`);
    this.requests = new Counter({
      name: 'gateway_entity_cache_requests_total',
      help: 'Entity fetches by entity cache outcome',
      labelNames: ['subgraph', 'result'],
      registers: options.registry ? [options.registry] : [],
    });
  }

  /**
   * The cache key of an entity fetch, or undefined when it may not be kept: no tenant, a subgraph
   * or an entity type not kept, or an uncacheable field.
   */
  keyOf(subgraph: string, identity: Identity, query: string, representations: unknown, body: string): string | undefined {
    if (!this.active || !identity.tenantId) return undefined;
    const kept = this.types.get(subgraph);
    if (!kept || !Array.isArray(representations) || representations.length === 0 || !query.includes('_entities')) return undefined;
    for (const representation of representations) {
      const typename = representation && typeof representation === 'object' ? (representation as { __typename?: unknown }).__typename : undefined;
      if (typeof typename !== 'string' || !kept.has(typename)) return undefined;
    }
    if (this.denied.test(query)) return undefined;
    return callerKey(identity, `${subgraph}\n${body}`);
  }

  /** A kept answer (counted as a hit), or undefined (a miss). */
  get(subgraph: string, key: string): CachedFetch | undefined {
    const entry = this.store.get(key);
    this.requests.inc({ subgraph, result: entry ? 'hit' : 'miss' });
    return entry ? (entry.data as unknown as CachedFetch) : undefined;
  }

  /** Taken before the fetch is sent; an answer is refused when the tenant was invalidated since. */
  token(): number {
    return this.store.token();
  }

  /** Keeps an error-free JSON answer of the fetch. */
  set(subgraph: string, key: string, tenantId: string, response: CachedFetch, token: number): void {
    if (response.status < 200 || response.status >= 300 || !response.contentType.includes('json')) return;
    if (!/^\{"data":/.test(response.body) || response.body.includes('"errors":')) return;
    this.store.set(key, { tenantId: scope(tenantId, subgraph), data: response as unknown as Record<string, unknown>, bytes: response.body.length, subgraphs: new Set([subgraph]), pipelineIds: null }, token);
  }

  /**
   * A domain event, or a write sent to the subgraph through this gateway: drops the tenant's entries
   * from that subgraph (a deal moved leaves accounts and users alone).
   */
  invalidate(change: Invalidation): void {
    if (this.types.has(change.subgraph)) this.store.invalidate({ tenantId: scope(change.tenantId, change.subgraph), subgraph: change.subgraph });
  }

  /** Starts keeping answers (the invalidation events are flowing). */
  activate(): void {
    this.active = true;
  }

  /** Stops keeping answers and drops them all. */
  deactivate(): void {
    this.active = false;
    this.store.clear();
  }

  stats(): { entries: number; bytes: number } {
    return this.store.stats();
  }
}
