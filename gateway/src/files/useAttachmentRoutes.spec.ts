import { describe, expect, it } from 'vitest';
import { grantedUploadSize } from './useAttachmentRoutes.ts';

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
