import type { Resolvers } from '../../../__generated__/resolvers-types.ts';
import { Mutation } from './Mutation.ts';
import { Pipeline } from './Pipeline.ts';
import { Query } from './Query.ts';
import { Stage } from './Stage.ts';

export const resolvers: Resolvers = { Query, Mutation, Pipeline, Stage };
