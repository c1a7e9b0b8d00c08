import type { Resolvers } from '../../../__generated__/resolvers-types.ts';
import { Deal } from './Deal.ts';
import { DealContact } from './DealContact.ts';
import { Mutation } from './Mutation.ts';

export const resolvers: Resolvers = { Mutation, Deal, DealContact };
