/**
 * Signed, short-lived URLs of the files module, HMAC-SHA256 with a key derived from the gateway
 * signing secret (so the gateway and the platform share nothing new).
 *
 * - Upload token (`PUT /files/uploads/<token>`): `v1.<base64url(json)>.<mac>`, the JSON binding
 *   the attachment, tenant, user, exact size, content type and expiry. Single use is enforced by
 *   the attachment's status (PENDING → UPLOADING once), not by the token.
 * - Download signature (`GET /files/<id>?sig=<sig>`): `<tenantId>.<expiresAtMs>.<mac>` over the
 *   attachment id, tenant and expiry.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export interface UploadGrant {
  attachmentId: string;
  tenantId: string;
  userId: string | null;
  size: number;
  contentType: string;
  /** Epoch ms after which the token is refused. */
  expiresAt: number;
}

interface UploadClaims {
  a: string;
  t: string;
  u: string | null;
  s: number;
  c: string;
  e: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export const fileKey = (signingSecret: string): Buffer => createHmac('sha256', signingSecret).update('crm.files.v1').digest();

const mac = (key: Buffer, purpose: string, data: string) => createHmac('sha256', key).update(`${purpose}:${data}`).digest('base64url');

function sameMac(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function signUploadToken(grant: UploadGrant, key: Buffer): string {
  const claims: UploadClaims = { a: grant.attachmentId, t: grant.tenantId, u: grant.userId, s: grant.size, c: grant.contentType, e: grant.expiresAt };
  const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
  return `v1.${body}.${mac(key, 'upload', body)}`;
}

export type TokenCheck<T> = { ok: true; value: T } | { ok: false; reason: 'invalid' | 'expired' };

/** The grant of a token this key signed, unless it is forged, malformed or expired at `now`. */
export function verifyUploadToken(token: string, key: Buffer, now = Date.now()): TokenCheck<UploadGrant> {
  const parts = token.split('.');
  if (parts.length !== 3 || parts[0] !== 'v1') return { ok: false, reason: 'invalid' };
  const [, body, given] = parts as [string, string, string];
  if (!sameMac(given, mac(key, 'upload', body))) return { ok: false, reason: 'invalid' };
  let claims: UploadClaims;
  try {
    claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as UploadClaims;
  } catch {
    return { ok: false, reason: 'invalid' };
  }
  if (!UUID.test(claims.a) || !UUID.test(claims.t) || !Number.isSafeInteger(claims.s) || typeof claims.c !== 'string' || !Number.isSafeInteger(claims.e)) {
    return { ok: false, reason: 'invalid' };
  }
  if (claims.e <= now) return { ok: false, reason: 'expired' };
  return { ok: true, value: { attachmentId: claims.a, tenantId: claims.t, userId: claims.u, size: claims.s, contentType: claims.c, expiresAt: claims.e } };
}

export function signDownload(attachmentId: string, tenantId: string, expiresAt: number, key: Buffer): string {
  return `${tenantId}.${expiresAt}.${mac(key, 'download', `${attachmentId}.${tenantId}.${expiresAt}`)}`;
}

/** The tenant a download signature was made for, unless it is forged, malformed or expired. */
export function verifyDownload(attachmentId: string, sig: string, key: Buffer, now = Date.now()): TokenCheck<{ tenantId: string }> {
  const parts = sig.split('.');
  if (parts.length !== 3) return { ok: false, reason: 'invalid' };
  const [tenantId, expires, given] = parts as [string, string, string];
  if (!UUID.test(tenantId) || !/^\d{1,16}$/.test(expires)) return { ok: false, reason: 'invalid' };
  if (!sameMac(given, mac(key, 'download', `${attachmentId}.${tenantId}.${expires}`))) return { ok: false, reason: 'invalid' };
  if (Number(expires) <= now) return { ok: false, reason: 'expired' };
  return { ok: true, value: { tenantId } };
}
