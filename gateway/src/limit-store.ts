/**
 * Counters behind rate limits and cost budgets: Redis (atomic Lua scripts, shared by every
 * gateway replica) or memory (one process).
 *
 * When Redis cannot answer within `timeoutMs` the store FAILS OPEN: the request is counted by a
 * bounded in-process fallback instead (same algorithm, at most `fallbackKeys` keys), and a warning
 * is logged at most once per `warnEveryMs`. A Redis outage therefore never turns the whole API
 * into errors, while each replica still enforces the limits on its own traffic.
 *
 * Over Redis, `createLimitStore` counts most requests locally and sends the counts in batches
 * (`batched-limit-store.ts`); requests near a limit are still checked here, exactly.
 */
import { RedisCache, type Cache, type Logger } from '@crm/runtime';
import type { Redis } from 'ioredis';
import { BatchedLimitStore, type BatchedLimitStoreOptions } from './batched-limit-store.ts';

export interface WindowResult {
  allowed: boolean;
  /** Requests counted in the current window, including this one when allowed. */
  used: number;
  /** Milliseconds until the window has room again (0 when allowed). */
  retryAfterMs: number;
  /** Milliseconds until the window fully resets. */
  resetMs: number;
}

export interface LimitStore {
  /**
   * Sliding-window counter (weighted previous + current fixed window): counts one hit under
   * `key` unless `limit` hits already happened in the last `windowMs`.
   */
  hit(key: string, limit: number, windowMs: number, now?: number): Promise<WindowResult>;
  /**
   * Several sliding windows at once (e.g. tenant and user), atomically and in one round trip:
   * the hit is counted in all of them, or, when any is full, in none. One result per entry.
   */
  hitAll(entries: ReadonlyArray<{ key: string; limit: number }>, windowMs: number, now?: number): Promise<WindowResult[]>;
  /** Adds `amount` points to `key` for the current fixed window unless that passes `budget`. */
  spend(key: string, amount: number, budget: number, windowMs: number, now?: number): Promise<WindowResult>;
  /** Where the last answer came from: the shared store or the local fallback. */
  readonly mode: 'redis' | 'memory' | 'fallback';
}

export interface LimitStoreOptions {
  /** Longest wait for Redis before falling back, ms. Default 250. */
  timeoutMs?: number;
  /** Keys the local fallback keeps at most (oldest dropped). Default 10 000. */
  fallbackKeys?: number;
  /** Least time between two "Redis unavailable" warnings, ms. Default 30 000. */
  warnEveryMs?: number;
  /** Key prefix in Redis. Default `crm:`. */
  prefix?: string;
  /** Local counting shared in batches (see `batched-limit-store.ts`); false asks Redis on every request. Default on. */
  batching?: BatchedLimitStoreOptions | false;
}

// KEYS: the windows; ARGV: window, now, then one limit per key. Reply: allowed, start, then per
// key its count (including this hit when allowed) and its previous window's count.
const SLIDING_WINDOWS = `
local window = tonumber(ARGV[1])
local now = tonumber(ARGV[2])
local start = now - (now % window)
local weight = (window - (now - start)) / window
local reply = {1, start}
for i, key in ipairs(KEYS) do
  local current = tonumber(redis.call('GET', key .. ':' .. start) or '0')
  local previous = tonumber(redis.call('GET', key .. ':' .. (start - window)) or '0')
  local used = math.floor(previous * weight) + current
  if used >= tonumber(ARGV[2 + i]) then reply[1] = 0 end
  reply[#reply + 1] = current
  reply[#reply + 1] = previous
end
if reply[1] == 1 then
  for i, key in ipairs(KEYS) do
    redis.call('INCR', key .. ':' .. start)
    redis.call('PEXPIRE', key .. ':' .. start, window * 2)
    reply[1 + 2 * i] = reply[1 + 2 * i] + 1
  end
end
return reply
`;

