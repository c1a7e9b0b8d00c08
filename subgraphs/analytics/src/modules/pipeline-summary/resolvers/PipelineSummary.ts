import type { PipelineSummaryResolvers } from '../../../__generated__/resolvers-types.ts';

export const PipelineSummary: PipelineSummaryResolvers = {
  pipelineId: (summary) => summary.pipelineId,
  dealCount: (summary) => summary.dealCount,
  stages: (summary) => summary.stages,
  amounts: (summary) => summary.amounts,
  updatedAt: (summary) => summary.updatedAt,
};
