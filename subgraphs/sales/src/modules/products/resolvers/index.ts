import type { Resolvers } from '../../../__generated__/resolvers-types.ts';
import { Mutation } from './Mutation.ts';
import { Product } from './Product.ts';
import { Query } from './Query.ts';

export const resolvers: Resolvers = { Query, Mutation, Product };
