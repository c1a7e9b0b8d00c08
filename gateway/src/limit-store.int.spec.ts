/** The Redis-backed counters against real Redis, and the fail-open fallback against a closed port. */
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { Redis } from 'ioredis';
import { createLogger, type Logger } from '@crm/runtime';
import { RedisLimitStore } from './limit-store.ts';

const MINUTE = 60_000;
const start = Date.now() - (Date.now() % MINUTE) + 20_000;
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
    const entries = [
      { key: 'tenant', limit: 2 },
      { key: 'user', limit: 5 },
    ];
    const results = [];
    for (let i = 0; i < 3; i++) results.push(await store.hitAll(entries, MINUTE, start));
    expect(results.map((r) => r.map((w) => [w.allowed, w.used]))).toEqual([
      [[true, 1], [true, 1]],
      [[true, 2], [true, 2]],
      [[false, 2], [false, 2]], // refused by the tenant window; the user window did not count it
    ]);
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
