/**
 * What each GraphQL type's resolvers receive as parent: the database row for sales' own
 * entities, and a bare reference for entities other subgraphs own.
 */
import type { ActivityModel, BoardChangeModel, DealModel, DealStageChangeModel, PipelineModel, StageModel } from './__generated__/prisma/models.ts';

export type PipelineMapper = PipelineModel;
export type StageMapper = StageModel;
export type DealMapper = DealModel;
export type ActivityMapper = ActivityModel;
export type DealStageChangeMapper = DealStageChangeModel;
export type PipelineBoardEventMapper = BoardChangeModel;

/** Reference to a user of the platform subgraph. */
export interface UserReference {
  __typename: 'User';
  id: string;
}
export type UserMapper = UserReference;

/** Reference to an account of the customer subgraph. */
export interface AccountReference {
  __typename: 'Account';
  id: string;
}
export type AccountMapper = AccountReference;
