import type { StageSummaryResolvers } from '../../../__generated__/resolvers-types.ts';

export const StageSummary: StageSummaryResolvers = {
  /** A reference to the stage; sales resolves its name, position and probability. */
  stage: (stage) => ({ id: stage.stageId }),
  dealCount: (stage) => stage.dealCount,
  amounts: (stage) => stage.amounts,
};
