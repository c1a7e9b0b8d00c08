/**
 * Board layout: the deals of a pipeline grouped into one column per stage, in stage order,
 * with each column's totals per currency, plain and weighted by the stage's win probability.
 */
import { percentOf, totalsByCurrency, type MoneyTotal } from './money.ts';

/** What the board needs to know about a stage. */
export interface BoardStageLike {
  id: string;
  position: number;
  /** Win probability of a deal in this stage, 0..100. */
  probability?: number;
}

/** What the board needs to know about a deal. */
export interface BoardDealLike {
  id: string;
  /** Null when masked for the user; left out of the column totals. */
  amount: string | null;
  currency: string;
  stage: { id: string };
}

export interface StageColumn<S extends BoardStageLike, D extends BoardDealLike> {
  stage: S;
  /** The stage's deals, in the order they were given. */
  deals: D[];
  /** Sum of the column's amounts, one entry per currency. */
  totals: MoneyTotal[];
  /** The totals at the stage's win probability (expected value), one entry per currency. */
  weighted: MoneyTotal[];
}

function byPosition(a: BoardStageLike, b: BoardStageLike): number {
  return a.position - b.position;
}

/**
 * Groups deals into stage columns ordered by stage position. Every stage gets a column, empty
 * or not; a deal whose stage is not one of `stages` (e.g. moved to another pipeline meanwhile)
 * is left out.
 */
export function groupDealsByStage<S extends BoardStageLike, D extends BoardDealLike>(
  stages: readonly S[],
  deals: readonly D[],
): StageColumn<S, D>[] {
  const byStage = new Map<string, D[]>(stages.map((stage) => [stage.id, []]));
  for (const deal of deals) byStage.get(deal.stage.id)?.push(deal);
  return [...stages].sort(byPosition).map((stage) => {
    const stageDeals = byStage.get(stage.id) ?? [];
    const totals = totalsByCurrency(stageDeals);
    const probability = stage.probability ?? 100;
    const weighted = totals.map((t) => ({ currency: t.currency, amount: percentOf(t.amount, probability) }));
    return { stage, deals: stageDeals, totals, weighted };
  });
}

/** The stage after `stageId` in position order, or null when it is the last one or unknown. */
export function nextStage<S extends BoardStageLike>(stages: readonly S[], stageId: string): S | null {
  const ordered = [...stages].sort(byPosition);
  const index = ordered.findIndex((stage) => stage.id === stageId);
  return index === -1 ? null : (ordered[index + 1] ?? null);
}
