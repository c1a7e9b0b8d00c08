/**
 * OAuth client secrets: 32 random bytes (base64url, 43 characters).
 *
 * Only the SHA-256 digest is stored, for the same reason as API keys (`api-key-secret.ts`): a
 * 256-bit random secret cannot be guessed from its digest, and a fast digest keeps the token
 * endpoint cheap. oidc-provider compares the presented secret with the digest through
 * `compareClientSecret` (see `provider.ts`), in constant time.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

const SECRET_BYTES = 32;

export interface GeneratedClientSecret {
  /** Handed to the tenant admin once. */
  secret: string;
  /** Hex SHA-256 of `secret`, what the database keeps. */
  hash: string;
}

export function hashClientSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

export function generateClientSecret(): GeneratedClientSecret {
  const secret = randomBytes(SECRET_BYTES).toString('base64url');
  return { secret, hash: hashClientSecret(secret) };
}

/** Whether `presented` is the secret whose digest is `storedHash` (constant time). */
export function clientSecretMatches(storedHash: string, presented: string): boolean {
  const expected = Buffer.from(storedHash, 'hex');
  const actual = createHash('sha256').update(presented, 'utf8').digest();
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
