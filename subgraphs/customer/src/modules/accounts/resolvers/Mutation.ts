import type { MutationResolvers } from '../../../__generated__/resolvers-types.ts';
import { actorOf, requireTenant } from '../../../context.ts';

export const Mutation: MutationResolvers = {
  createAccount: (_parent, { input }, context) => {
    const { tenantId } = requireTenant(context);
    return context.services.accounts.create(tenantId, actorOf(context.identity), input);
  },
};
