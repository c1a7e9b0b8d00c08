/**
 * Rate limits and cost budgets counted locally, shared through Redis in batches.
 *
 * Asking Redis on every request costs two round trips per operation (request limits, then the
 * cost budget) and a large share of the gateway's CPU on cheap requests (cached answers, 304s).
 * This store answers most requests from what it knows locally and sends the counts to Redis in one
 * batch every `flushEveryMs`:
 *
 * - What it knows of a window: its counts in Redis as of the last batch or exact check (every
 *   replica's hits that reached Redis), plus this replica's own hits not sent yet or on their way.
 * - A request is admitted locally when that knowledge is recent (`maxAgeMs`) and the window stays
 *   below `localShare` of its limit. Otherwise (a window it has not seen, or one getting close to
 *   its limit) the request is checked exactly, as `RedisLimitStore` does, after this replica's
 *   pending counts are sent. So a limit refuses exactly at its value on one replica, and every
 *   response's `RateLimit-Remaining` counts this replica's hits at once.
 * - Across replicas, another replica's hits are seen at its next batch: near a limit, the most a
 *   tenant can pass it by is what other replicas admitted locally in one batch interval, before
 *   they too switched to exact checks.
 * - When Redis cannot answer, exact checks fall back to the local limiter (fail-open, see
 *   `limit-store.ts`) and unsent counts are kept for the next batch (for two windows at most).
 */
import { result, slidingResult, type CountAddition, type LimitStore, type RedisLimitStore, type WindowResult } from './limit-store.ts';

export interface BatchedLimitStoreOptions {
  /** How often this replica's counts are sent to Redis, ms. Default 50. */
  flushEveryMs?: number;
  /** How old the knowledge of a window may be for a local answer, ms. Default 1 000. */
  maxAgeMs?: number;
  /** Share of a limit below which requests are admitted locally; above it, every request is checked in Redis. Default 0.9. */
  localShare?: number;
}

/** What this replica knows of one window (by key), as of a Redis answer. */
interface Known {
  start: number;
  current: number;
  previous: number;
  /** Order of the Redis request that answered it: an older answer never overwrites a newer one. */
  sequence: number;
  at: number;
}

/** This replica's hits (or cost points) in one window, not yet confirmed by Redis. */
interface Unsent extends CountAddition {
  /** Sent in a batch whose answer has not come back yet. */
  sending: number;
}

export class BatchedLimitStore implements LimitStore {
  private readonly flushEveryMs: number;
  private readonly maxAgeMs: number;
  private readonly localShare: number;
  private readonly known = new Map<string, Known>();
  /** By `${key}:${start}`. */
  private readonly unsent = new Map<string, Unsent>();
  private sequence = 0;
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;

  constructor(
    private readonly shared: RedisLimitStore,
    options: BatchedLimitStoreOptions = {},
  ) {
    this.flushEveryMs = options.flushEveryMs ?? 50;
    this.maxAgeMs = options.maxAgeMs ?? 1_000;
    this.localShare = options.localShare ?? 0.9;
  }

  get mode(): 'redis' | 'fallback' {
    return this.shared.mode;
  }

  async hit(key: string, limit: number, windowMs: number, now = Date.now()): Promise<WindowResult> {
    return (await this.hitAll([{ key, limit }], windowMs, now))[0]!;
  }

  async hitAll(entries: ReadonlyArray<{ key: string; limit: number }>, windowMs: number, now = Date.now()): Promise<WindowResult[]> {
    const start = now - (now % windowMs);
    const local = entries.map(({ key, limit }) => {
      const known = this.fresh(key, start);
      if (!known) return null;
      const previous = known.previous;
      const current = known.current + this.ownUnconfirmed(key, start);
      return this.belowShare(previous, current + 1, limit, start, windowMs, now) ? { previous, current } : null;
    });
    if (local.every((counts) => counts !== null)) {
      for (const { key } of entries) this.count(key, start, windowMs, 1);
      return entries.map(({ limit }, i) => slidingResult(true, local[i]!.previous, local[i]!.current + 1, limit, start, windowMs, now));
    }
    // exactly, in Redis, once this replica's own counts are there
    await this.flush();
    const sequence = ++this.sequence;
    const counted = await this.shared.countHit(entries, windowMs, now);
    if (!counted) return this.shared.fallback.hitAll(entries, windowMs, now);
    entries.forEach(({ key }, i) => this.learn(key, { start: counted.start, ...counted.counts[i]!, sequence }));
    return entries.map(({ key, limit }, i) => {
      const { previous, current } = counted.counts[i]!;
      // hits admitted here while the check was on its way count too
      return slidingResult(counted.allowed, previous, current + this.ownUnconfirmed(key, counted.start), limit, counted.start, windowMs, now);
    });
  }

