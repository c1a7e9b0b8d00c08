import type { MutationResolvers } from '../../../__generated__/resolvers-types.ts';
import { actorOf, authorize, requireTenant } from '../../../context.ts';
import { checkOwner } from '../../../lib/owners.ts';

export const Mutation: MutationResolvers = {
  /** Converting changes the lead: the caller needs update permission on it. */
  convertLead: async (_parent, { id, input }, context) => {
    const { tenantId } = requireTenant(context);
    await authorize(context, 'lead', 'update', [id]);
    await checkOwner(context, input.deal?.ownerId, 'deal.ownerId');
    return context.services.leadConversions.convert(tenantId, actorOf(context.identity), id, input);
  },
};
