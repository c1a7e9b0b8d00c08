import { describe, expect, it } from 'vitest';
import { MemoryLimitStore } from './limit-store.ts';

const MINUTE = 60_000;
const start = 1_700_000_040_000; // a window boundary

describe('MemoryLimitStore.hit (sliding window)', () => {
  it('allows up to the limit in a window, then refuses with the wait', async () => {
    const store = new MemoryLimitStore();
    const results = [];
    for (let i = 0; i < 4; i++) results.push(await store.hit('k', 3, MINUTE, start + 1000));
    expect(results.map((r) => r.allowed)).toEqual([true, true, true, false]);
    expect(results[2]).toMatchObject({ used: 3, retryAfterMs: 0, resetMs: MINUTE - 1000 });
    expect(results[3]!.retryAfterMs).toBe(MINUTE - 1000);
  });

  it("weighs the previous window's hits by how much of it still overlaps", async () => {
    const store = new MemoryLimitStore();
    for (let i = 0; i < 4; i++) await store.hit('k', 4, MINUTE, start + 50_000);
    // a quarter into the next window, 75% of the 4 previous hits still count: 3
    const next = await store.hit('k', 4, MINUTE, start + MINUTE + 15_000);
    expect(next).toMatchObject({ allowed: true, used: 4 });
    const refused = await store.hit('k', 4, MINUTE, start + MINUTE + 15_000);
    expect(refused.allowed).toBe(false);
    // room again once enough of the previous window has slid out
    expect(refused.retryAfterMs).toBeGreaterThan(0);
    expect(refused.retryAfterMs).toBeLessThan(MINUTE - 15_000);
  });

  it('keeps at most maxKeys keys', async () => {
    const store = new MemoryLimitStore(2);
    await store.hit('a', 1, MINUTE, start);
    await store.hit('b', 1, MINUTE, start);
    await store.hit('c', 1, MINUTE, start);
    expect((await store.hit('a', 1, MINUTE, start)).allowed).toBe(true); // `a` was dropped
  });
});

describe('MemoryLimitStore.spend (budget)', () => {
  it('charges points until the budget would be passed', async () => {
    const store = new MemoryLimitStore();
    expect(await store.spend('t', 60, 100, MINUTE, start)).toMatchObject({ allowed: true, used: 60 });
    expect(await store.spend('t', 60, 100, MINUTE, start + 10_000)).toMatchObject({ allowed: false, used: 60, retryAfterMs: 50_000 });
    expect(await store.spend('t', 40, 100, MINUTE, start + 10_000)).toMatchObject({ allowed: true, used: 100 });
    expect(await store.spend('t', 60, 100, MINUTE, start + MINUTE)).toMatchObject({ allowed: true, used: 60 });
  });
});
