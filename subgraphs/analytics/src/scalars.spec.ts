import { describe, expect, it } from 'vitest';
import { Kind } from 'graphql';
import { DateTimeScalar, DecimalScalar } from './scalars.ts';

describe('DateTime', () => {
  it('serializes dates and ISO strings as ISO-8601', () => {
    expect(DateTimeScalar.serialize(new Date('2026-03-01T12:00:00Z'))).toBe('2026-03-01T12:00:00.000Z');
    expect(DateTimeScalar.serialize('2026-03-01T12:00:00+01:00')).toBe('2026-03-01T11:00:00.000Z');
  });

  it('rejects input that is not a date as BAD_USER_INPUT', () => {
    expect(() => DateTimeScalar.parseValue('yesterday')).toThrow(expect.objectContaining({ extensions: { code: 'BAD_USER_INPUT' } }));
    expect(() => DateTimeScalar.parseLiteral({ kind: Kind.INT, value: '1' })).toThrow(/ISO-8601/);
  });
});

describe('Decimal', () => {
  it('accepts decimal strings only', () => {
    expect(DecimalScalar.parseValue('1234.50')).toBe('1234.50');
    expect(DecimalScalar.parseLiteral({ kind: Kind.STRING, value: '-3' })).toBe('-3');
    expect(() => DecimalScalar.parseValue(12.5)).toThrow(expect.objectContaining({ extensions: { code: 'BAD_USER_INPUT' } }));
    expect(() => DecimalScalar.parseValue('1e3')).toThrow(/Decimal/);
  });
});
