import { Kind } from 'graphql';
import { describe, expect, it } from 'vitest';
import { DateTimeScalar } from './date-time.ts';

describe('DateTime scalar', () => {
  it('serialises dates and date strings as ISO-8601', () => {
    expect(DateTimeScalar.serialize(new Date(Date.UTC(2026, 10, 2, 9, 30)))).toBe('2026-11-02T09:30:00.000Z');
    expect(DateTimeScalar.serialize('2026-11-02T10:30:00+01:00')).toBe('2026-11-02T09:30:00.000Z');
  });

  it('parses ISO-8601 variables and literals', () => {
    expect(DateTimeScalar.parseValue('2026-11-02T09:30:00Z')).toEqual(new Date(Date.UTC(2026, 10, 2, 9, 30)));
    expect(DateTimeScalar.parseLiteral({ kind: Kind.STRING, value: '2026-11-02' })).toEqual(new Date(Date.UTC(2026, 10, 2)));
  });

  it('rejects anything else as BAD_USER_INPUT', () => {
    for (const value of ['yesterday', 1_700_000_000, '']) {
      expect(() => DateTimeScalar.parseValue(value)).toThrowError(expect.objectContaining({ extensions: { code: 'BAD_USER_INPUT' } }));
    }
    expect(() => DateTimeScalar.parseLiteral({ kind: Kind.INT, value: '1' })).toThrow(/ISO-8601/);
  });
});
