import { describe, expect, it } from 'vitest';
import { decodeKeysetCursor, encodeKeysetCursor } from './keyset-cursor.ts';

describe('keyset cursors', () => {
  it('round-trips a position', () => {
    const position = { at: new Date('2026-11-26T10:00:00.123Z'), id: '0b9a4c1e-7d3f-4a56-9a1b-2c3d4e5f6a7b' };
    expect(decodeKeysetCursor(encodeKeysetCursor(position))).toEqual(position);
  });

  it('rejects anything else', () => {
    const encoded = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    for (const bad of ['', 'nope', encoded([1, 2]), encoded(['x', '0b9a4c1e-7d3f-4a56-9a1b-2c3d4e5f6a7b']), encoded(['2026-11-26T10:00:00Z', 'not-a-uuid']), encoded({ at: 1 })]) {
      expect(decodeKeysetCursor(bad)).toBeNull();
    }
  });
});
