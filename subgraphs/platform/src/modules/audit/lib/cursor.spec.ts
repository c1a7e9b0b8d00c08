import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from './cursor.ts';

describe('audit cursors', () => {
  it('round-trips a position', () => {
    const position = { occurredAt: new Date('2026-11-26T10:00:00.123Z'), id: '0b9a4c1e-7d3f-4a56-9a1b-2c3d4e5f6a7b' };
    expect(decodeCursor(encodeCursor(position))).toEqual(position);
  });

  it('rejects anything else', () => {
    for (const bad of ['', 'nope', Buffer.from('[1,2]').toString('base64url'), Buffer.from('["x","0b9a4c1e-7d3f-4a56-9a1b-2c3d4e5f6a7b"]').toString('base64url'), Buffer.from('["2026-11-26T10:00:00Z","not-a-uuid"]').toString('base64url')]) {
      expect(decodeCursor(bad)).toBeNull();
    }
  });
});