const BUDGET = `
local window = tonumber(ARGV[1])
local budget = tonumber(ARGV[2])
local amount = tonumber(ARGV[3])
local now = tonumber(ARGV[4])
local start = now - (now % window)
local key = KEYS[1] .. ':' .. start
local used = tonumber(redis.call('GET', key) or '0')
if used + amount > budget then return {0, used, start} end
used = redis.call('INCRBY', key, amount)
redis.call('PEXPIRE', key, window * 2)
return {1, used, start}
`;

// KEYS: pairs of (a window's key, the key of the window before it); ARGV: per pair, the amount to
// add to the first and its expiry (ms). Reply: per pair, the first's count after adding, then the second's count.
const ADD_COUNTS = `
local reply = {}
for i = 1, #KEYS, 2 do
  local pair = (i + 1) / 2
  local amount = tonumber(ARGV[2 * pair - 1])
  local current
  if amount > 0 then
    current = redis.call('INCRBY', KEYS[i], amount)
    redis.call('PEXPIRE', KEYS[i], ARGV[2 * pair])
  else
    current = tonumber(redis.call('GET', KEYS[i]) or '0')
  end
  reply[#reply + 1] = current
  reply[#reply + 1] = tonumber(redis.call('GET', KEYS[i + 1]) or '0')
end
return reply
`;

type ScriptReply = [number, number, number];
type ScriptedRedis = Redis & {
  crmSlidingWindows(...args: Array<string | number>): Promise<number[]>;
  crmBudget(key: string, window: number, budget: number, amount: number, now: number): Promise<ScriptReply>;
  crmAddCounts(...args: Array<string | number>): Promise<number[]>;
};

/** A window's counts as stored: the current fixed window's and the one before it. */
export interface WindowCounts {
  current: number;
  previous: number;
}

/** A hit counted (or refused) by the shared store, with the counts it saw. */
export interface CountedHit {
  allowed: boolean;
  /** Start of the current fixed window, ms. */
  start: number;
  /** Per entry, its counts after the hit (or the refusal). */
  counts: WindowCounts[];
}

/** An amount to add to a window's count without any limit (counts already admitted elsewhere). */
export interface CountAddition {
  key: string;
  /** Start of the fixed window the amount belongs to, ms. */
  start: number;
  windowMs: number;
  amount: number;
}

export function result(allowed: boolean, used: number, start: number, windowMs: number, now: number, retryWhenDenied: number): WindowResult {
  const resetMs = Math.max(0, start + windowMs - now);
  return { allowed, used, retryAfterMs: allowed ? 0 : Math.max(1, retryWhenDenied), resetMs };
}

/** In-process counters with the same semantics as the Redis scripts. */
export class MemoryLimitStore implements LimitStore {
  readonly mode = 'memory' as const;
  private readonly counts = new Map<string, number>();
  constructor(private readonly maxKeys = 10_000) {}

  private read(key: string) {
    return this.counts.get(key) ?? 0;
  }
  private write(key: string, value: number) {
    if (!this.counts.has(key) && this.counts.size >= this.maxKeys) {
      const oldest = this.counts.keys().next().value;
      if (oldest !== undefined) this.counts.delete(oldest);
    }
    this.counts.set(key, value);
  }

  async hit(key: string, limit: number, windowMs: number, now = Date.now()): Promise<WindowResult> {
    return (await this.hitAll([{ key, limit }], windowMs, now))[0]!;
  }

  async hitAll(entries: ReadonlyArray<{ key: string; limit: number }>, windowMs: number, now = Date.now()): Promise<WindowResult[]> {
    const start = now - (now % windowMs);
    const counts = entries.map(({ key }) => ({ current: this.read(`${key}:${start}`), previous: this.read(`${key}:${start - windowMs}`) }));
    const allowed = entries.every(({ limit }, i) => slidingCount(counts[i]!.previous, counts[i]!.current, start, windowMs, now) < limit);
    if (allowed) entries.forEach(({ key }, i) => this.write(`${key}:${start}`, ++counts[i]!.current));
    return entries.map(({ limit }, i) => slidingResult(allowed, counts[i]!.previous, counts[i]!.current, limit, start, windowMs, now));
  }

