/**
 * Access tokens: short-lived EdDSA (Ed25519) JWTs that the gateway verifies against
 * the platform's JWKS. Claims: `sub` user id, `tid` tenant id, `roles`, `email`.
 */
import { randomUUID } from 'node:crypto';
import { SignJWT, type CryptoKey } from 'jose';

export const ACCESS_TOKEN = {
  algorithm: 'EdDSA',
  issuer: 'crm-platform',
  audience: 'crm-api',
  /** 15 minutes. */
  ttlSeconds: 15 * 60,
} as const;

export interface AccessTokenSubject {
  userId: string;
  tenantId: string;
  roles: string[];
  email: string;
}

export interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
}

export async function signAccessToken(key: SigningKey, subject: AccessTokenSubject, now: Date = new Date()): Promise<string> {
  const issuedAt = Math.floor(now.getTime() / 1000);
  return new SignJWT({ tid: subject.tenantId, roles: subject.roles, email: subject.email })
    .setProtectedHeader({ alg: ACCESS_TOKEN.algorithm, kid: key.kid, typ: 'JWT' })
    .setIssuer(ACCESS_TOKEN.issuer)
    .setAudience(ACCESS_TOKEN.audience)
    .setSubject(subject.userId)
    .setJti(randomUUID())
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + ACCESS_TOKEN.ttlSeconds)
    .sign(key.privateKey);
}
