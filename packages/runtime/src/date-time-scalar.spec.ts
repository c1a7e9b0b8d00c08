import { Kind } from 'graphql';
import { describe, expect, it } from 'vitest';
import { DateTimeScalar } from './date-time-scalar.ts';

const BAD_USER_INPUT = expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT' }) });

describe('DateTime scalar', () => {
  it('serialises dates, date strings and epoch milliseconds in UTC', () => {
    expect(DateTimeScalar.serialize(new Date(Date.UTC(2026, 10, 2, 9, 30)))).toBe('2026-11-02T09:30:00.000Z');
    expect(DateTimeScalar.serialize('2026-11-02T10:30:00+01:00')).toBe('2026-11-02T09:30:00.000Z');
    expect(DateTimeScalar.serialize(Date.UTC(2026, 10, 2))).toBe('2026-11-02T00:00:00.000Z');
    expect(() => DateTimeScalar.serialize({})).toThrow(TypeError);
  });

  it('parses instants with an offset and calendar dates (midnight UTC)', () => {
    expect(DateTimeScalar.parseValue('2026-11-02T09:30:00Z')).toEqual(new Date(Date.UTC(2026, 10, 2, 9, 30)));
    expect(DateTimeScalar.parseValue('2026-11-02T10:30:00.123+01:00')).toEqual(new Date(Date.UTC(2026, 10, 2, 9, 30, 0, 123)));
    expect(DateTimeScalar.parseLiteral({ kind: Kind.STRING, value: '2026-11-02' })).toEqual(new Date(Date.UTC(2026, 10, 2)));
  });

  it('refuses local times without offset and anything that is not ISO-8601 as BAD_USER_INPUT', () => {
    for (const value of ['2026-11-02T09:30:00', 'yesterday', 'Nov 2 2026', '2026-13-45T00:00:00Z', 1_700_000_000, '']) {
      expect(() => DateTimeScalar.parseValue(value)).toThrowError(BAD_USER_INPUT);
    }
    expect(() => DateTimeScalar.parseLiteral({ kind: Kind.INT, value: '1' })).toThrowError(BAD_USER_INPUT);
  });
});
