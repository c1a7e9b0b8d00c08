import { describe, expect, it } from 'vitest';
import {
  chartCurrency,
  currentQuarter,
  dealsBehind,
  forecastRows,
  formatAttainment,
  hasAnyQuota,
  isEmptyForecast,
  quarterLabel,
  type ForecastFigureLike,
  type ForecastGroupLike,
} from './dashboard-forecast.ts';

const figure = (amount: string, deals: Array<[string, string, string | null]> = []): ForecastFigureLike => ({
  amount,
  deals: deals.map(([id, dealAmount, name]) => ({ dealId: id, amount: dealAmount, deal: name === null ? null : { id, name } })),
});

const group = (owner: { id: string; name: string } | null, parts: Partial<ForecastGroupLike> = {}): ForecastGroupLike => ({
  owner,
  quota: null,
  attainmentPercent: null,
  otherCurrencyDeals: 0,
  closedWon: figure('0.00'),
  commit: figure('0.00'),
  bestCase: figure('0.00'),
  pipeline: figure('0.00'),
  ...parts,
});

describe('currentQuarter', () => {
  it('maps months to quarters', () => {
    expect(currentQuarter(new Date(2026, 0, 1))).toEqual({ kind: 'QUARTER', year: 2026, index: 1 });
    expect(currentQuarter(new Date(2026, 2, 31, 23, 59))).toEqual({ kind: 'QUARTER', year: 2026, index: 1 });
    expect(currentQuarter(new Date(2026, 3, 1))).toEqual({ kind: 'QUARTER', year: 2026, index: 2 });
    expect(currentQuarter(new Date(2026, 10, 26))).toEqual({ kind: 'QUARTER', year: 2026, index: 4 });
    expect(quarterLabel({ year: 2026, index: 4 })).toBe('Q4 2026');
  });
});

describe('chartCurrency', () => {
  it('takes the currency with most deals, ignoring deals without one, else the fallback', () => {
    expect(chartCurrency([{ key: 'EUR', count: 2 }, { key: 'USD', count: 5 }, { key: null, count: 9 }])).toBe('USD');
    expect(chartCurrency([])).toBe('USD');
    expect(chartCurrency([], 'GBP')).toBe('GBP');
  });
});

describe('forecastRows', () => {
  const groups = [
    group({ id: 'u2', name: 'Zoe' }, { commit: figure('1500.50'), pipeline: figure('200.00') }),
    group(
      { id: 'u1', name: 'Ada' },
      { quota: { amount: '48000.00' }, attainmentPercent: '25.00', closedWon: figure('12000.00', [['d1', '12000.00', 'Renewal']]), otherCurrencyDeals: 1 },
    ),
  ];

  it('gives one row per owner by name with chart numbers, exact amounts, quota and attainment', () => {
    const rows = forecastRows(groups);
    expect(rows.map((r) => r.name)).toEqual(['Ada', 'Zoe']);
    expect(rows[0]).toMatchObject({ id: 'u1', closedWon: 12000, commit: 0, quota: 48000, quotaAmount: '48000.00', attainmentPercent: '25.00', otherCurrencyDeals: 1 });
    expect(rows[1]).toMatchObject({ id: 'u2', commit: 1500.5, pipeline: 200, quota: null, attainmentPercent: null });
    expect(rows[1]!.amounts).toEqual({ closedWon: '0.00', commit: '1500.50', bestCase: '0.00', pipeline: '200.00' });
  });

  it('tells whether any quota is set and whether there is anything to chart', () => {
    const rows = forecastRows(groups);
    expect(hasAnyQuota(rows)).toBe(true);
    expect(hasAnyQuota(rows.slice(1))).toBe(false);
    expect(isEmptyForecast(rows)).toBe(false);
    expect(isEmptyForecast(forecastRows([group({ id: 'u3', name: 'Max' })]))).toBe(true);
    expect(isEmptyForecast(forecastRows([group({ id: 'u3', name: 'Max' }, { quota: { amount: '1.00' } })]))).toBe(false);
  });

  it('names a group without an owner', () => {
    expect(forecastRows([group(null)])[0]).toMatchObject({ id: 'unassigned', name: 'No owner' });
  });
});

describe('dealsBehind', () => {
  const groups = [
    group({ id: 'u1', name: 'Ada' }, { commit: figure('300.00', [['d1', '100.00', 'Small'], ['d2', '200.00', 'Big'], ['d3', '0.00', null]]) }),
  ];

  it('lists the deals of one figure, largest first, naming deals the caller can no longer open', () => {
    expect(dealsBehind(groups, 'u1', 'commit')).toEqual([
      { id: 'd2', name: 'Big', amount: '200.00' },
      { id: 'd1', name: 'Small', amount: '100.00' },
      { id: 'd3', name: 'A deal you can no longer open', amount: '0.00' },
    ]);
    expect(dealsBehind(groups, 'u1', 'closedWon')).toEqual([]);
    expect(dealsBehind(groups, 'nobody', 'commit')).toEqual([]);
  });
});

describe('formatAttainment', () => {
  it('drops trailing zeros and says when there is no quota', () => {
    expect(formatAttainment('25.00')).toBe('25 %');
    expect(formatAttainment('42.50')).toBe('42.5 %');
    expect(formatAttainment('133.33')).toBe('133.33 %');
    expect(formatAttainment(null)).toBe('no quota');
  });
});
