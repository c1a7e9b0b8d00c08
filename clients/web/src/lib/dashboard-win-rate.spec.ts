import { describe, expect, it } from 'vitest';
import { lastMonths, monthLabel, overallWinRate, winRateFilters, winRateSeries } from './dashboard-win-rate.ts';

describe('lastMonths', () => {
  it('lists the months ending with the current one, oldest first, across a year end', () => {
    expect(lastMonths(new Date(2026, 10, 26))).toEqual(['2026-06', '2026-07', '2026-08', '2026-09', '2026-10', '2026-11']);
    expect(lastMonths(new Date(2026, 1, 3), 3)).toEqual(['2025-12', '2026-01', '2026-02']);
  });
});

describe('winRateFilters', () => {
  it('counts won and lost deals expected to close from the first month up to the end of the last', () => {
    expect(winRateFilters(['2026-07', '2026-08', '2026-12'])).toEqual({
      won: { status: { eq: 'WON' }, expectedCloseDate: { gte: '2026-07-01', lt: '2027-01-01' } },
      lost: { status: { eq: 'LOST' }, expectedCloseDate: { gte: '2026-07-01', lt: '2027-01-01' } },
    });
    expect(() => winRateFilters([])).toThrow(RangeError);
  });
});

describe('winRateSeries', () => {
  const months = ['2026-09', '2026-10', '2026-11'];

  it('gives won / (won + lost) per month, null for a month without closed deals', () => {
    const points = winRateSeries(
      months,
      [{ key: '2026-11', count: 1 }, { key: '2026-09', count: 2 }, { key: '2026-01', count: 7 }],
      [{ key: '2026-11', count: 1 }, { key: '2026-09', count: 1 }, { key: null, count: 4 }],
    );
    expect(points).toEqual([
      { month: '2026-09', label: 'Sep 2026', won: 2, lost: 1, rate: 66.7 },
      { month: '2026-10', label: 'Oct 2026', won: 0, lost: 0, rate: null },
      { month: '2026-11', label: 'Nov 2026', won: 1, lost: 1, rate: 50 },
    ]);
    expect(overallWinRate(points)).toBe(60);
  });

  it('has no overall rate without closed deals', () => {
    expect(overallWinRate(winRateSeries(months, [], []))).toBeNull();
    expect(overallWinRate(winRateSeries(months, [], [{ key: '2026-10', count: 3 }]))).toBe(0);
  });

  it('labels months in UTC, whatever the time zone', () => {
    expect(monthLabel('2026-01')).toBe('Jan 2026');
    expect(monthLabel('2025-12')).toBe('Dec 2025');
  });
});
