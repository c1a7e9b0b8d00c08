/**
 * Webhook signing secrets: generated here, shown to the tenant once, and kept only in
 * encrypted form (AES-256-GCM with a server key) so deliveries can sign with them later.
 *
 * Stored format: `v1.<iv>.<tag>.<ciphertext>` (base64url). The tenant and endpoint ids are
 * bound in as additional authenticated data, so a ciphertext copied to another row fails to open.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

export const SECRET_PREFIX = 'whsec_';
const VERSION = 'v1';
const KEY_BYTES = 32;
const IV_BYTES = 12;

/** Where a secret belongs; authenticated along with the ciphertext. */
export interface SecretOwner {
  tenantId: string;
  endpointId: string;
}

/** A fresh signing secret: `whsec_` + 32 random bytes in base64url. */
export function generateSigningSecret(): string {
  return SECRET_PREFIX + randomBytes(32).toString('base64url');
}

/** Throws unless `key` is exactly 32 bytes (AES-256). */
export function assertSecretKey(key: Buffer): void {
  if (key.length !== KEY_BYTES) throw new RangeError(`Webhook secret key must be ${KEY_BYTES} bytes, got ${key.length}`);
}

const aad = (owner: SecretOwner) => Buffer.from(`webhook-endpoint:${owner.tenantId}:${owner.endpointId}`, 'utf8');

export function encryptSecret(key: Buffer, secret: string, owner: SecretOwner): string {
  assertSecretKey(key);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(aad(owner));
  const ciphertext = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
  return [VERSION, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), ciphertext.toString('base64url')].join('.');
}

/** Opens a stored secret; throws when the key, owner or ciphertext does not match. */
export function decryptSecret(key: Buffer, stored: string, owner: SecretOwner): string {
  assertSecretKey(key);
  const parts = stored.split('.');
  if (parts.length !== 4 || parts[0] !== VERSION) throw new Error('Unsupported webhook secret format');
  const [, iv, tag, ciphertext] = parts as [string, string, string, string];
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
  decipher.setAAD(aad(owner));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
}

/** Last four characters, kept in clear so people can tell secrets apart. */
export const lastFour = (secret: string) => secret.slice(-4);

/** What the API shows instead of the secret: `whsec_…abcd`. */
export const secretHint = (last4: string) => `${SECRET_PREFIX}…${last4}`;
