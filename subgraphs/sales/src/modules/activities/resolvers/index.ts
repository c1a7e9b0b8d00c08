import type { Resolvers } from '../../../__generated__/resolvers-types.ts';
import { Activity } from './Activity.ts';
import { Deal } from './Deal.ts';
import { Mutation } from './Mutation.ts';
import { Query } from './Query.ts';

export const resolvers: Resolvers = { Query, Mutation, Activity, Deal };
