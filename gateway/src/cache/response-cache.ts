/**
 * The gateway's response cache: answers of read operations, in memory, per gateway instance.
 *
 * - Bounded: at most `maxEntries` entries and `maxBytes` bytes of answers (the serialized size),
 *   least recently used dropped first; every entry also expires `ttlMs` after it was stored, a
 *   safety net for changes that reach no event.
 * - Each entry belongs to one tenant and records what it was built from: the subgraphs its query
 *   plan fetched from, and, when every root field reads one pipeline, those pipelines.
 *   `invalidate({ tenantId, subgraph, pipelineIds })` drops the tenant's entries built from that
 *   subgraph (only those of the given pipelines, or not scoped to pipelines, when pipelines are
 *   given); `invalidateTenant` drops all of a tenant's entries.
 * - Reads racing writes: a request takes a `token()` before it runs and offers its answer with it;
 *   the answer is refused when anything of its tenant was invalidated in between (it may have been
 *   read before the change), so an answer never outlives the change that made it stale.
 * - Serving stale while refreshing (`staleMs` > 0, off by default): an entry an event invalidates
 *   is kept, marked stale, for at most `staleMs`; `get` returns it with `stale: true` so the caller
 *   can answer at once and refresh it in the background, and the refreshed answer replaces it.
 *   Past `staleMs` it is dropped. `invalidateTenant` (a write through this instance) always drops.
 */

export interface ResponseCacheLimits {
  /** Largest total size of the answers held, bytes. Default 64 MiB. */
  maxBytes?: number;
  /** Most entries held. Default 10 000. */
  maxEntries?: number;
  /** Lifetime of an entry, ms. Default 60 000. */
  ttlMs?: number;
  /**
   * How long an entry invalidated by `invalidate` may still be returned (marked stale) while it is
   * being refreshed, ms. Default 0: invalidated entries are dropped at once.
   */
  staleMs?: number;
  /** Tenants whose last invalidation is remembered before the memory is reset (refusing stores in flight). Default 100 000. */
  maxTrackedTenants?: number;
  /** Clock, ms. Default `Date.now`. */
  now?: () => number;
}

export const RESPONSE_CACHE_LIMITS = { maxBytes: 64 * 1024 * 1024, maxEntries: 10_000, ttlMs: 60_000, staleMs: 0, maxTrackedTenants: 100_000 } as const;

export interface CachedAnswer {
  tenantId: string;
  /** The answer's `data`; treated as immutable once stored. */
  data: Record<string, unknown>;
  /** Serialized size of `data`, bytes. */
  bytes: number;
  /** Subgraphs the answer was fetched from. */
  subgraphs: ReadonlySet<string>;
  /** The pipelines every root field reads, or null when the answer is not scoped to pipelines. */
  pipelineIds: ReadonlySet<string> | null;
}

interface Entry extends CachedAnswer {
  key: string;
  expiresAt: number;
  /** When an event invalidated it (kept for `staleMs` while it is refreshed); undefined while fresh. */
  staleSince?: number;
}

/** An entry as `get` returns it: stale when a change invalidated it and it awaits its refresh. */
export interface CacheLookup extends CachedAnswer {
  stale: boolean;
}

export interface Invalidation {
  tenantId: string;
  /** The subgraph whose data changed. */
  subgraph: string;
  /** The pipelines the change is about; empty or absent: any of the tenant's data in that subgraph. */
  pipelineIds?: readonly string[];
}

export type DropReason = 'invalidated' | 'expired' | 'evicted';

export class ResponseCache {
  private readonly entries = new Map<string, Entry>();
  private readonly byTenant = new Map<string, Set<string>>();
  /** Invalidation sequence: each invalidation of a tenant records the sequence number it took. */
  private sequence = 0;
  private readonly invalidatedAt = new Map<string, number>();
  /** Tenants not in `invalidatedAt` count as invalidated at `floor` (raised when the map is reset). */
  private floor = 0;
  private size = 0;
  private readonly maxBytes: number;
  private readonly maxEntries: number;
  private readonly ttlMs: number;
  private readonly staleMs: number;
  private readonly maxTrackedTenants: number;
  private readonly now: () => number;

  constructor(
    limits: ResponseCacheLimits = {},
    private readonly onDrop: (reason: DropReason, count: number) => void = () => {},
  ) {
    this.maxBytes = limits.maxBytes ?? RESPONSE_CACHE_LIMITS.maxBytes;
    this.maxEntries = limits.maxEntries ?? RESPONSE_CACHE_LIMITS.maxEntries;
    this.ttlMs = limits.ttlMs ?? RESPONSE_CACHE_LIMITS.ttlMs;
    this.staleMs = limits.staleMs ?? RESPONSE_CACHE_LIMITS.staleMs;
    this.maxTrackedTenants = limits.maxTrackedTenants ?? RESPONSE_CACHE_LIMITS.maxTrackedTenants;
    this.now = limits.now ?? Date.now;
  }

