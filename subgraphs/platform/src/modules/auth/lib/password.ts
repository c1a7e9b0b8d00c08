/**
 * Password hashing with argon2id at the OWASP-recommended baseline
 * (19 MiB memory, 2 passes, 1 lane). Hashes are PHC strings, so parameters can be
 * raised later and old hashes still verify.
 */
import { randomBytes } from 'node:crypto';
import { hash, verify, type Algorithm, type Options } from '@node-rs/argon2';

/** `Algorithm.Argon2id`; the enum is `const`, which isolated modules cannot read. */
const ARGON2ID = 2 as Algorithm;

export const PASSWORD_HASH_OPTIONS: Readonly<Options> = {
  algorithm: ARGON2ID,
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
};

/** Passwords longer than this are refused before hashing (bounds the work per request). */
export const MAX_PASSWORD_LENGTH = 1024;
export const MIN_PASSWORD_LENGTH = 8;

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  /** False for a wrong password or a malformed hash. */
  verify(passwordHash: string, password: string): Promise<boolean>;
  /** Does the work of one verification without a user, so unknown emails take as long as wrong passwords. */
  verifyNothing(password: string): Promise<void>;
}

export function createPasswordHasher(options: Readonly<Options> = PASSWORD_HASH_OPTIONS): PasswordHasher {
  let decoy: Promise<string> | undefined;
  const hasher: PasswordHasher = {
    hash: (password) => hash(password, options),
    async verify(passwordHash, password) {
      try {
        return await verify(passwordHash, password);
      } catch {
        return false;
      }
    },
    async verifyNothing(password) {
      decoy ??= hash(randomBytes(24).toString('base64url'), options);
      await hasher.verify(await decoy, password);
    },
  };
  return hasher;
}
