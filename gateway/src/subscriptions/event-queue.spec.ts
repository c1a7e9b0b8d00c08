import { describe, expect, it } from 'vitest';
import { EventQueue, type DeliveryBudget } from './event-queue.ts';

function budget(limit: number) {
  const state = { overflows: 0 };
  const value: DeliveryBudget = { pending: 0, limit, onOverflow: () => void state.overflows++ };
  return { value, state };
}

describe('EventQueue', () => {
  it('delivers queued and later items in order', async () => {
    const { value } = budget(10);
    const queue = new EventQueue<number>(value, () => {});
    queue.push(1);
    queue.push(2);
    const third = (async () => {
      const seen: number[] = [];
      for await (const item of queue) {
        seen.push(item);
        if (seen.length === 3) break;
      }
      return seen;
    })();
    queue.push(3);
    expect(await third).toEqual([1, 2, 3]);
    expect(value.pending).toBe(0);
  });

  it('shares one budget per connection and reports overflow', () => {
    const { value, state } = budget(2);
    const a = new EventQueue<number>(value, () => {});
    const b = new EventQueue<number>(value, () => {});
    expect(a.push(1)).toBe(true);
    expect(b.push(1)).toBe(true);
    expect(a.push(2)).toBe(false);
    expect(state.overflows).toBe(1);
  });

  it('ends on return, releases its budget and calls onEnd once', async () => {
    const { value } = budget(5);
    let ended = 0;
    const queue = new EventQueue<number>(value, () => void ended++);
    queue.push(1);
    queue.push(2);
    await queue.return();
    await queue.return();
    expect(ended).toBe(1);
    expect(value.pending).toBe(0);
    expect(queue.push(3)).toBe(false);
    expect(await queue.next()).toEqual({ value: undefined, done: true });
  });

  it('wakes a waiting reader when it ends', async () => {
    const { value } = budget(5);
    const queue = new EventQueue<number>(value, () => {});
    const waiting = queue.next();
    await queue.return();
    expect(await waiting).toEqual({ value: undefined, done: true });
  });
});
