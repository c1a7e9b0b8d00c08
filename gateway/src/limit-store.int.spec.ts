/**
 * The Redis-backed counters against real Redis, the fail-open fallback against a closed port, and
 * local counting shared in batches (`BatchedLimitStore`).
 */
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { Redis } from 'ioredis';
import { createLogger, type Logger } from '@crm/runtime';
import { BatchedLimitStore } from './batched-limit-store.ts';
import { RedisLimitStore, type LimitStore, type WindowResult } from './limit-store.ts';

const MINUTE = 60_000;
const start = Date.now() - (Date.now() % MINUTE) + 20_000;

/** Three requests, each counted in a tenant window (limit 2) and a user window at once. */
async function tenantAndUserThrice(store: LimitStore, userLimit: number): Promise<WindowResult[][]> {
  const entries = [
    { key: 'tenant', limit: 2 },
    { key: 'user', limit: userLimit },
  ];
  const results = [];
  for (let i = 0; i < 3; i++) results.push(await store.hitAll(entries, MINUTE, start));
  return results;
}
const allowedAndUsed = (results: WindowResult[][]) => results.map((r) => r.map((w) => [w.allowed, w.used]));
/** `allowedAndUsed` of `tenantAndUserThrice` */
const ALL_OR_NONE = [
  [[true, 1], [true, 1]],
  [[true, 2], [true, 2]],
  [[false, 2], [false, 2]], // refused by the tenant window; the user window did not count it
];
const redisUrl = process.env.REDIS_URL;
if (!redisUrl) throw new Error('integration tests need REDIS_URL (source scripts/lib/real-env.sh)');

const redis = new Redis(redisUrl);
const dead = new Redis('redis://127.0.0.1:1', { maxRetriesPerRequest: 1 });
dead.on('error', () => {});
afterAll(async () => {
  await redis.quit();
  dead.disconnect();
});

describe('RedisLimitStore', () => {
  it('counts a sliding window atomically across concurrent callers', async () => {
    const store = new RedisLimitStore(redis, createLogger('test', 'silent'), { prefix: `test:${randomUUID()}:`, timeoutMs: 5_000 });
    const results = await Promise.all(Array.from({ length: 20 }, () => store.hit('k', 7, MINUTE, start)));
    expect(results.filter((r) => r.allowed)).toHaveLength(7);
    expect(store.mode).toBe('redis');
  });

  it('counts several windows at once, in all of them or in none', async () => {
    const store = new RedisLimitStore(redis, createLogger('test', 'silent'), { prefix: `test:${randomUUID()}:`, timeoutMs: 5_000 });
    const results = await tenantAndUserThrice(store, 5);
    expect(allowedAndUsed(results)).toEqual(ALL_OR_NONE);
    expect(results[2]![0]!.retryAfterMs).toBeGreaterThan(0);
  });

  it('shares counters between replicas', async () => {
    const prefix = `test:${randomUUID()}:`;
    const a = new RedisLimitStore(redis, createLogger('test', 'silent'), { prefix, timeoutMs: 5_000 });
    const b = new RedisLimitStore(redis, createLogger('test', 'silent'), { prefix, timeoutMs: 5_000 });
    expect((await a.spend('t', 80, 100, MINUTE, start)).allowed).toBe(true);
    expect(await b.spend('t', 30, 100, MINUTE, start)).toMatchObject({ allowed: false, used: 80 });
  });

  it('fails open to a bounded local limiter, warning once, when Redis is unreachable', async () => {
    const warn = vi.fn();
    const logger = { ...createLogger('test', 'silent'), warn } as unknown as Logger;
    const store = new RedisLimitStore(dead, logger, { timeoutMs: 50, warnEveryMs: 60_000 });
    const results = [];
    for (let i = 0; i < 3; i++) results.push(await store.hit('k', 2, MINUTE, start));
    expect(results.map((r) => r.allowed)).toEqual([true, true, false]);
    expect(store.mode).toBe('fallback');
    expect(warn).toHaveBeenCalledTimes(1);
  });
});

function replicas(count: number, client: Redis = redis) {
  const prefix = `test:${randomUUID()}:`;
  return Array.from({ length: count }, () => {
    const shared = new RedisLimitStore(client, createLogger('test', 'silent'), { prefix, timeoutMs: client === dead ? 50 : 5_000 });
    return { shared, store: new BatchedLimitStore(shared, { flushEveryMs: 20 }), prefix };
  });
}

const stored = async (prefix: string, key: string, windowStart = start - (start % MINUTE)) => Number((await redis.get(`${prefix}${key}:${windowStart}`)) ?? 0);