  async spend(key: string, amount: number, budget: number, windowMs: number, now = Date.now()): Promise<WindowResult> {
    const start = now - (now % windowMs);
    const known = this.fresh(key, start);
    if (known) {
      const used = known.current + this.ownUnconfirmed(key, start) + amount;
      if (used <= budget * this.localShare) {
        this.count(key, start, windowMs, amount);
        return result(true, used, start, windowMs, now, 0);
      }
    }
    await this.flush();
    const sequence = ++this.sequence;
    const spent = await this.shared.countSpend(key, amount, budget, windowMs, now);
    if (!spent) return this.shared.fallback.spend(key, amount, budget, windowMs, now);
    this.learn(key, { start: spent.start, current: spent.used, previous: 0, sequence });
    const used = spent.used + this.ownUnconfirmed(key, spent.start);
    return result(spent.allowed, used, spent.start, windowMs, now, spent.start + windowMs - now);
  }

  /** Sends every unsent count now; resolves once Redis answered (or could not). */
  async flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    // one batch at a time: a second waits for the first, then sends what came meanwhile
    while (this.flushing) await this.flushing;
    const batch = [...this.unsent.values()].filter((entry) => entry.amount > 0);
    if (batch.length === 0) return;
    const sent = batch.map((entry) => {
      const amount = entry.amount;
      entry.amount = 0;
      entry.sending += amount;
      return { entry, amount };
    });
    const sequence = ++this.sequence;
    this.flushing = this.shared
      .add(sent.map(({ entry, amount }) => ({ key: entry.key, start: entry.start, windowMs: entry.windowMs, amount })))
      .then((counts) => {
        const oldest = Date.now() - 2 * Math.max(...sent.map(({ entry }) => entry.windowMs));
        sent.forEach(({ entry, amount }, i) => {
          entry.sending -= amount;
          if (counts) this.learn(entry.key, { start: entry.start, ...counts[i]!, sequence });
          // not confirmed: sent again with the next batch, unless its window is long gone
          else if (entry.start >= oldest) entry.amount += amount;
          if (entry.amount === 0 && entry.sending === 0) this.unsent.delete(`${entry.key}:${entry.start}`);
        });
        if (!counts && this.unsent.size > 0) this.schedule();
      })
      .finally(() => (this.flushing = undefined));
    await this.flushing;
  }

  /** Stops the batch timer after sending what is unsent. */
  async close(): Promise<void> {
    await this.flush();
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private fresh(key: string, start: number): Known | undefined {
    const known = this.known.get(key);
    return known && known.start === start && Date.now() - known.at <= this.maxAgeMs ? known : undefined;
  }

  private belowShare(previous: number, current: number, limit: number, start: number, windowMs: number, now: number): boolean {
    const weight = (windowMs - (now - start)) / windowMs;
    return Math.floor(previous * weight) + current <= limit * this.localShare;
  }

  /** This replica's counts in a window that Redis has not confirmed yet. */
  private ownUnconfirmed(key: string, start: number): number {
    const entry = this.unsent.get(`${key}:${start}`);
    return entry ? entry.amount + entry.sending : 0;
  }

  private count(key: string, start: number, windowMs: number, amount: number): void {
    const id = `${key}:${start}`;
    const entry = this.unsent.get(id);
    if (entry) entry.amount += amount;
    else this.unsent.set(id, { key, start, windowMs, amount, sending: 0 });
    this.schedule();
  }

  private schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, this.flushEveryMs);
    this.timer.unref();
  }

  /**
   * Records Redis's counts of a window. The counts include this replica's hits sent so far, so
   * what is still unconfirmed is added on top when reading them; an answer to an older request
   * than the one already recorded is ignored.
   */
  private learn(key: string, counts: { start: number; current: number; previous: number; sequence: number }): void {
    const known = this.known.get(key);
    if (known && (known.start > counts.start || (known.start === counts.start && known.sequence > counts.sequence))) return;
    if (!known && this.known.size >= 100_000) this.known.delete(this.known.keys().next().value!);
    this.known.set(key, { ...counts, at: Date.now() });
  }
}
