import type { MutationResolvers } from '../../../__generated__/resolvers-types.ts';
import { requireTenantAdmin } from '../../../context.ts';

export const ONLY_ADMINS = 'Only tenant admins may manage lead scoring rules';

export const Mutation: MutationResolvers = {
  setLeadScoringRules: (_parent, { input }, context) => {
    const { tenantId } = requireTenantAdmin(context, ONLY_ADMINS);
    return context.services.leadScoring.setRules(tenantId, input);
  },
};
