import type { MutationResolvers } from '../../../__generated__/resolvers-types.ts';
import { actorOf, requireTenant, requireTenantAdmin } from '../../../context.ts';

export const Mutation: MutationResolvers = {
  createLead: (_parent, { input }, context) => {
    const { tenantId } = requireTenant(context);
    return context.services.leads.create(tenantId, actorOf(context.identity), input);
  },
  deleteLeads: (_parent, { ids }, context) => {
    const { tenantId } = requireTenant(context);
    return context.services.leads.trash(tenantId, actorOf(context.identity), 'deleted', ids);
  },
  restoreLeads: (_parent, { ids }, context) => {
    const { tenantId } = requireTenant(context);
    return context.services.leads.trash(tenantId, actorOf(context.identity), 'restored', ids);
  },
  purgeLeads: async (_parent, { ids }, context) => {
    const { tenantId } = requireTenantAdmin(context);
    await context.services.leads.trash(tenantId, actorOf(context.identity), 'purged', ids);
    return [...new Set(ids.map((id) => id.toLowerCase()))];
  },
};
