import type { MutationResolvers } from '../../../__generated__/resolvers-types.ts';
import { requireTenantAdmin } from '../../../context.ts';

export const ONLY_ADMINS = 'Only tenant admins may manage lead assignment rules';

export const Mutation: MutationResolvers = {
  setLeadAssignmentRules: (_parent, { rules }, context) => {
    const { tenantId } = requireTenantAdmin(context, ONLY_ADMINS);
    return context.services.leadAssignment.setRules(tenantId, rules);
  },
};
