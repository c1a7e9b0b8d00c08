import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decryptSecret, encryptSecret, generateSigningSecret, lastFour, secretHint } from './secret-box.ts';

const owner = { tenantId: '6f1c0d3e-0000-4000-8000-000000000001', endpointId: '6f1c0d3e-0000-4000-8000-000000000002' };

describe('webhook signing secrets', () => {
  it('generates whsec_ secrets of 32 random bytes', () => {
    const secret = generateSigningSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(secret.slice(6), 'base64url')).toHaveLength(32);
    expect(generateSigningSecret()).not.toBe(secret);
  });

  it('round-trips through AES-256-GCM without the secret appearing in the ciphertext', () => {
    const key = randomBytes(32);
    const secret = generateSigningSecret();
    const stored = encryptSecret(key, secret, owner);
    expect(stored).toMatch(/^v1\./);
    expect(stored).not.toContain(secret.slice(6));
    expect(encryptSecret(key, secret, owner)).not.toBe(stored);
    expect(decryptSecret(key, stored, owner)).toBe(secret);
  });

  it('refuses to open with another key, another owner or a tampered ciphertext', () => {
    const key = randomBytes(32);
    const stored = encryptSecret(key, generateSigningSecret(), owner);
    expect(() => decryptSecret(randomBytes(32), stored, owner)).toThrow();
    expect(() => decryptSecret(key, stored, { ...owner, tenantId: '6f1c0d3e-0000-4000-8000-000000000009' })).toThrow();
    const parts = stored.split('.');
    parts[3] = Buffer.from('tampered').toString('base64url');
    expect(() => decryptSecret(key, parts.join('.'), owner)).toThrow();
  });

  it('requires a 32-byte key', () => {
    expect(() => encryptSecret(randomBytes(16), 'whsec_x', owner)).toThrow(RangeError);
  });

  it('shows only the last four characters', () => {
    expect(lastFour('whsec_abcdefgh')).toBe('efgh');
    expect(secretHint('efgh')).toBe('whsec_…efgh');
  });
});
