import type { Resolvers } from '../../__generated__/resolvers-types.ts';
import { Lead } from './resolvers/Lead.ts';
import { Mutation } from './resolvers/Mutation.ts';
import { Query } from './resolvers/Query.ts';

export const resolvers: Resolvers = { Query, Mutation, Lead };
