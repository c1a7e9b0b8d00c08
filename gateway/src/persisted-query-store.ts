/**
 * Automatic persisted queries are content-addressed (the key is the SHA-256 of the document), so a
 * document found once never changes: this keeps the most recently used ones in process memory in
 * front of the shared store (Redis), and a request by hash costs no round trip once its document
 * has been seen here. Writes and deletes go through to the shared store.
 */
import type { KeyValueStore } from '@crm/runtime';

export function memoizedPersistedQueries(store: KeyValueStore, maxEntries = 5_000): KeyValueStore {
  const memory = new Map<string, string>();
  const remember = (key: string, value: string) => {
    memory.delete(key);
    memory.set(key, value);
    if (memory.size > maxEntries) memory.delete(memory.keys().next().value!);
  };
  return {
    async get(key) {
      const known = memory.get(key);
      if (known !== undefined) {
        remember(key, known);
        return known;
      }
      const value = await store.get(key);
      if (value !== undefined) remember(key, value);
      return value;
    },
    async set(key, value, options) {
      await store.set(key, value, options);
      remember(key, value);
    },
    async delete(key) {
      memory.delete(key);
      return store.delete(key);
    },
  };
}
