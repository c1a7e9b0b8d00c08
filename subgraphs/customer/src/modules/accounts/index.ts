import type { Resolvers } from '../../__generated__/resolvers-types.ts';
import { Account } from './resolvers/Account.ts';
import { AccountConnection } from './resolvers/AccountConnection.ts';
import { Mutation } from './resolvers/Mutation.ts';
import { Query } from './resolvers/Query.ts';

export const resolvers: Resolvers = { Query, Mutation, Account, AccountConnection };
