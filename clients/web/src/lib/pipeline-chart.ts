/**
 * The dashboard's figures from the analytics `pipelineSummary`: per stage the number of deals,
 * their value and their weighted value (value × the stage's win probability) in one currency.
 * The weighted pipeline counts open stages only: won deals are no longer a forecast and lost
 * ones never will be. Totals are exact decimal strings; chart values are numbers.
 */
import { addDecimals, percentOf } from './money.ts';

export interface SummaryStage {
  dealCount: number;
  amounts: ReadonlyArray<{ currency: string; amount: string }>;
  stage: { id: string; name: string; position: number; probability: number; kind: string };
}

export interface StageChartRow {
  stageId: string;
  name: string;
  kind: string;
  probability: number;
  dealCount: number;
  /** Decimal string in the chosen currency. */
  value: string;
  /** Decimal string: value × probability. */
  weighted: string;
}

export interface PipelineFigures {
  rows: StageChartRow[];
  openDeals: number;
  openValue: string;
  weightedValue: string;
  wonValue: string;
}

function amountIn(stage: SummaryStage, currency: string): string {
  return stage.amounts.find((a) => a.currency === currency)?.amount ?? '0';
}

/** Stages in board order with their figures in `currency`, and the pipeline's totals. */
export function pipelineFigures(stages: readonly SummaryStage[], currency: string): PipelineFigures {
  const rows = [...stages]
    .sort((a, b) => a.stage.position - b.stage.position)
    .map((s) => {
      const value = amountIn(s, currency);
      return {
        stageId: s.stage.id,
        name: s.stage.name,
        kind: s.stage.kind,
        probability: s.stage.probability,
        dealCount: s.dealCount,
        value,
        weighted: percentOf(value, s.stage.probability),
      };
    });
  let openDeals = 0;
  let openValue = '0';
  let weightedValue = '0';
  let wonValue = '0';
  for (const row of rows) {
    if (row.kind === 'OPEN') {
      openDeals += row.dealCount;
      openValue = addDecimals(openValue, row.value);
      weightedValue = addDecimals(weightedValue, row.weighted);
    } else if (row.kind === 'WON') {
      wonValue = addDecimals(wonValue, row.value);
    }
  }
  return { rows, openDeals, openValue, weightedValue, wonValue };
}

/** The currencies the pipeline's deals are in, the one with the largest total first when there are several. */
export function currenciesOf(amounts: ReadonlyArray<{ currency: string; amount: string }>): string[] {
  return [...amounts].sort((a, b) => Number(b.amount) - Number(a.amount) || a.currency.localeCompare(b.currency)).map((a) => a.currency);
}

/** A decimal string as a chart number (display only; totals stay exact strings). */
export function chartNumber(decimal: string | null): number {
  const value = Number(decimal);
  return Number.isFinite(value) ? value : 0;
}