  async spend(key: string, amount: number, budget: number, windowMs: number, now = Date.now()): Promise<WindowResult> {
    const start = now - (now % windowMs);
    const used = this.read(`${key}:${start}`);
    if (used + amount > budget) return result(false, used, start, windowMs, now, start + windowMs - now);
    this.write(`${key}:${start}`, used + amount);
    return result(true, used + amount, start, windowMs, now, 0);
  }
}

export const slidingCount = (previous: number, current: number, start: number, windowMs: number, now: number) =>
  Math.floor(previous * ((windowMs - (now - start)) / windowMs)) + current;

/** The result of one sliding window, from its counts after the hit (or refusal). */
export function slidingResult(allowed: boolean, previous: number, current: number, limit: number, start: number, windowMs: number, now: number): WindowResult {
  const used = slidingCount(previous, current, start, windowMs, now);
  const full = used >= limit;
  return result(allowed, used, start, windowMs, now, !allowed && full ? retryForSlidingWindow(previous, current, limit, start, windowMs, now) : 1);
}

/**
 * When a sliding window has room again: the previous window's weight shrinks linearly, so the
 * wait is the time until `previous * weight + current` drops below `limit` (or the next window).
 */
function retryForSlidingWindow(previous: number, current: number, limit: number, start: number, windowMs: number, now: number): number {
  const untilNextWindow = start + windowMs - now;
  if (current >= limit || previous === 0) return untilNextWindow;
  // previous * (windowMs - t) / windowMs + current < limit  <=>  t > windowMs * (1 - (limit - current) / previous)
  const t = windowMs * (1 - (limit - current) / previous);
  return Math.min(untilNextWindow, Math.max(1, Math.ceil(t - (now - start))));
}

/** Redis-backed counters with a local fallback (fail-open, see the file comment). */
export class RedisLimitStore implements LimitStore {
  private readonly redis: ScriptedRedis;
  /** Where hits are counted while Redis cannot answer. */
  readonly fallback: MemoryLimitStore;
  private readonly timeoutMs: number;
  private readonly warnEveryMs: number;
  private readonly prefix: string;
  private lastWarning = 0;
  mode: 'redis' | 'fallback' = 'redis';

  constructor(
    redis: Redis,
    private readonly logger: Logger,
    options: LimitStoreOptions = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? 250;
    this.warnEveryMs = options.warnEveryMs ?? 30_000;
    this.prefix = options.prefix ?? 'crm:';
    this.fallback = new MemoryLimitStore(options.fallbackKeys ?? 10_000);
    if (!('crmSlidingWindows' in redis)) {
      redis.defineCommand('crmSlidingWindows', { lua: SLIDING_WINDOWS });
      redis.defineCommand('crmBudget', { numberOfKeys: 1, lua: BUDGET });
      redis.defineCommand('crmAddCounts', { lua: ADD_COUNTS });
    }
    this.redis = redis as ScriptedRedis;
  }

  async hit(key: string, limit: number, windowMs: number, now = Date.now()): Promise<WindowResult> {
    return (await this.hitAll([{ key, limit }], windowMs, now))[0]!;
  }

  async hitAll(entries: ReadonlyArray<{ key: string; limit: number }>, windowMs: number, now = Date.now()): Promise<WindowResult[]> {
    const counted = await this.countHit(entries, windowMs, now);
    if (!counted) return this.fallback.hitAll(entries, windowMs, now);
    return entries.map(({ limit }, i) => slidingResult(counted.allowed, counted.counts[i]!.previous, counted.counts[i]!.current, limit, counted.start, windowMs, now));
  }