  /** Taken before a request runs; `set` refuses the answer when the tenant was invalidated since. */
  token(): number {
    return this.sequence;
  }

  get(key: string): CacheLookup | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    const now = this.now();
    if (entry.expiresAt <= now) {
      this.remove(entry);
      this.onDrop('expired', 1);
      return undefined;
    }
    if (entry.staleSince !== undefined && now - entry.staleSince >= this.staleMs) {
      this.remove(entry);
      this.onDrop('invalidated', 1);
      return undefined;
    }
    // most recently used last
    this.entries.delete(key);
    this.entries.set(key, entry);
    return { ...entry, stale: entry.staleSince !== undefined };
  }

  /** Stores an answer read after `token` was taken. Returns false when it was refused (stale or too large). */
  set(key: string, answer: CachedAnswer, token: number): boolean {
    if ((this.invalidatedAt.get(answer.tenantId) ?? this.floor) > token) return false;
    if (answer.bytes > this.maxBytes) return false;
    const previous = this.entries.get(key);
    if (previous) this.remove(previous);
    const entry: Entry = { ...answer, key, expiresAt: this.now() + this.ttlMs };
    this.entries.set(key, entry);
    let keys = this.byTenant.get(answer.tenantId);
    if (!keys) this.byTenant.set(answer.tenantId, (keys = new Set()));
    keys.add(key);
    this.size += answer.bytes;
    let evicted = 0;
    while (this.entries.size > this.maxEntries || this.size > this.maxBytes) {
      const oldest = this.entries.values().next().value;
      if (!oldest) break;
      this.remove(oldest);
      evicted++;
    }
    if (evicted) this.onDrop('evicted', evicted);
    return true;
  }

  /**
   * Invalidates the tenant's entries built from the changed subgraph (and pipelines): drops them, or
   * with `staleMs` marks them stale (an entry already stale keeps the moment it first went stale).
   * Returns how many.
   */
  invalidate(change: Invalidation): number {
    this.markInvalidated(change.tenantId);
    const keys = this.byTenant.get(change.tenantId);
    if (!keys) return 0;
    const pipelines = change.pipelineIds?.length ? change.pipelineIds : null;
    const now = this.now();
    let dropped = 0;
    let marked = 0;
    for (const key of [...keys]) {
      const entry = this.entries.get(key);
      if (!entry || !entry.subgraphs.has(change.subgraph)) continue;
      if (pipelines && entry.pipelineIds && !pipelines.some((id) => entry.pipelineIds!.has(id))) continue;
      if (this.staleMs > 0) {
        entry.staleSince ??= now;
        marked++;
      } else {
        this.remove(entry);
        dropped++;
      }
    }
    if (dropped) this.onDrop('invalidated', dropped);
    return dropped + marked;
  }

  /** Drops every entry of the tenant. Returns how many. */
  invalidateTenant(tenantId: string): number {
    this.markInvalidated(tenantId);
    const keys = this.byTenant.get(tenantId);
    if (!keys) return 0;
    let dropped = 0;
    for (const key of [...keys]) {
      const entry = this.entries.get(key);
      if (entry) {
        this.remove(entry);
        dropped++;
      }
    }
    if (dropped) this.onDrop('invalidated', dropped);
    return dropped;
  }

  /** Drops everything, and refuses answers read before. */
  clear(): void {
    this.sequence++;
    this.floor = this.sequence;
    this.invalidatedAt.clear();
    this.entries.clear();
    this.byTenant.clear();
    this.size = 0;
  }

  stats(): { entries: number; bytes: number } {
    return { entries: this.entries.size, bytes: this.size };
  }

  private markInvalidated(tenantId: string): void {
    this.sequence++;
    if (this.invalidatedAt.size >= this.maxTrackedTenants && !this.invalidatedAt.has(tenantId)) {
      // forget every tenant's moment at once: all of them now count as invalidated just now
      this.invalidatedAt.clear();
      this.floor = this.sequence;
      return;
    }
    this.invalidatedAt.set(tenantId, this.sequence);
  }

  private remove(entry: Entry): void {
    this.entries.delete(entry.key);
    this.size -= entry.bytes;
    const keys = this.byTenant.get(entry.tenantId);
    keys?.delete(entry.key);
    if (keys && keys.size === 0) this.byTenant.delete(entry.tenantId);
  }
}
