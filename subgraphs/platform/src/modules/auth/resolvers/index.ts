import type { Resolvers } from '../../../__generated__/resolvers-types.ts';
import { login } from './Mutation/login.ts';

export const authResolvers: Resolvers = { Mutation: { login } };
