import { describe, expect, it } from 'vitest';
import { addDecimals, formatMoney, percentOf, totalsByCurrency } from './money.ts';

describe('addDecimals', () => {
  it('adds exactly where floating point would not', () => {
    expect(addDecimals('0.1', '0.2')).toBe('0.3');
    expect(addDecimals('9007199254740993.01', '0.99')).toBe('9007199254740994.00');
  });

  it('keeps the larger scale and handles negatives', () => {
    expect(addDecimals('1', '0.005')).toBe('1.005');
    expect(addDecimals('-1.50', '1')).toBe('-0.50');
    expect(addDecimals('-0.25', '-0.25')).toBe('-0.50');
  });

  it('rejects what is not a decimal amount', () => {
    expect(() => addDecimals('1e3', '1')).toThrow(RangeError);
    expect(() => addDecimals('', '1')).toThrow(RangeError);
  });
});

describe('totalsByCurrency', () => {
  it('sums per currency, sorted by code', () => {
    expect(
      totalsByCurrency([
        { amount: '100', currency: 'USD' },
        { amount: '5', currency: 'JPY' },
        { amount: '0.50', currency: 'USD' },
      ]),
    ).toEqual([
      { currency: 'JPY', amount: '5' },
      { currency: 'USD', amount: '100.50' },
    ]);
  });
});

describe('formatMoney', () => {
  it('formats with the currency of the amount', () => {
    expect(formatMoney('1250.5', 'USD', 'en-US')).toBe('$1,250.50');
    expect(formatMoney('1250', 'JPY', 'en-US')).toBe('¥1,250');
  });

  it('keeps every digit of large amounts', () => {
    expect(formatMoney('12345678901234567.89', 'EUR', 'en-US')).toBe('€12,345,678,901,234,567.89');
  });

  it('falls back to amount and code for a code the runtime does not know', () => {
    expect(formatMoney('10', 'NOT-A-CODE', 'en-US')).toBe('10 NOT-A-CODE');
  });
});

describe('percentOf', () => {
  it('weights an amount by a whole percentage, exactly', () => {
    expect(percentOf('12000', 25)).toBe('3000.00');
    expect(percentOf('0.10', 33)).toBe('0.0330');
    expect(percentOf('9007199254740993', 100)).toBe('9007199254740993.00');
    expect(percentOf('-50', 10)).toBe('-5.00');
  });

  it('refuses a fractional percentage', () => {
    expect(() => percentOf('1', 12.5)).toThrow(RangeError);
  });
});

describe('masked amounts', () => {
  it('are shown as Hidden and left out of totals', () => {
    expect(formatMoney(null, 'USD', 'en-US')).toBe('Hidden');
    expect(totalsByCurrency([{ amount: '10.00', currency: 'USD' }, { amount: null, currency: 'USD' }, { amount: null, currency: 'EUR' }])).toEqual([{ currency: 'USD', amount: '10.00' }]);
  });
});
