import type { Resolvers } from '../../../__generated__/resolvers-types.ts';
import { Invitation, RecordsTransfer } from './Invitation.ts';
import { Mutation } from './Mutation.ts';
import { Query } from './Query.ts';
import { Team } from './Team.ts';
import { User } from './User.ts';

export const usersResolvers: Resolvers = { Query, Mutation, User, Team, Invitation, RecordsTransfer };
