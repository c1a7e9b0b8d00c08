/**
 * API key secrets: `crm_` followed by 32 random bytes (base64url, 43 characters).
 *
 * Only the SHA-256 digest is stored. A slow password hash (argon2id) protects low-entropy secrets
 * that people choose; a 256-bit random key cannot be guessed or brute-forced from its digest, and
 * a fast digest lets every API call find its key with one indexed lookup instead of spending
 * ~20 ms of CPU and 19 MiB of memory per request.
 */
import { createHash, randomBytes } from 'node:crypto';

export const API_KEY_PREFIX = 'crm_';
const SECRET_BYTES = 32;
/** `crm_` + 43 base64url characters. */
const API_KEY_FORMAT = /^crm_[A-Za-z0-9_-]{43}$/;
/** Characters of the key shown in listings (`crm_` + 8). */
export const DISPLAY_PREFIX_LENGTH = API_KEY_PREFIX.length + 8;

export interface GeneratedApiKey {
  /** The whole key, handed to the caller once. */
  key: string;
  /** Safe to show: tells keys apart without revealing them. */
  prefix: string;
  /** Hex SHA-256 of `key`, what the database keeps. */
  hash: string;
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

export function generateApiKey(): GeneratedApiKey {
  const key = `${API_KEY_PREFIX}${randomBytes(SECRET_BYTES).toString('base64url')}`;
  return { key, prefix: key.slice(0, DISPLAY_PREFIX_LENGTH), hash: hashApiKey(key) };
}

/** Whether a string could be one of our keys (cheap check before any lookup). */
export function looksLikeApiKey(value: string): boolean {
  return API_KEY_FORMAT.test(value);
}
