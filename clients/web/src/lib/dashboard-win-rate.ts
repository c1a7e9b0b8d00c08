/**
 * Win rate over time: won / (won + lost) per month of the deals' expected close date, over the
 * last months, from two `dealsGroupBy(field: CLOSE_MONTH)` counts (the API groups by one field).
 */

export interface MonthCount {
  key?: string | null;
  count: number;
}

export interface WinRatePoint {
  /** `YYYY-MM`. */
  month: string;
  label: string;
  won: number;
  lost: number;
  /** Percent, one decimal; null in a month without won or lost deals. */
  rate: number | null;
}

function monthKey(year: number, monthIndex: number): string {
  const date = new Date(Date.UTC(year, monthIndex, 1));
  return `${date.getUTCFullYear()}-${String(date.getUTCMonth() + 1).padStart(2, '0')}`;
}

/** The `count` months ending with `now`'s month (local time), oldest first, as `YYYY-MM`. */
export function lastMonths(now: Date, count = 6): string[] {
  const months: string[] = [];
  for (let back = count - 1; back >= 0; back -= 1) months.push(monthKey(now.getFullYear(), now.getMonth() - back));
  return months;
}

function nextMonth(month: string): string {
  const [year, index] = month.split('-').map(Number) as [number, number];
  return monthKey(year, index);
}

/** The filters of the two counts: won, and lost, deals expected to close within `months`. */
export function winRateFilters(months: readonly string[]) {
  const first = months[0];
  const last = months[months.length - 1];
  if (!first || !last) throw new RangeError('At least one month is needed');
  const expectedCloseDate = { gte: `${first}-01`, lt: `${nextMonth(last)}-01` };
  return {
    won: { status: { eq: 'WON' as const }, expectedCloseDate },
    lost: { status: { eq: 'LOST' as const }, expectedCloseDate },
  };
}

/** "2026-11" → "Nov 2026". */
export function monthLabel(month: string, locale = 'en-US'): string {
  const [year, index] = month.split('-').map(Number) as [number, number];
  return new Intl.DateTimeFormat(locale, { month: 'short', year: 'numeric', timeZone: 'UTC' }).format(new Date(Date.UTC(year, index - 1, 1)));
}

function countsByMonth(groups: readonly MonthCount[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const group of groups) if (group.key) counts.set(group.key, (counts.get(group.key) ?? 0) + group.count);
  return counts;
}

/** One point per month, in order; months outside `months` are ignored. */
export function winRateSeries(months: readonly string[], won: readonly MonthCount[], lost: readonly MonthCount[]): WinRatePoint[] {
  const wonBy = countsByMonth(won);
  const lostBy = countsByMonth(lost);
  return months.map((month) => {
    const w = wonBy.get(month) ?? 0;
    const l = lostBy.get(month) ?? 0;
    return { month, label: monthLabel(month), won: w, lost: l, rate: w + l === 0 ? null : Math.round((w / (w + l)) * 1000) / 10 };
  });
}

/** Win rate over the whole range (percent, one decimal), null without closed deals. */
export function overallWinRate(points: readonly WinRatePoint[]): number | null {
  const won = points.reduce((sum, p) => sum + p.won, 0);
  const lost = points.reduce((sum, p) => sum + p.lost, 0);
  return won + lost === 0 ? null : Math.round((won / (won + lost)) * 1000) / 10;
}
