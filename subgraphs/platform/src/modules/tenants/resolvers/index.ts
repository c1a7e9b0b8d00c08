import type { Resolvers } from '../../../__generated__/resolvers-types.ts';
import { DateTimeScalar } from '@crm/runtime';
import { Mutation } from './Mutation.ts';
import { Query } from './Query.ts';
import { Tenant } from './Tenant.ts';

export const tenantsResolvers: Resolvers = { DateTime: DateTimeScalar, Query, Mutation, Tenant };
