import { describe, expect, it } from 'vitest';
import { createPasswordHasher } from './password.ts';

describe('password hasher', () => {
  const passwords = createPasswordHasher();

  it('hashes with argon2id at the OWASP baseline (19 MiB, 2 passes, 1 lane)', async () => {
    const hash = await passwords.hash('correct horse battery staple');
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await passwords.hash('correct horse battery staple')).not.toBe(hash);
  });

  it('verifies the right password only', async () => {
    const hash = await passwords.hash('correct horse battery staple');
    expect(await passwords.verify(hash, 'correct horse battery staple')).toBe(true);
    expect(await passwords.verify(hash, 'Correct horse battery staple')).toBe(false);
  });

  it('treats a malformed hash as a mismatch and can verify against no user', async () => {
    expect(await passwords.verify('not-a-phc-string', 'anything')).toBe(false);
    await expect(passwords.verifyNothing('anything')).resolves.toBeUndefined();
  });
});
