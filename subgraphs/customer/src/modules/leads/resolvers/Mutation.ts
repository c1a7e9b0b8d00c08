import type { MutationResolvers } from '../../../__generated__/resolvers-types.ts';
import { actorOf, requireTenant } from '../../../context.ts';

export const Mutation: MutationResolvers = {
  createLead: (_parent, { input }, context) => {
    const { tenantId } = requireTenant(context);
    return context.services.leads.create(tenantId, actorOf(context.identity), input);
  },
};
