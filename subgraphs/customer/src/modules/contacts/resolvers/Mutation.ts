import type { MutationResolvers } from '../../../__generated__/resolvers-types.ts';
import { actorOf, requireTenant } from '../../../context.ts';

export const Mutation: MutationResolvers = {
  createContact: (_parent, { input }, context) => {
    const { tenantId } = requireTenant(context);
    return context.services.contacts.create(tenantId, actorOf(context.identity), input);
  },
};
