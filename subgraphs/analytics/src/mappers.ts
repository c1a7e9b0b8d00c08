/**
 * What each GraphQL type's resolvers receive as their parent (read by codegen).
 * Summaries carry minor units (`bigint`); field resolvers turn them into Decimal strings.
 */
import type { PersistedQueryModel } from './__generated__/prisma/models.ts';
import type { CurrencyAmountModel, PipelineSummaryModel, StageSummaryModel } from './modules/pipeline-summary/lib/summary.ts';

/** A pipeline reference (sales owns pipelines); the summary is loaded when the reference is resolved. */
export interface PipelineRef {
  id: string;
  summary?: PipelineSummaryModel;
}

export type PipelineMapper = PipelineRef;
export type PipelineSummaryMapper = PipelineSummaryModel;
export type StageSummaryMapper = StageSummaryModel;
export type CurrencyAmountMapper = CurrencyAmountModel;

/** A stored persisted query (the Prisma row). */
export type PersistedQueryMapper = PersistedQueryModel;