describe('BatchedLimitStore', () => {
  it('answers most requests locally, sends the counts in batches, and refuses exactly at the limit', async () => {
    const [{ shared, store, prefix }] = replicas(1) as [ReturnType<typeof replicas>[0]];
    const checks = vi.spyOn(shared, 'countHit');
    const batches = vi.spyOn(shared, 'add');
    const results = [];
    for (let i = 0; i < 120; i++) results.push(await store.hit('k', 100, MINUTE, start));
    expect(results.filter((r) => r.allowed)).toHaveLength(100);
    // every answer counts this replica's hits at once
    expect(results.slice(0, 100).map((r) => r.used)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    expect(results[100]).toMatchObject({ allowed: false, used: 100 });
    expect(results[100]!.retryAfterMs).toBeGreaterThan(0);
    // the first request (nothing known) and those from 90 % of the limit on were checked in Redis; the rest locally
    expect(checks.mock.calls.length).toBe(1 + 10 + 20);
    await store.flush();
    expect(await stored(prefix, 'k')).toBe(100);
    expect(batches.mock.calls.length).toBeGreaterThan(0);
    expect(batches.mock.calls.length).toBeLessThan(5);
  });

  it('counts several windows at once, in all of them or in none', async () => {
    const [{ store, prefix }] = replicas(1) as [ReturnType<typeof replicas>[0]];
    expect(allowedAndUsed(await tenantAndUserThrice(store, 50))).toEqual(ALL_OR_NONE);
    await store.flush();
    expect([await stored(prefix, 'tenant'), await stored(prefix, 'user')]).toEqual([2, 2]);
  });

  it('is exact under concurrent requests', async () => {
    const [{ store }] = replicas(1) as [ReturnType<typeof replicas>[0]];
    const results = await Promise.all(Array.from({ length: 40 }, () => store.hit('k', 25, MINUTE, start)));
    expect(results.filter((r) => r.allowed)).toHaveLength(25);
  });

  it("sees another replica's counts once they are sent, and never loses them", async () => {
    const [a, b] = replicas(2) as [ReturnType<typeof replicas>[0], ReturnType<typeof replicas>[0]];
    for (let i = 0; i < 30; i++) await a.store.hit('k', 1_000, MINUTE, start);
    await a.store.flush();
    expect(await b.store.hit('k', 1_000, MINUTE, start)).toMatchObject({ allowed: true, used: 31 });
    // both replicas near a small limit, requests spaced by more than a batch interval: the limit holds across them
    const near = [];
    for (let i = 0; i < 10; i++) {
      near.push(await (i % 2 ? a : b).store.hit('small', 6, MINUTE, start));
      await new Promise((resolve) => setTimeout(resolve, 40));
    }
    await Promise.all([a.store.flush(), b.store.flush()]);
    expect(near.filter((r) => r.allowed).length).toBe(6);
    expect(await stored(a.prefix, 'small')).toBe(6);
    expect(await stored(a.prefix, 'k')).toBe(31);
  });

  it('starts each window from what Redis holds, the previous window weighing in', async () => {
    const [{ store }] = replicas(1) as [ReturnType<typeof replicas>[0]];
    const windowStart = start - (start % MINUTE);
    for (let i = 0; i < 10; i++) await store.hit('k', 100, MINUTE, windowStart + 30_000);
    // a quarter into the next window: 75 % of the previous window's 10 still count
    const next = await store.hit('k', 100, MINUTE, windowStart + MINUTE + 15_000);
    expect(next).toMatchObject({ allowed: true, used: 7 + 1 });
  });

  it('spends cost budgets locally until near the budget, then exactly', async () => {
    const [a, b] = replicas(2) as [ReturnType<typeof replicas>[0], ReturnType<typeof replicas>[0]];
    const spent = [];
    for (let i = 0; i < 12; i++) spent.push(await a.store.spend('cost', 10, 100, MINUTE, start));
    expect(spent.map((r) => r.allowed)).toEqual([...Array<boolean>(10).fill(true), false, false]);
    expect(spent[9]).toMatchObject({ used: 100 });
    expect(spent[10]).toMatchObject({ used: 100 });
    expect(await b.store.spend('cost', 1, 100, MINUTE, start)).toMatchObject({ allowed: false, used: 100 });
  });

  it('fails open to the local limiter when Redis is unreachable', async () => {
    const [{ store }] = replicas(1, dead) as [ReturnType<typeof replicas>[0]];
    const results = [];
    for (let i = 0; i < 3; i++) results.push(await store.hit('k', 2, MINUTE, start));
    expect(results.map((r) => r.allowed)).toEqual([true, true, false]);
    expect(store.mode).toBe('fallback');
    await store.close();
  });
});
