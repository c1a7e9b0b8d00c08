import type { QueryResolvers } from '../../../__generated__/resolvers-types.ts';
import { requireTenantAdmin } from '../../../context.ts';
import { ONLY_ADMINS } from './Mutation.ts';

export const Query: QueryResolvers = {
  leadAssignmentRules: (_parent, _args, context) => {
    const { db } = requireTenantAdmin(context, ONLY_ADMINS);
    return context.services.leadAssignment.rules(db);
  },
};
