import { describe, expect, it } from 'vitest';
import { formatAmount, MoneyError, parseAmount, parseCurrency } from './money.ts';

describe('parseCurrency', () => {
  it('normalizes known codes', () => {
    expect(parseCurrency(' usd ')).toBe('USD');
    expect(parseCurrency('KWD')).toBe('KWD');
  });

  it.each(['XXX', 'US', 'US1', ''])('rejects %j', (code) => {
    expect(() => parseCurrency(code)).toThrow(MoneyError);
  });
});

describe('parseAmount', () => {
  it.each([
    ['1250.50', 'USD', 125050n],
    ['1250.5', 'USD', 125050n],
    ['1250', 'USD', 125000n],
    ['0', 'EUR', 0n],
    ['10.500', 'USD', 1050n],
    ['1000', 'JPY', 1000n],
    ['1000.0', 'JPY', 1000n],
    ['1.234', 'KWD', 1234n],
    ['007.10', 'GBP', 710n],
    ['9223372036854775.807', 'KWD', 9223372036854775807n],
  ])('parses %s %s as %s minor units', (input, currency, minor) => {
    expect(parseAmount(input, currency)).toBe(minor);
  });

  it.each([
    ['-1', 'USD', 'negative'],
    ['abc', 'USD', 'decimal number'],
    ['1e3', 'USD', 'decimal number'],
    ['1.', 'USD', 'decimal number'],
    ['.5', 'USD', 'decimal number'],
    ['1,5', 'USD', 'decimal number'],
    ['1.005', 'USD', 'more than 2 decimals'],
    ['1.5', 'JPY', 'whole number'],
    ['1.2345', 'KWD', 'more than 3 decimals'],
    ['9223372036854775808', 'JPY', 'too large'],
  ])('rejects %s %s', (input, currency, message) => {
    const error = (() => {
      try {
        parseAmount(input, currency);
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(MoneyError);
    expect((error as MoneyError).field).toBe('amount');
    expect((error as MoneyError).message).toContain(message);
  });
});

describe('formatAmount', () => {
  it.each([
    [125050n, 'USD', '1250.50'],
    [5n, 'USD', '0.05'],
    [0n, 'EUR', '0.00'],
    [1000n, 'JPY', '1000'],
    [1234n, 'KWD', '1.234'],
    [-150n, 'USD', '-1.50'],
  ])('formats %s %s as %s', (minor, currency, text) => {
    expect(formatAmount(minor, currency)).toBe(text);
  });

  it('round-trips with parseAmount', () => {
    for (const [text, currency] of [['19.99', 'USD'], ['0.001', 'KWD'], ['42', 'JPY']] as const) {
      expect(formatAmount(parseAmount(text, currency), currency)).toBe(text);
    }
  });
});
