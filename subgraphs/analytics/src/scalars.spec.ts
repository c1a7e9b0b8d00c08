import { describe, expect, it } from 'vitest';
import { Kind } from 'graphql';
import { DecimalScalar } from './scalars.ts';

describe('Decimal', () => {
  it('accepts decimal strings only', () => {
    expect(DecimalScalar.parseValue('1234.50')).toBe('1234.50');
    expect(DecimalScalar.parseLiteral({ kind: Kind.STRING, value: '-3' })).toBe('-3');
    expect(() => DecimalScalar.parseValue(12.5)).toThrow(expect.objectContaining({ extensions: { code: 'BAD_USER_INPUT' } }));
    expect(() => DecimalScalar.parseValue('1e3')).toThrow(/Decimal/);
  });
});
