import type { Resolvers } from '../../../__generated__/resolvers-types.ts';
import { Account } from './Account.ts';
import { Deal } from './Deal.ts';
import { DealConnection, DealListMutation, DealListQuery } from './DealList.ts';
import { DealStageChange } from './DealStageChange.ts';
import { Mutation } from './Mutation.ts';
import { PipelineBoardEvent } from './PipelineBoardEvent.ts';
import { Query } from './Query.ts';
import { Subscription } from './Subscription.ts';

export const resolvers: Resolvers = {
  Query: { ...Query, ...DealListQuery },
  Mutation: { ...Mutation, ...DealListMutation },
  Subscription,
  Deal,
  DealConnection,
  DealStageChange,
  PipelineBoardEvent,
  Account,
};
