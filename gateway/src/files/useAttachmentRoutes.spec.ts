import { describe, expect, it } from 'vitest';
import { claimedTenant, grantedUploadSize } from './useAttachmentRoutes.ts';

const token = (claims: unknown) => `v1.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${'A'.repeat(43)}`;

describe('grantedUploadSize', () => {
  it('reads the size an upload token grants', () => {
    expect(grantedUploadSize(token({ a: 'x', s: 25_000 }))).toBe(25_000);
  });

  it('is null for a token without a readable size (the platform then refuses the token itself)', () => {
    expect(grantedUploadSize('v1.@@@.sig')).toBeNull();
    expect(grantedUploadSize(token({ s: '12' }))).toBeNull();
    expect(grantedUploadSize('garbage')).toBeNull();
  });
});

describe('claimedTenant', () => {
  const tenantId = '0b7a3c4e-1d2f-4a5b-8c9d-0e1f2a3b4c5d';

  it('reads the tenant an upload token or a download signature names', () => {
    expect(claimedTenant({ uploadToken: token({ a: 'x', t: tenantId, s: 1 }) })).toBe(tenantId);
    expect(claimedTenant({ uploadToken: token({ a: 'x', t: tenantId.toUpperCase(), s: 1 }) })).toBe(tenantId);
    expect(claimedTenant({ downloadSig: `${tenantId}.1800000000000.${'A'.repeat(43)}` })).toBe(tenantId);
  });

  it('is null when none is readable (the platform then refuses the credential itself)', () => {
    expect(claimedTenant({ uploadToken: token({ t: 'acme' }) })).toBeNull();
    expect(claimedTenant({ uploadToken: 'v1.@@@.sig' })).toBeNull();
    expect(claimedTenant({ downloadSig: '' })).toBeNull();
    expect(claimedTenant({ downloadSig: 'not-a-tenant.1.sig' })).toBeNull();
  });
});
