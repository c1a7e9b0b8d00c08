/**
 * Forecast arithmetic, pure: periods, the default category of a deal, and the figures of one
 * group of deals. Amounts are minor units (BigInt) of one currency; nothing passes through a float.
 */
import type { DealStatus, ForecastCategory, ForecastPeriodKind } from '../../../__generated__/prisma/enums.ts';

export interface Period {
  kind: ForecastPeriodKind;
  year: number;
  /** Month 1..12 or quarter 1..4. */
  index: number;
}

/** Why a period was refused; `field` names the offending input field. */
export class PeriodError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/** Checks a period; years 2000..2100. */
export function checkPeriod(period: Period, prefix = 'period'): Period {
  if (!Number.isInteger(period.year) || period.year < 2000 || period.year > 2100) throw new PeriodError(`${prefix}.year`, `${prefix}.year must be between 2000 and 2100`);
  const max = period.kind === 'MONTH' ? 12 : 4;
  if (!Number.isInteger(period.index) || period.index < 1 || period.index > max) {
    throw new PeriodError(`${prefix}.index`, `${prefix}.index must be between 1 and ${max} for a ${period.kind === 'MONTH' ? 'month' : 'quarter'}`);
  }
  return period;
}

/** First day (inclusive) and the day after the last (exclusive), midnight UTC. */
export function periodRange(period: Period): { start: Date; end: Date } {
  const firstMonth = period.kind === 'MONTH' ? period.index - 1 : (period.index - 1) * 3;
  const months = period.kind === 'MONTH' ? 1 : 3;
  return { start: new Date(Date.UTC(period.year, firstMonth, 1)), end: new Date(Date.UTC(period.year, firstMonth + months, 1)) };
}

export const isoDay = (date: Date): string => date.toISOString().slice(0, 10);

/** Open deals at or above this probability default to COMMIT. */
export const COMMIT_PROBABILITY = 90;
/** Open deals at or above this probability (and below COMMIT) default to BEST_CASE. */
export const BEST_CASE_PROBABILITY = 60;

/**
 * The category a deal counts in: won → CLOSED and lost → OMITTED always; an open deal takes the
 * category its owner chose, else COMMIT from 90 %, BEST_CASE from 60 %, PIPELINE below.
 */
export function categoryOf(status: DealStatus, probability: number, chosen: ForecastCategory | null | undefined): ForecastCategory {
  if (status === 'WON') return 'CLOSED';
  if (status === 'LOST') return 'OMITTED';
  if (chosen && chosen !== 'CLOSED') return chosen;
  if (probability >= COMMIT_PROBABILITY) return 'COMMIT';
  if (probability >= BEST_CASE_PROBABILITY) return 'BEST_CASE';
  return 'PIPELINE';
}

/** A deal as the forecast sees it (now, or on a snapshot day). */
export interface ForecastInput {
  dealId: string;
  ownerId: string | null;
  status: DealStatus;
  category: ForecastCategory;
  amountMinor: bigint;
  currency: string;
  probability: number;
  expectedCloseDate: Date | null;
  closedAt: Date | null;
}

/** One deal behind a figure, with its weighted amount. */
export interface ForecastLine extends ForecastInput {
  weightedMinor: bigint;
}

export interface Figure {
  amountMinor: bigint;
  lines: ForecastLine[];
}

export interface Figures {
  closedWon: Figure;
  commit: Figure;
  bestCase: Figure;
  pipeline: Figure;
  weightedPipeline: Figure;
  /** Deals in the period in another currency (left out). */
  otherCurrency: number;
}

/** amount × probability / 100, rounded half up to the minor unit. */
export const weighted = (amountMinor: bigint, probability: number): bigint => (amountMinor * BigInt(probability) * 2n + 100n) / 200n;

const within = (date: Date | null, range: { start: Date; end: Date }) => date !== null && date >= range.start && date < range.end;

/**
 * The figures of a group's deals for a period in one currency: won deals closed in the period,
 * and open deals expected to close in it by category (OMITTED ones count nowhere).
 */
export function figuresOf(deals: readonly ForecastInput[], period: Period, currency: string): Figures {
  const range = periodRange(period);
  const empty = (): Figure => ({ amountMinor: 0n, lines: [] });
  const out: Figures = { closedWon: empty(), commit: empty(), bestCase: empty(), pipeline: empty(), weightedPipeline: empty(), otherCurrency: 0 };
  const add = (figure: Figure, line: ForecastLine, amount: bigint) => {
    figure.amountMinor += amount;
    figure.lines.push(line);
  };
  for (const deal of deals) {
    const won = deal.status === 'WON' && within(deal.closedAt, range);
    const open = deal.status === 'OPEN' && deal.category !== 'OMITTED' && within(deal.expectedCloseDate, range);
    if (!won && !open) continue;
    if (deal.currency !== currency) {
      out.otherCurrency += 1;
      continue;
    }
    const line: ForecastLine = { ...deal, weightedMinor: weighted(deal.amountMinor, deal.probability) };
    if (won) {
      add(out.closedWon, line, deal.amountMinor);
      continue;
    }
    if (deal.category === 'COMMIT') add(out.commit, line, deal.amountMinor);
    else if (deal.category === 'BEST_CASE') add(out.bestCase, line, deal.amountMinor);
    else add(out.pipeline, line, deal.amountMinor);
    add(out.weightedPipeline, line, line.weightedMinor);
  }
  return out;
}

/** closedWon / quota in percent with two decimals, rounded half up ("42.50"); null without a positive quota. */
export function attainmentPercent(closedWonMinor: bigint, quotaMinor: bigint | null): string | null {
  if (quotaMinor === null || quotaMinor <= 0n) return null;
  const hundredths = (closedWonMinor * 10_000n * 2n + quotaMinor) / (quotaMinor * 2n);
  return `${hundredths / 100n}.${(hundredths % 100n).toString().padStart(2, '0')}`;
}

/** The snapshot day nearest to 7 days before `today` among `days` (earlier than today); ties go to the older day. */
export function nearestWeekAgo(days: readonly Date[], today: Date): Date | null {
  const target = today.getTime() - 7 * 86_400_000;
  let best: Date | null = null;
  for (const day of days) {
    if (day.getTime() >= today.getTime()) continue;
    const distance = Math.abs(day.getTime() - target);
    const bestDistance = best === null ? Infinity : Math.abs(best.getTime() - target);
    if (distance < bestDistance || (distance === bestDistance && best !== null && day < best)) best = day;
  }
  return best;
}
