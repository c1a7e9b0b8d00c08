/**
 * One-time secrets (invitation links): 32 random bytes, base64url. Only their SHA-256 digest is
 * stored; a 256-bit random value needs no slow hash to resist guessing.
 */
import { createHash, randomBytes } from 'node:crypto';

export function digest(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

export function generateSecretToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: digest(token) };
}
