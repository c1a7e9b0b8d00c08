import { describe, expect, it } from 'vitest';
import { basisPointsOf, lineInputOf, newLineInput, percentLabel } from './line-items.ts';

describe('lineInputOf', () => {
  it('writes a product line back as it is, keeping a null tax rate', () => {
    expect(
      lineInputOf({ description: 'Seat', quantity: '2.000', unitPrice: '10.00', discountRateBps: 1000, discountAmount: '2.00', taxRateBps: null, product: { id: 'p1' } }),
    ).toEqual({ productId: 'p1', description: 'Seat', quantity: '2.000', unitPrice: '10.00', discountRateBps: 1000, discountAmount: null, taxRateBps: null });
  });

  it('keeps an amount discount when there is no rate', () => {
    expect(lineInputOf({ description: 'Setup', quantity: '1', unitPrice: '500.00', discountAmount: '50.00', taxRateBps: 2000 })).toEqual({
      productId: null,
      description: 'Setup',
      quantity: '1',
      unitPrice: '500.00',
      discountRateBps: null,
      discountAmount: '50.00',
      taxRateBps: 2000,
    });
  });
});

describe('basisPointsOf', () => {
  it('reads percentages', () => {
    expect(basisPointsOf('10', 'Tax')).toBe(1000);
    expect(basisPointsOf('12.5', 'Tax')).toBe(1250);
    expect(basisPointsOf('7,25 %', 'Tax')).toBe(725);
    expect(basisPointsOf(' ', 'Tax')).toBeNull();
  });

  it('refuses what is not a percentage between 0 and 100', () => {
    expect(() => basisPointsOf('abc', 'The discount')).toThrow('The discount must be a percentage');
    expect(() => basisPointsOf('-5', 'Tax')).toThrow(RangeError);
    expect(() => basisPointsOf('1.234', 'Tax')).toThrow(RangeError);
    expect(() => basisPointsOf('150', 'Tax')).toThrow('cannot be more than 100 %');
  });
});

describe('newLineInput', () => {
  it('leaves price, description and tax to the product when not typed', () => {
    expect(newLineInput({ productId: 'p1', description: null, quantity: '3', unitPrice: null, discountPercent: null, taxPercent: null })).toEqual({
      productId: 'p1',
      quantity: '3',
    });
  });

  it('sends what was typed', () => {
    expect(newLineInput({ productId: null, description: 'Training', quantity: null, unitPrice: '900', discountPercent: '5', taxPercent: '20' })).toEqual({
      description: 'Training',
      quantity: '1',
      unitPrice: '900',
      discountRateBps: 500,
      taxRateBps: 2000,
    });
  });
});

describe('percentLabel', () => {
  it('shows basis points as a percentage', () => {
    expect(percentLabel(1250)).toBe('12.5 %');
    expect(percentLabel(null)).toBe('—');
  });
});
