import type { Resolvers } from '../../../__generated__/resolvers-types.ts';
import { Deal } from './Deal.ts';
import { DealLineItem } from './DealLineItem.ts';
import { Mutation } from './Mutation.ts';

export const resolvers: Resolvers = { Mutation, Deal, DealLineItem };
