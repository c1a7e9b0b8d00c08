import { describe, expect, it } from 'vitest';
import { attainmentPercent, categoryOf, checkPeriod, figuresOf, nearestWeekAgo, periodRange, weighted, type ForecastInput } from './forecast-rules.ts';

const deal = (over: Partial<ForecastInput>): ForecastInput => ({
  dealId: 'd',
  ownerId: 'o',
  status: 'OPEN',
  category: 'PIPELINE',
  amountMinor: 100_00n,
  currency: 'USD',
  probability: 50,
  expectedCloseDate: new Date('2026-11-15T00:00:00Z'),
  closedAt: null,
  ...over,
});

describe('forecast rules', () => {
  it('defaults categories from the stage probability; outcomes win over choices', () => {
    expect(categoryOf('OPEN', 90, null)).toBe('COMMIT');
    expect(categoryOf('OPEN', 60, null)).toBe('BEST_CASE');
    expect(categoryOf('OPEN', 59, null)).toBe('PIPELINE');
    expect(categoryOf('OPEN', 10, 'COMMIT')).toBe('COMMIT');
    expect(categoryOf('WON', 100, 'OMITTED')).toBe('CLOSED');
    expect(categoryOf('LOST', 0, 'COMMIT')).toBe('OMITTED');
  });

  it('knows months and quarters', () => {
    expect(periodRange({ kind: 'QUARTER', year: 2026, index: 4 })).toEqual({ start: new Date('2026-10-01T00:00:00Z'), end: new Date('2027-01-01T00:00:00Z') });
    expect(periodRange({ kind: 'MONTH', year: 2026, index: 12 }).end).toEqual(new Date('2027-01-01T00:00:00Z'));
    expect(() => checkPeriod({ kind: 'QUARTER', year: 2026, index: 5 })).toThrow('period.index must be between 1 and 4');
  });

  it('adds figures per category without overlap, weighted half up, other currencies left out', () => {
    const period = { kind: 'MONTH' as const, year: 2026, index: 11 };
    const figures = figuresOf(
      [
        deal({ dealId: 'a', category: 'COMMIT', amountMinor: 1_000_01n, probability: 90 }),
        deal({ dealId: 'b', category: 'PIPELINE', amountMinor: 5n, probability: 50 }),
        deal({ dealId: 'c', status: 'WON', category: 'CLOSED', closedAt: new Date('2026-11-02T10:00:00Z'), amountMinor: 300_00n }),
        deal({ dealId: 'd', category: 'OMITTED' }),
        deal({ dealId: 'e', currency: 'EUR' }),
        deal({ dealId: 'f', expectedCloseDate: new Date('2026-12-01T00:00:00Z') }),
      ],
      period,
      'USD',
    );
    expect(figures.commit.amountMinor).toBe(1_000_01n);
    expect(figures.pipeline.lines.map((line) => line.dealId)).toEqual(['b']);
    expect(figures.closedWon.amountMinor).toBe(300_00n);
    expect(figures.weightedPipeline.amountMinor).toBe(weighted(1_000_01n, 90) + 3n);
    expect(weighted(1_000_01n, 90)).toBe(900_01n);
    expect(figures.otherCurrency).toBe(1);
    expect(attainmentPercent(300_00n, 800_00n)).toBe('37.50');
    expect(attainmentPercent(1n, 3n)).toBe('33.33');
    expect(attainmentPercent(1n, null)).toBeNull();
  });

  it('picks the snapshot nearest to a week ago', () => {
    const today = new Date('2026-11-26T00:00:00Z');
    const days = ['2026-11-25', '2026-11-20', '2026-11-18', '2026-11-10'].map((day) => new Date(`${day}T00:00:00Z`));
    expect(nearestWeekAgo(days, today)).toEqual(new Date('2026-11-18T00:00:00Z'));
    expect(nearestWeekAgo([today], today)).toBeNull();
  });
});
