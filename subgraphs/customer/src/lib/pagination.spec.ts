import { describe, expect, it } from 'vitest';
import { pageSize } from './pagination.ts';

describe('pageSize', () => {
  it('defaults to 50 and accepts 0..100', () => {
    expect(pageSize(undefined)).toBe(50);
    expect(pageSize(null)).toBe(50);
    expect(pageSize(0)).toBe(0);
    expect(pageSize(100)).toBe(100);
  });

  it.each([101, -1, 1.5])('rejects %s with BAD_USER_INPUT on first', (first) => {
    expect(() => pageSize(first)).toThrowError(expect.objectContaining({ extensions: { code: 'BAD_USER_INPUT', field: 'first' } }));
  });
});
