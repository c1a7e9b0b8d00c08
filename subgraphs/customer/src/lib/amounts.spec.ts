import { describe, expect, it } from 'vitest';
import { fromMinorUnits, minorDigits, parseMoneyCell, toMinorUnits } from './amounts.ts';

describe('amounts', () => {
  it('knows each currency’s minor digits', () => {
    expect([minorDigits('USD'), minorDigits('JPY'), minorDigits('KWD')]).toEqual([2, 0, 3]);
    expect(minorDigits('usd')).toBeNull();
    expect(minorDigits('XXQ')).toBeNull();
  });

  it('reads sheet amounts exactly and writes them back', () => {
    expect(toMinorUnits('1,250,000.50', 2)).toBe('125000050');
    expect(toMinorUnits('12.345', 2)).toBeNull();
    expect(fromMinorUnits('120050', 2)).toBe('1200.50');
    expect(fromMinorUnits('5', 2)).toBe('0.05');
    expect(fromMinorUnits('-5', 2)).toBe('-0.05');
    expect(fromMinorUnits('1500', 0)).toBe('1500');
  });

  it('reads an amount with its currency on either side', () => {
    expect(parseMoneyCell('1,200.50 EUR')).toEqual({ amountMinor: '120050', currency: 'EUR' });
    expect(parseMoneyCell('jpy 1500')).toEqual({ amountMinor: '1500', currency: 'JPY' });
    expect(parseMoneyCell('1200.50')).toBeNull();
    expect(parseMoneyCell('EUR 12 USD')).toBeNull();
    expect(parseMoneyCell('12 QQQ')).toBeNull();
    expect(parseMoneyCell('1.005 USD')).toBeNull();
  });
});
