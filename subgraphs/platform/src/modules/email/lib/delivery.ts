/**
 * Rules of e-mail delivery: which failures are worth another attempt, and when it comes.
 *
 * SMTP says so itself: a 4xx reply is temporary (greylisting, a full queue, `451 try again
 * later`), a 5xx reply permanent (`550 no such user`). A failure without a reply — connection
 * refused or reset, timeout, DNS — is the network's and temporary too. Anything else (a message
 * nodemailer refuses to build) is permanent: sending it again cannot help.
 */

export type FailureKind = 'temporary' | 'permanent';

export interface DeliveryFailure {
  kind: FailureKind;
  /** Short description for `lastError`, e.g. `451 4.3.0 try again later`. */
  message: string;
}

/** Network-level error codes of Node and nodemailer (no SMTP reply was received). */
const NETWORK_CODES = new Set([
  'ECONNECTION',
  'ECONNREFUSED',
  'ECONNRESET',
  'ESOCKET',
  'ETIMEDOUT',
  'EDNS',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'EPROTOCOL',
  'ETLS',
]);

/** Longest `lastError` kept. */
const MAX_MESSAGE = 500;

export function classifyFailure(error: unknown): DeliveryFailure {
  const details = (error ?? {}) as { responseCode?: unknown; code?: unknown; response?: unknown; message?: unknown };
  const responseCode = typeof details.responseCode === 'number' ? details.responseCode : null;
  const reply = typeof details.response === 'string' && details.response ? details.response : null;
  const message = (reply ?? (typeof details.message === 'string' ? details.message : String(error))).slice(0, MAX_MESSAGE);
  if (responseCode !== null && responseCode >= 400 && responseCode < 500) return { kind: 'temporary', message };
  if (responseCode !== null && responseCode >= 500) return { kind: 'permanent', message };
  if (typeof details.code === 'string' && NETWORK_CODES.has(details.code)) return { kind: 'temporary', message };
  return { kind: 'permanent', message };
}

export interface BackoffOptions {
  /** Delay after the first failed attempt, ms. */
  baseMs: number;
  /** Longest delay, ms. */
  maxMs: number;
}

/** Delay before the next attempt after `attempts` failed ones: base, 2×base, 4×base … capped at max. */
export function backoffDelay(attempts: number, { baseMs, maxMs }: BackoffOptions): number {
  const exponent = Math.max(0, Math.min(attempts - 1, 30));
  return Math.min(baseMs * 2 ** exponent, maxMs);
}
