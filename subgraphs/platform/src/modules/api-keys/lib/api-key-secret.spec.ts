import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DISPLAY_PREFIX_LENGTH, generateApiKey, hashApiKey, looksLikeApiKey } from './api-key-secret.ts';

describe('API key secrets', () => {
  it('are crm_ + 32 random bytes, with a display prefix and a SHA-256 digest', () => {
    const { key, prefix, hash } = generateApiKey();
    expect(key).toMatch(/^crm_[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(key.slice(4), 'base64url')).toHaveLength(32);
    expect(prefix).toBe(key.slice(0, DISPLAY_PREFIX_LENGTH));
    expect(hash).toBe(createHash('sha256').update(key).digest('hex'));
    expect(hashApiKey(key)).toBe(hash);
    expect(hash).not.toContain(key.slice(4));
  });

  it('never repeat', () => {
    const keys = new Set(Array.from({ length: 1000 }, () => generateApiKey().key));
    expect(keys.size).toBe(1000);
  });

  it('recognise only well-formed keys', () => {
    expect(looksLikeApiKey(generateApiKey().key)).toBe(true);
    for (const bad of ['', 'crm_', 'crm_short', `crx_${'a'.repeat(43)}`, `crm_${'a'.repeat(42)}!`, `crm_${'a'.repeat(44)}`, ` crm_${'a'.repeat(43)}`]) {
      expect(looksLikeApiKey(bad), bad).toBe(false);
    }
  });
});
