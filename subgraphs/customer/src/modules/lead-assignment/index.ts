import type { Resolvers } from '../../__generated__/resolvers-types.ts';
import { LeadAssignmentRule } from './resolvers/LeadAssignmentRule.ts';
import { Mutation } from './resolvers/Mutation.ts';
import { Query } from './resolvers/Query.ts';

export const resolvers: Resolvers = { Query, Mutation, LeadAssignmentRule };
