import type { MutationResolvers } from '../../../__generated__/resolvers-types.ts';
import { actorOf, authorizeDeal, requireTenant } from '../../../context.ts';

/** Who works on a deal is part of the deal: changing it needs `deal:update` on that deal. */
export const Mutation: MutationResolvers = {
  addDealCollaborator: async (_root, { dealId, userId, expectedVersion }, ctx) => {
    await authorizeDeal(ctx, 'update', dealId);
    return ctx.services.dealPeople.addCollaborator(requireTenant(ctx).tenantId, actorOf(ctx), dealId, userId, expectedVersion);
  },
  removeDealCollaborator: async (_root, { dealId, userId, expectedVersion }, ctx) => {
    await authorizeDeal(ctx, 'update', dealId);
    return ctx.services.dealPeople.removeCollaborator(requireTenant(ctx).tenantId, actorOf(ctx), dealId, userId, expectedVersion);
  },
  addDealContact: async (_root, { dealId, contactId, role, isPrimary, expectedVersion }, ctx) => {
    await authorizeDeal(ctx, 'update', dealId);
    return ctx.services.dealPeople.addContact(requireTenant(ctx).tenantId, actorOf(ctx), dealId, { contactId, role, isPrimary }, expectedVersion);
  },
  removeDealContact: async (_root, { dealId, contactId, expectedVersion }, ctx) => {
    await authorizeDeal(ctx, 'update', dealId);
    return ctx.services.dealPeople.removeContact(requireTenant(ctx).tenantId, actorOf(ctx), dealId, contactId, expectedVersion);
  },
};
