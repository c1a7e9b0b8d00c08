/**
 * Pipeline summaries from grouped deal rows: one row per (pipeline, stage, currency) with the
 * deal count and the summed minor units. Pure, so the shape rules live in one tested place:
 * stages and currencies are sorted for stable output, currencies are never added together, and
 * a pipeline without deals gets an empty summary rather than an error (analytics cannot tell
 * an empty pipeline from an unknown one; sales owns that answer).
 */

export interface CurrencyAmountModel {
  currency: string;
  amountMinor: bigint;
}

export interface StageSummaryModel {
  stageId: string;
  dealCount: number;
  amounts: CurrencyAmountModel[];
}

export interface PipelineSummaryModel {
  pipelineId: string;
  dealCount: number;
  stages: StageSummaryModel[];
  amounts: CurrencyAmountModel[];
  updatedAt: Date | null;
}

/** One GROUP BY row over deal snapshots. */
export interface StageCurrencyTotal {
  pipelineId: string;
  stageId: string;
  currency: string;
  dealCount: number;
  amountMinor: bigint;
  updatedAt: Date | null;
}

export const emptySummary = (pipelineId: string): PipelineSummaryModel => ({
  pipelineId,
  dealCount: 0,
  stages: [],
  amounts: [],
  updatedAt: null,
});

const byKey = <T>(key: (item: T) => string) => (a: T, b: T) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);

function addAmount(amounts: Map<string, bigint>, currency: string, amountMinor: bigint) {
  amounts.set(currency, (amounts.get(currency) ?? 0n) + amountMinor);
}

function toAmounts(amounts: Map<string, bigint>): CurrencyAmountModel[] {
  return [...amounts].map(([currency, amountMinor]) => ({ currency, amountMinor })).sort(byKey((a) => a.currency));
}

/** Builds one summary per requested pipeline id, in the order asked (empty when it has no rows). */
export function summarize(pipelineIds: readonly string[], rows: readonly StageCurrencyTotal[]): PipelineSummaryModel[] {
  const pipelines = new Map<string, { stages: Map<string, { dealCount: number; amounts: Map<string, bigint> }>; updatedAt: Date | null }>();
  for (const row of rows) {
    let pipeline = pipelines.get(row.pipelineId);
    if (!pipeline) pipelines.set(row.pipelineId, (pipeline = { stages: new Map(), updatedAt: null }));
    let stage = pipeline.stages.get(row.stageId);
    if (!stage) pipeline.stages.set(row.stageId, (stage = { dealCount: 0, amounts: new Map() }));
    stage.dealCount += row.dealCount;
    addAmount(stage.amounts, row.currency, row.amountMinor);
    if (row.updatedAt && (!pipeline.updatedAt || row.updatedAt > pipeline.updatedAt)) pipeline.updatedAt = row.updatedAt;
  }

  return pipelineIds.map((pipelineId) => {
    const pipeline = pipelines.get(pipelineId);
    if (!pipeline) return emptySummary(pipelineId);
    const totals = new Map<string, bigint>();
    const stages: StageSummaryModel[] = [];
    let dealCount = 0;
    for (const [stageId, stage] of pipeline.stages) {
      dealCount += stage.dealCount;
      for (const [currency, amountMinor] of stage.amounts) addAmount(totals, currency, amountMinor);
      stages.push({ stageId, dealCount: stage.dealCount, amounts: toAmounts(stage.amounts) });
    }
    stages.sort(byKey((s) => s.stageId));
    return { pipelineId, dealCount, stages, amounts: toAmounts(totals), updatedAt: pipeline.updatedAt };
  });
}
