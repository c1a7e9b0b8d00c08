import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { normaliseHash, parseTrustedDocuments, trustedDocumentStore } from './useTrustedDocuments.ts';

const sha = (text: string) => createHash('sha256').update(text).digest('hex');
const doc = 'query Me { me { id } }';

describe('trusted documents', () => {
  it('reads a codegen manifest and finds documents by sha256:<hex> or bare hex, in any case', () => {
    const trusted = parseTrustedDocuments({ [`sha256:${sha(doc)}`]: doc });
    expect(trusted.size).toBe(1);
    expect(trusted.get(`sha256:${sha(doc)}`)).toBe(doc);
    expect(trusted.get(sha(doc).toUpperCase())).toBe(doc);
    expect(trusted.get(sha('other'))).toBeUndefined();
    expect(trusted.get('not-a-hash')).toBeUndefined();
  });

  it('refuses a manifest whose key is not the hash of its document', () => {
    expect(() => parseTrustedDocuments({ [`sha256:${sha('other')}`]: doc }, 'm.json')).toThrow(/m\.json: sha256:[0-9a-f]+ is not the sha256 of its document/);
    expect(() => parseTrustedDocuments({ abc: doc })).toThrow(/not a sha256 hash/);
    expect(() => parseTrustedDocuments([doc])).toThrow(/JSON object/);
    expect(() => parseTrustedDocuments({ [sha(doc)]: 42 })).toThrow(/not a string/);
  });

  it('normalises hashes', () => {
    expect(normaliseHash(`sha256:${sha(doc).toUpperCase()}`)).toBe(sha(doc));
    expect(normaliseHash('sha256:xyz')).toBeUndefined();
  });

  it("puts the manifest in front of Apollo's persisted-query store without writing it there", async () => {
    const stored = new Map<string, string>([['apq:' + sha('{ other }'), '{ other }']]);
    const store = trustedDocumentStore(parseTrustedDocuments({ [`sha256:${sha(doc)}`]: doc }), {
      get: async (key) => stored.get(key),
      set: async (key, value) => void stored.set(key, value),
      delete: async (key) => stored.delete(key),
    });
    expect(await store.get(`apq:sha256:${sha(doc)}`)).toBe(doc);
    expect(await store.get(`apq:${sha('{ other }')}`)).toBe('{ other }');
    expect(await store.get(`apq:${sha('{ missing }')}`)).toBeUndefined();
    expect(stored.size).toBe(1);
  });
});
