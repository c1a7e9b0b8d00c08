import type { MutationResolvers } from '../../../__generated__/resolvers-types.ts';
import { checkOwner } from '../../../lib/owners.ts';
import { actorOf, authorize, ownerOfNew, ownershipGuard, requireTenant, requireTenantAdmin } from '../../../context.ts';
import { upsertLeads } from '../services/lead-upserts.ts';

export const Mutation: MutationResolvers = {
  createLead: async (_parent, { input }, context) => {
    const { tenantId } = requireTenant(context);
    const ownerId = ownerOfNew(context, 'lead', input.ownerId);
    await checkOwner(context, input.ownerId, 'ownerId');
    return context.services.leads.create(tenantId, actorOf(context.identity), { ...input, ownerId });
  },
  updateLead: async (_parent, { id, input }, context) => {
    const { tenantId } = requireTenant(context);
    await authorize(context, 'lead', 'update', [id]);
    return context.services.leads.update(tenantId, actorOf(context.identity), id, input);
  },
  upsertLeads: async (_parent, { inputs }, context) => {
    const { tenantId } = requireTenant(context);
    const results = await upsertLeads({ prisma: context.prisma, leads: context.services.leads }, tenantId, actorOf(context.identity), inputs, await ownershipGuard(context, 'lead', inputs));
    return results.map(({ record, ...result }) => ({ ...result, lead: record }));
  },
  deleteLeads: async (_parent, { ids }, context) => {
    const { tenantId } = requireTenant(context);
    await authorize(context, 'lead', 'delete', ids);
    return context.services.leads.trash(tenantId, actorOf(context.identity), 'deleted', ids);
  },
  restoreLeads: async (_parent, { ids }, context) => {
    const { tenantId } = requireTenant(context);
    await authorize(context, 'lead', 'delete', ids);
    return context.services.leads.trash(tenantId, actorOf(context.identity), 'restored', ids);
  },
  purgeLeads: async (_parent, { ids }, context) => {
    const { tenantId } = requireTenantAdmin(context);
    await context.services.leads.trash(tenantId, actorOf(context.identity), 'purged', ids);
    return [...new Set(ids.map((id) => id.toLowerCase()))];
  },
};
