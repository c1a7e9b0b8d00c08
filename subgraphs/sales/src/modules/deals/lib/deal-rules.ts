/**
 * Pure rules about a deal's state: when it is stale, what advisories it carries, and the view of
 * its current values a CONFLICT error hands back to the writer who lost a race.
 */
import type { DealModel, StageModel } from '../../../__generated__/prisma/models.ts';
import { formatAmount } from './money.ts';

const DAY_MS = 86_400_000;

/** An open deal whose expected close date lies more than this many days in the past gets a warning. */
export const FAR_PAST_CLOSE_DAYS = 30;

/** True when an open deal has stood in its stage longer than the stage's rotting period. */
export function isStale(deal: Pick<DealModel, 'status' | 'stageEnteredAt'>, stage: Pick<StageModel, 'rottingDays'>, now: Date): boolean {
  if (deal.status !== 'OPEN' || stage.rottingDays === null) return false;
  return now.getTime() - deal.stageEnteredAt.getTime() > stage.rottingDays * DAY_MS;
}

/** Advisories that never block a write: currently an open deal expected to close long ago. */
export function warningsOf(deal: Pick<DealModel, 'status' | 'expectedCloseDate'>, now: Date): string[] {
  const warnings: string[] = [];
  if (deal.status === 'OPEN' && deal.expectedCloseDate && now.getTime() - deal.expectedCloseDate.getTime() > FAR_PAST_CLOSE_DAYS * DAY_MS) {
    const date = deal.expectedCloseDate.toISOString().slice(0, 10);
    warnings.push(`expectedCloseDate ${date} is more than ${FAR_PAST_CLOSE_DAYS} days in the past for an open deal`);
  }
  return warnings;
}

/** The deal's current values as a CONFLICT error carries them in `extensions.current`. */
export interface CurrentDeal {
  id: string;
  version: number;
  pipelineId: string;
  stageId: string;
  status: DealModel['status'];
  name: string;
  amount: string;
  currency: string;
  ownerId: string | null;
  accountId: string | null;
  expectedCloseDate: string | null;
}

export function currentOf(deal: DealModel): CurrentDeal {
  return {
    id: deal.id,
    version: deal.version,
    pipelineId: deal.pipelineId,
    stageId: deal.stageId,
    status: deal.status,
    name: deal.name,
    amount: formatAmount(deal.amountMinor, deal.currency),
    currency: deal.currency,
    ownerId: deal.ownerId,
    accountId: deal.accountId,
    expectedCloseDate: deal.expectedCloseDate ? deal.expectedCloseDate.toISOString().slice(0, 10) : null,
  };
}

/** What a writer believed the deal looked like; absent fields are not checked. */
export interface Expectation {
  version?: number | null;
  stageId?: string | null;
}

/** Why the writer's expectation fails against the current deal, or null when it holds. */
export function staleExpectation(deal: Pick<DealModel, 'version' | 'stageId'>, expected: Expectation): string | null {
  if (expected.version != null && expected.version !== deal.version) {
    return `the deal was changed by someone else (version ${deal.version}, expected ${expected.version})`;
  }
  if (expected.stageId != null && expected.stageId !== deal.stageId) {
    return 'the deal was moved by someone else: it no longer stands in the expected stage';
  }
  return null;
}

/** Parses a calendar date `YYYY-MM-DD` (a real date) to midnight UTC, or null when it is not one. */
export function parseDate(value: string): Date | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return null;
  const date = new Date(`${value}T00:00:00.000Z`);
  if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== value) return null;
  return date;
}
