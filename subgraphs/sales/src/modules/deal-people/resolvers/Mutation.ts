import type { MutationResolvers } from '../../../__generated__/resolvers-types.ts';
import { actorOf, dealGuard, requireTenant } from '../../../context.ts';
import { checkReferences } from '../../../references.ts';

/**
 * Who works on a deal is part of the deal: changing it needs `deal:update` on that deal. A
 * collaborator must be a user of the tenant, a linked contact one of its contacts (else BAD_USER_INPUT).
 */
export const Mutation: MutationResolvers = {
  addDealCollaborator: async (_root, { dealId, userId, expectedVersion }, ctx) => {
    await checkReferences(ctx, [{ type: 'USER', id: userId, field: 'userId' }]);
    return ctx.services.dealPeople.addCollaborator(requireTenant(ctx).tenantId, actorOf(ctx), dealId, userId, expectedVersion, dealGuard(ctx, 'update'));
  },
  removeDealCollaborator: async (_root, { dealId, userId, expectedVersion }, ctx) => {
    return ctx.services.dealPeople.removeCollaborator(requireTenant(ctx).tenantId, actorOf(ctx), dealId, userId, expectedVersion, dealGuard(ctx, 'update'));
  },
  addDealContact: async (_root, { dealId, contactId, role, isPrimary, expectedVersion }, ctx) => {
    await checkReferences(ctx, [{ type: 'CONTACT', id: contactId, field: 'contactId' }]);
    return ctx.services.dealPeople.addContact(requireTenant(ctx).tenantId, actorOf(ctx), dealId, { contactId, role, isPrimary }, expectedVersion, dealGuard(ctx, 'update'));
  },
  removeDealContact: async (_root, { dealId, contactId, expectedVersion }, ctx) => {
    return ctx.services.dealPeople.removeContact(requireTenant(ctx).tenantId, actorOf(ctx), dealId, contactId, expectedVersion, dealGuard(ctx, 'update'));
  },
};
