import type { MutationResolvers } from '../../../__generated__/resolvers-types.ts';
import { requireTenant } from '../../../context.ts';

export const Mutation: MutationResolvers = {
  registerPersistedQuery: (_parent, { input }, context) => {
    const { tenantId } = requireTenant(context);
    return context.services.persistedQueries.register(tenantId, context.identity, input);
  },
  deletePersistedQuery: (_parent, { id }, context) => {
    const { tenantId } = requireTenant(context);
    return context.services.persistedQueries.delete(tenantId, context.identity, id);
  },
};
