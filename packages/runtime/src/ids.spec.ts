import { describe, expect, it } from 'vitest';
import { isUuid } from './ids.ts';

describe('isUuid', () => {
  it('accepts UUIDs in any case and nothing else', () => {
    expect(isUuid('0b9a4c1e-7d3f-4a56-9a1b-2c3d4e5f6a7b')).toBe(true);
    expect(isUuid('0B9A4C1E-7D3F-4A56-9A1B-2C3D4E5F6A7B')).toBe(true);
    expect(isUuid('deal-1')).toBe(false);
    expect(isUuid(42)).toBe(false);
    expect(isUuid(null)).toBe(false);
  });
});
