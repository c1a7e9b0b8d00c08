import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { isUuid, pageSize, parseInput, recordId } from './arguments.ts';

const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return (error as { extensions?: Record<string, unknown> }).extensions;
  }
  return undefined;
};

describe('pageSize', () => {
  it('defaults to 50 and accepts 1..100', () => {
    expect(pageSize(undefined)).toBe(50);
    expect(pageSize(null)).toBe(50);
    expect(pageSize(1)).toBe(1);
    expect(pageSize(100)).toBe(100);
  });

  it('rejects anything outside 1..100 as BAD_USER_INPUT on the field', () => {
    for (const first of [0, -1, 101, 1.5]) expect(codeOf(() => pageSize(first))).toEqual({ code: 'BAD_USER_INPUT', field: 'first' });
  });
});

describe('recordId', () => {
  it('accepts uuids (lowercased) and rejects anything else', () => {
    expect(recordId('0B7C6E4A-1F2D-4C3B-9A8E-7D6C5B4A3F21')).toBe('0b7c6e4a-1f2d-4c3b-9a8e-7d6c5b4a3f21');
    expect(isUuid('nope')).toBe(false);
    expect(codeOf(() => recordId("1' OR 1=1", 'userId'))).toEqual({ code: 'BAD_USER_INPUT', field: 'userId' });
  });
});

describe('parseInput', () => {
  const schema = z.object({ name: z.string().min(1), age: z.number().int() });

  it('returns the parsed value', () => {
    expect(parseInput(schema, { name: 'Ada', age: 36 })).toEqual({ name: 'Ada', age: 36 });
  });

  it('reports every problem in one BAD_USER_INPUT error, naming the first field', () => {
    try {
      parseInput(schema, { name: '', age: 'x' });
      expect.unreachable();
    } catch (error) {
      const { message, extensions } = error as { message: string; extensions: Record<string, unknown> };
      expect(extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'name' });
      expect(message).toMatch(/^name: .+; age: .+/);
    }
  });
});
