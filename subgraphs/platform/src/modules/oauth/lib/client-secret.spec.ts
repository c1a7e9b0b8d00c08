import { describe, expect, it } from 'vitest';
import { clientSecretMatches, generateClientSecret, hashClientSecret } from './client-secret.ts';

describe('OAuth client secrets', () => {
  it('are 256-bit random strings stored only as their SHA-256 digest', () => {
    const { secret, hash } = generateClientSecret();
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(hash).toBe(hashClientSecret(secret));
    expect(hash).not.toContain(secret);
    expect(generateClientSecret().secret).not.toBe(secret);
  });

  it('match only the secret they were made from', () => {
    const { secret, hash } = generateClientSecret();
    expect(clientSecretMatches(hash, secret)).toBe(true);
    expect(clientSecretMatches(hash, `${secret}x`)).toBe(false);
    expect(clientSecretMatches(hash, '')).toBe(false);
    expect(clientSecretMatches('not-hex', secret)).toBe(false);
  });
});
