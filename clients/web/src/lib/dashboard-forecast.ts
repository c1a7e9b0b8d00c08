/**
 * Forecast vs quota on the dashboard: the current quarter, each owner's closed won, commit, best
 * case and pipeline figures as chart numbers (the categories do not overlap, so they stack), the
 * owner's quota and attainment, and the deals behind one figure.
 */
import { chartNumber } from './pipeline-chart.ts';

export type ForecastCategoryKey = 'closedWon' | 'commit' | 'bestCase' | 'pipeline';

/** The figures of a forecast group, in the order they stack on the chart. */
export const FORECAST_CATEGORIES: ReadonlyArray<{ key: ForecastCategoryKey; label: string }> = [
  { key: 'closedWon', label: 'Closed won' },
  { key: 'commit', label: 'Commit' },
  { key: 'bestCase', label: 'Best case' },
  { key: 'pipeline', label: 'Pipeline' },
];

export interface ForecastDealLike {
  dealId: string;
  /** Null when the tenant masks this deal's amounts for the user. */
  amount: string | null;
  deal?: { id: string; name: string } | null;
}

export interface ForecastFigureLike {
  /** Null when the tenant masks the amounts of a deal behind it for the user. */
  amount: string | null;
  deals: readonly ForecastDealLike[];
}

export interface ForecastGroupLike {
  owner?: { id: string; name: string } | null;
  teamId?: string | null;
  quota?: { amount: string } | null;
  attainmentPercent?: string | null;
  otherCurrencyDeals: number;
  closedWon: ForecastFigureLike;
  commit: ForecastFigureLike;
  bestCase: ForecastFigureLike;
  pipeline: ForecastFigureLike;
}

export interface QuarterPeriod {
  kind: 'QUARTER';
  year: number;
  index: number;
}

/** One owner's bar: chart numbers per category, the quota (null without one) and exact amounts. */
export interface ForecastRow {
  id: string;
  name: string;
  closedWon: number;
  commit: number;
  bestCase: number;
  pipeline: number;
  quota: number | null;
  quotaAmount: string | null;
  /** closed won / quota, as the API computed it (`"25.00"`); null without a quota. */
  attainmentPercent: string | null;
  amounts: Record<ForecastCategoryKey, string | null>;
  otherCurrencyDeals: number;
}

/** A deal behind one figure, for the list under the chart. */
export interface FigureDeal {
  id: string;
  name: string;
  amount: string | null;
}

/** The calendar quarter `now` falls in (local time). */
export function currentQuarter(now: Date): QuarterPeriod {
  return { kind: 'QUARTER', year: now.getFullYear(), index: Math.floor(now.getMonth() / 3) + 1 };
}

export function quarterLabel(period: { year: number; index: number }): string {
  return `Q${period.index} ${period.year}`;
}

/**
 * The currency to chart: the one most of the caller's deals are in (`dealsGroupBy(CURRENCY)`
 * lists the largest group first), else `fallback`.
 */
export function chartCurrency(groups: ReadonlyArray<{ key?: string | null; count: number }>, fallback = 'USD'): string {
  let best: { key: string; count: number } | null = null;
  for (const group of groups) {
    if (!group.key) continue;
    if (!best || group.count > best.count) best = { key: group.key, count: group.count };
  }
  return best?.key ?? fallback;
}

function groupId(group: ForecastGroupLike): string {
  return group.owner?.id ?? group.teamId ?? 'unassigned';
}

function groupName(group: ForecastGroupLike): string {
  return group.owner?.name ?? (group.teamId ? 'Team' : 'No owner');
}

/** One row per owner, by name. */
export function forecastRows(groups: readonly ForecastGroupLike[]): ForecastRow[] {
  return groups
    .map((group) => ({
      id: groupId(group),
      name: groupName(group),
      closedWon: chartNumber(group.closedWon.amount),
      commit: chartNumber(group.commit.amount),
      bestCase: chartNumber(group.bestCase.amount),
      pipeline: chartNumber(group.pipeline.amount),
      quota: group.quota ? chartNumber(group.quota.amount) : null,
      quotaAmount: group.quota?.amount ?? null,
      attainmentPercent: group.quota ? (group.attainmentPercent ?? null) : null,
      amounts: {
        closedWon: group.closedWon.amount,
        commit: group.commit.amount,
        bestCase: group.bestCase.amount,
        pipeline: group.pipeline.amount,
      },
      otherCurrencyDeals: group.otherCurrencyDeals,
    }))
    .sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
}

/** True when at least one owner has a quota for the period. */
export function hasAnyQuota(rows: readonly ForecastRow[]): boolean {
  return rows.some((row) => row.quota !== null);
}

/** True when every figure of every owner is zero and there is no quota: nothing to chart. */
export function isEmptyForecast(rows: readonly ForecastRow[]): boolean {
  return rows.every((row) => row.quota === null && FORECAST_CATEGORIES.every(({ key }) => row[key] === 0));
}

/** The deals behind one owner's figure, largest first (then by name). */
export function dealsBehind(groups: readonly ForecastGroupLike[], ownerId: string, category: ForecastCategoryKey): FigureDeal[] {
  const group = groups.find((g) => groupId(g) === ownerId);
  if (!group) return [];
  return group[category].deals
    .map((d) => ({ id: d.deal?.id ?? d.dealId, name: d.deal?.name ?? 'A deal you can no longer open', amount: d.amount }))
    .sort((a, b) => chartNumber(b.amount) - chartNumber(a.amount) || a.name.localeCompare(b.name));
}

/** "25.00" → "25 %", "42.50" → "42.5 %"; null → "no quota". */
export function formatAttainment(percent: string | null): string {
  if (percent === null) return 'no quota';
  const value = Number(percent);
  return Number.isFinite(value) ? `${new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 }).format(value)} %` : `${percent} %`;
}
