import { describe, expect, it } from 'vitest';
import { currencyExponent, formatMinor } from './money.ts';

describe('currencyExponent', () => {
  it('knows the ISO 4217 exceptions and defaults to 2', () => {
    expect(currencyExponent('JPY')).toBe(0);
    expect(currencyExponent('KWD')).toBe(3);
    expect(currencyExponent('usd')).toBe(2);
    expect(currencyExponent('EUR')).toBe(2);
  });
});

describe('formatMinor', () => {
  it('places the decimal point by the currency exponent', () => {
    expect(formatMinor(123450n, 'USD')).toBe('1234.50');
    expect(formatMinor(1500n, 'JPY')).toBe('1500');
    expect(formatMinor(1234n, 'KWD')).toBe('1.234');
  });

  it('pads small amounts and keeps zero readable', () => {
    expect(formatMinor(5n, 'EUR')).toBe('0.05');
    expect(formatMinor(0n, 'EUR')).toBe('0.00');
    expect(formatMinor(7n, 'KWD')).toBe('0.007');
  });

  it('handles negative and very large amounts without losing precision', () => {
    expect(formatMinor(-250n, 'USD')).toBe('-2.50');
    expect(formatMinor(123456789012345678901234n, 'USD')).toBe('1234567890123456789012.34');
  });
});
