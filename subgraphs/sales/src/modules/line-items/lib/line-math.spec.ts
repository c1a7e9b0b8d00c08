import { describe, expect, it } from 'vitest';
import { checkRate, dealAmountOf, formatQuantity, LineItemError, lineTotals, parseQuantity, roundHalfEven, type LineFigures } from './line-math.ts';

const line = (quantity: string, unitPriceMinor: bigint, extra: Partial<LineFigures> = {}): LineFigures => ({
  quantity: parseQuantity(quantity),
  unitPriceMinor,
  discount: null,
  taxRateBps: null,
  ...extra,
});

describe('parseQuantity / formatQuantity', () => {
  it.each([
    ['1', 1000n, '1'],
    ['1.5', 1500n, '1.5'],
    ['0.125', 125n, '0.125'],
    ['2.500', 2500n, '2.5'],
    [' 10 ', 10000n, '10'],
  ])('reads %j as %s thousandths and shows %j', (input, thousandths, shown) => {
    expect(parseQuantity(input)).toBe(thousandths);
    expect(formatQuantity(thousandths)).toBe(shown);
  });

  it.each([
    ['-1', 'quantity must be greater than 0'],
    ['0', 'quantity must be greater than 0'],
    ['0.000', 'quantity must be greater than 0'],
    ['1.2345', 'quantity has more than 3 decimals'],
    ['1e3', 'quantity must be a decimal number such as "1.5"'],
    ['', 'quantity must be a decimal number such as "1.5"'],
    ['1000000000', 'quantity is too large'],
  ])('refuses %j', (input, message) => {
    expect(() => parseQuantity(input)).toThrow(message);
    expect(() => parseQuantity(input)).toThrow(LineItemError);
  });
});

describe('roundHalfEven', () => {
  it.each([
    [5n, 2n, 2n], // 2.5 → 2
    [7n, 2n, 4n], // 3.5 → 4
    [-5n, 2n, -2n],
    [-7n, 2n, -4n],
    [26n, 10n, 3n], // 2.6 → 3
    [24n, 10n, 2n], // 2.4 → 2
    [10n, 5n, 2n],
    [0n, 7n, 0n],
  ])('%s / %s → %s', (n, d, rounded) => {
    expect(roundHalfEven(n, d)).toBe(rounded);
  });
});

describe('lineTotals', () => {
  it('multiplies quantity by unit price exactly', () => {
    expect(lineTotals(line('3', 1999n))).toEqual({ subtotalMinor: 5997n, discountMinor: 0n, netMinor: 5997n, taxMinor: 0n, totalMinor: 5997n });
  });

  it('rounds a fractional quantity half-even: 0.5 × 0.05 = 0.025 → 0.02, 1.5 × 0.05 = 0.075 → 0.08', () => {
    expect(lineTotals(line('0.5', 5n)).totalMinor).toBe(2n);
    expect(lineTotals(line('1.5', 5n)).totalMinor).toBe(8n);
  });

  it('applies a rate discount, then tax on the discounted amount', () => {
    // 2 × 100.00 = 200.00; 12.5 % off = 25.00; net 175.00; 20 % tax = 35.00; total 210.00
    const totals = lineTotals(line('2', 10000n, { discount: { kind: 'RATE', basisPoints: 1250n }, taxRateBps: 2000n }));
    expect(totals).toEqual({ subtotalMinor: 20000n, discountMinor: 2500n, netMinor: 17500n, taxMinor: 3500n, totalMinor: 21000n });
  });

  it('applies an absolute discount', () => {
    const totals = lineTotals(line('1', 1000n, { discount: { kind: 'AMOUNT', minor: 250n }, taxRateBps: 1000n }));
    expect(totals).toEqual({ subtotalMinor: 1000n, discountMinor: 250n, netMinor: 750n, taxMinor: 75n, totalMinor: 825n });
  });

  it('rounds tax half-even: 19 % of 0.50 = 0.095 → 0.10; 7 % of 0.50 = 0.035 → 0.04; 5 % of 0.50 = 0.025 → 0.02', () => {
    expect(lineTotals(line('1', 50n, { taxRateBps: 1900n })).taxMinor).toBe(10n);
    expect(lineTotals(line('1', 50n, { taxRateBps: 700n })).taxMinor).toBe(4n);
    expect(lineTotals(line('1', 50n, { taxRateBps: 500n })).taxMinor).toBe(2n);
  });

  it('allows a discount equal to the line total and refuses one above it', () => {
    expect(lineTotals(line('2', 500n, { discount: { kind: 'AMOUNT', minor: 1000n } })).totalMinor).toBe(0n);
    expect(lineTotals(line('1', 500n, { discount: { kind: 'RATE', basisPoints: 10000n } })).totalMinor).toBe(0n);
    expect(() => lineTotals(line('2', 500n, { discount: { kind: 'AMOUNT', minor: 1001n } }))).toThrow('discountAmount is above the line total');
    expect(() => lineTotals(line('1', 500n, { discount: { kind: 'RATE', basisPoints: 10001n } }))).toThrow('discountRateBps is above the line total');
  });

  it('stays exact far beyond float precision', () => {
    // 1.5 × 9007199254740993 = 13510798882111489.5 → half-even 13510798882111490 (a float reads 13510798882111488)
    expect(lineTotals(line('1.5', 9_007_199_254_740_993n)).totalMinor).toBe(13_510_798_882_111_490n);
    // 2.5 × 9007199254740991 = 22517998136852477.5 → half-even 22517998136852478
    expect(lineTotals(line('2.5', 9_007_199_254_740_991n)).totalMinor).toBe(22_517_998_136_852_478n);
  });
});

describe('dealAmountOf', () => {
  it('sums exact line totals and rounds once', () => {
    // three lines of 0.5 × 0.01 = 0.005 each: rounded separately 0 + 0 + 0, exactly 0.015 → 0.02
    const lines = [line('0.5', 1n), line('0.5', 1n), line('0.5', 1n)];
    expect(lines.map((l) => lineTotals(l).totalMinor)).toEqual([0n, 0n, 0n]);
    expect(dealAmountOf(lines)).toBe(2n);
  });

  it('is zero without lines', () => {
    expect(dealAmountOf([])).toBe(0n);
  });

  it('adds discounts and tax across lines', () => {
    const lines = [
      line('2', 10000n, { discount: { kind: 'RATE', basisPoints: 1250n }, taxRateBps: 2000n }), // 210.00
      line('1', 1000n, { discount: { kind: 'AMOUNT', minor: 250n }, taxRateBps: 1000n }), // 8.25
    ];
    expect(dealAmountOf(lines)).toBe(21825n);
  });
});

describe('checkRate', () => {
  it('takes 0..10000 basis points', () => {
    expect(checkRate(0, 'taxRateBps', 'tax')).toBe(0n);
    expect(checkRate(10000, 'taxRateBps', 'tax')).toBe(10000n);
    expect(() => checkRate(10001, 'taxRateBps', 'tax')).toThrow('taxRateBps must be a whole number of basis points between 0 and 10000');
    expect(() => checkRate(-1, 'taxRateBps', 'tax')).toThrow(LineItemError);
  });
});
