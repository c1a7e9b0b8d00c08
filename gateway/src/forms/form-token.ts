/**
 * The embed token of a web-to-lead form: when the form was served, signed for that form key with
 * the gateway's secret (`<issuedAtMs>.<hmac>`). A post must bring it back; one sent sooner than
 * the minimum fill time after it was issued is treated as a bot (accepted and discarded).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

const mac = (secret: string, key: string, issuedAt: number) => createHmac('sha256', secret).update(`lead-form:${key}:${issuedAt}`).digest('base64url');

export function signFormToken(secret: string, key: string, issuedAt = Date.now()): string {
  return `${issuedAt}.${mac(secret, key, issuedAt)}`;
}

/** When the token was issued for `key`, or null when it is not a valid token for it. */
export function formTokenIssuedAt(secret: string, key: string, token: string | undefined): number | null {
  const match = /^(\d{13})\.([A-Za-z0-9_-]{43})$/.exec(token ?? '');
  if (!match) return null;
  const issuedAt = Number(match[1]);
  const expected = Buffer.from(mac(secret, key, issuedAt));
  const given = Buffer.from(match[2]!);
  return expected.length === given.length && timingSafeEqual(expected, given) ? issuedAt : null;
}