  /** `hitAll` in Redis, with the counts it saw; undefined when Redis could not answer (nothing was counted). */
  async countHit(entries: ReadonlyArray<{ key: string; limit: number }>, windowMs: number, now = Date.now()): Promise<CountedHit | undefined> {
    const args = [entries.length, ...entries.map((e) => this.prefix + e.key), windowMs, now, ...entries.map((e) => e.limit)];
    const reply = await this.ask(() => this.redis.crmSlidingWindows(...args));
    if (!reply) return undefined;
    return { allowed: reply[0] === 1, start: reply[1]!, counts: entries.map((_, i) => ({ current: reply[2 + 2 * i]!, previous: reply[3 + 2 * i]! })) };
  }

  async spend(key: string, amount: number, budget: number, windowMs: number, now = Date.now()): Promise<WindowResult> {
    const spent = await this.countSpend(key, amount, budget, windowMs, now);
    if (!spent) return this.fallback.spend(key, amount, budget, windowMs, now);
    return result(spent.allowed, spent.used, spent.start, windowMs, now, spent.start + windowMs - now);
  }

  /** `spend` in Redis, with the window's count after it; undefined when Redis could not answer (nothing was spent). */
  async countSpend(key: string, amount: number, budget: number, windowMs: number, now = Date.now()): Promise<{ allowed: boolean; used: number; start: number } | undefined> {
    const reply = await this.ask(() => this.redis.crmBudget(this.prefix + key, windowMs, budget, amount, now));
    if (!reply) return undefined;
    const [allowed, used, start] = reply;
    return { allowed: allowed === 1, used, start };
  }

  /**
   * Adds amounts to windows' counts, whatever their limits, in one round trip (counts admitted by a
   * replica on its own, see `batched-limit-store.ts`). Returns each window's counts after the
   * addition; undefined when Redis could not answer (nothing was added).
   */
  async add(additions: readonly CountAddition[]): Promise<WindowCounts[] | undefined> {
    const keys = additions.flatMap(({ key, start, windowMs }) => [`${this.prefix}${key}:${start}`, `${this.prefix}${key}:${start - windowMs}`]);
    const args = additions.flatMap(({ amount, windowMs }) => [amount, windowMs * 2]);
    const reply = await this.ask(() => this.redis.crmAddCounts(keys.length, ...keys, ...args));
    if (!reply) return undefined;
    return additions.map((_, i) => ({ current: reply[2 * i]!, previous: reply[2 * i + 1]! }));
  }

  /** The script's reply, or undefined when Redis failed or was too slow (then: fallback). */
  private async ask<T>(run: () => Promise<T>): Promise<T | undefined> {
    if (this.redis.status !== 'ready' && this.redis.status !== 'connect' && this.mode === 'fallback') {
      // known to be down: do not queue behind the reconnect attempts
      return this.degraded(new Error(`redis ${this.redis.status}`));
    }
    let timer: NodeJS.Timeout | undefined;
    try {
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`redis did not answer within ${this.timeoutMs} ms`)), this.timeoutMs);
      });
      const reply = await Promise.race([run(), timeout]);
      this.mode = 'redis';
      return reply;
    } catch (error) {
      return this.degraded(error);
    } finally {
      clearTimeout(timer);
    }
  }

  private degraded(error: unknown): undefined {
    this.mode = 'fallback';
    const now = Date.now();
    if (now - this.lastWarning >= this.warnEveryMs) {
      this.lastWarning = now;
      this.logger.warn({ err: error }, 'rate-limit store unavailable: limits are enforced per gateway process until Redis answers again');
    }
    return undefined;
  }
}

/**
 * The store for a cache: Redis when the cache is Redis (counted locally and shared in batches, see
 * `batched-limit-store.ts`, unless `batching` is false), memory otherwise.
 */
export function createLimitStore(cache: Cache, logger: Logger, options: LimitStoreOptions = {}): LimitStore & { close?(): Promise<void> } {
  if (!(cache instanceof RedisCache)) return new MemoryLimitStore(options.fallbackKeys);
  const shared = new RedisLimitStore(cache.client, logger, options);
  return options.batching === false ? shared : new BatchedLimitStore(shared, options.batching);
}
