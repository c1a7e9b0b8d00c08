import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { fileKey, signDownload, signUploadToken, verifyDownload, verifyUploadToken } from './signed-urls.ts';

const key = fileKey('a signing secret of at least thirty-two characters');
const grant = { attachmentId: randomUUID(), tenantId: randomUUID(), userId: randomUUID(), size: 1234, contentType: 'application/pdf', expiresAt: Date.now() + 60_000 };

describe('upload tokens', () => {
  it('carry the grant they were signed with', () => {
    expect(verifyUploadToken(signUploadToken(grant, key), key)).toEqual({ ok: true, value: grant });
  });

  it('are refused when expired, altered or signed with another key', () => {
    const token = signUploadToken(grant, key);
    expect(verifyUploadToken(token, key, grant.expiresAt)).toEqual({ ok: false, reason: 'expired' });
    const [version, body, mac] = token.split('.') as [string, string, string];
    const bigger = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(body, 'base64url').toString()), s: 10_000_000 })).toString('base64url');
    expect(verifyUploadToken(`${version}.${bigger}.${mac}`, key)).toEqual({ ok: false, reason: 'invalid' });
    expect(verifyUploadToken(signUploadToken(grant, fileKey('another secret of at least thirty-two chars')), key)).toEqual({ ok: false, reason: 'invalid' });
    expect(verifyUploadToken('v1.garbage', key)).toEqual({ ok: false, reason: 'invalid' });
  });
});

describe('download signatures', () => {
  it('are bound to the attachment, the tenant and the expiry', () => {
    const sig = signDownload(grant.attachmentId, grant.tenantId, grant.expiresAt, key);
    expect(verifyDownload(grant.attachmentId, sig, key)).toEqual({ ok: true, value: { tenantId: grant.tenantId } });
    expect(verifyDownload(randomUUID(), sig, key)).toEqual({ ok: false, reason: 'invalid' });
    expect(verifyDownload(grant.attachmentId, sig.replace(grant.tenantId, randomUUID()), key)).toEqual({ ok: false, reason: 'invalid' });
    expect(verifyDownload(grant.attachmentId, sig, key, grant.expiresAt + 1)).toEqual({ ok: false, reason: 'expired' });
  });
});
