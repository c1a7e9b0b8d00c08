import { describe, expect, it } from 'vitest';
import type { KeyValueStore } from '@crm/runtime';
import { memoizedPersistedQueries } from './persisted-query-store.ts';

function countingStore() {
  const values = new Map<string, string>();
  const calls = { get: 0 };
  const store: KeyValueStore = {
    get: async (key) => {
      calls.get++;
      return values.get(key);
    },
    set: async (key, value) => void values.set(key, value),
    delete: async (key) => values.delete(key),
  };
  return { store, values, calls };
}

describe('memoizedPersistedQueries', () => {
  it('asks the shared store once per document, then answers from memory', async () => {
    const shared = countingStore();
    shared.values.set('apq:abc', '{ me { id } }');
    const store = memoizedPersistedQueries(shared.store);
    expect(await store.get('apq:abc')).toBe('{ me { id } }');
    expect(await store.get('apq:abc')).toBe('{ me { id } }');
    expect(shared.calls.get).toBe(1);
    // unknown documents are asked for each time (another instance may register them)
    expect(await store.get('apq:missing')).toBeUndefined();
    expect(await store.get('apq:missing')).toBeUndefined();
    expect(shared.calls.get).toBe(3);
  });

  it('writes through, forgets on delete and keeps at most maxEntries', async () => {
    const shared = countingStore();
    const store = memoizedPersistedQueries(shared.store, 2);
    await store.set('a', 'A');
    expect(shared.values.get('a')).toBe('A');
    expect(await store.get('a')).toBe('A');
    expect(shared.calls.get).toBe(0);
    await store.delete('a');
    expect(await store.get('a')).toBeUndefined();
    await store.set('b', 'B');
    await store.set('c', 'C');
    await store.set('d', 'D'); // b is the least recently used: forgotten here, still in the shared store
    const before = shared.calls.get;
    expect(await store.get('b')).toBe('B');
    expect(shared.calls.get).toBe(before + 1);
  });
});
