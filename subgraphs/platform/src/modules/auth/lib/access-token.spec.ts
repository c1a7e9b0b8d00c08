import { exportJWK, generateKeyPair, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { ACCESS_TOKEN, signAccessToken } from './access-token.ts';

describe('signAccessToken', () => {
  it('signs an EdDSA JWT with the platform issuer, API audience, kid and claims', async () => {
    const { privateKey, publicKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
    const now = new Date();
    const token = await signAccessToken(
      { kid: 'key-1', privateKey },
      { userId: 'u-1', tenantId: 't-1', roles: ['SALES_REP'], email: 'rep@example.com' },
      now,
    );

    const { payload, protectedHeader } = await jwtVerify(token, publicKey, {
      issuer: 'crm-platform',
      audience: 'crm-api',
      algorithms: ['EdDSA'],
      currentDate: now,
    });
    expect(protectedHeader).toEqual({ alg: 'EdDSA', kid: 'key-1', typ: 'JWT' });
    expect(payload).toMatchObject({ sub: 'u-1', tid: 't-1', roles: ['SALES_REP'], email: 'rep@example.com' });
    expect(payload.exp! - payload.iat!).toBe(ACCESS_TOKEN.ttlSeconds);
    expect(payload.jti).toEqual(expect.any(String));
    expect(await exportJWK(publicKey)).toMatchObject({ kty: 'OKP', crv: 'Ed25519' });
  });
});
