import type { MutationResolvers } from '../../../__generated__/resolvers-types.ts';
import { actorOf, dealGuard, requireTenant, type Context } from '../../../context.ts';
import { checkReferences, type Reference } from '../../../references.ts';
import { isUuid } from '@crm/runtime';

/**
 * Who works on a deal is part of the deal: changing it needs `deal:update` on that deal. A
 * collaborator must be a user of the tenant, a linked contact one of its contacts (else BAD_USER_INPUT).
 */
export const Mutation: MutationResolvers = {
  addDealCollaborator: async (_root, { dealId, userId, expectedVersion }, ctx) => {
    await checkPerson(ctx, dealId, { type: 'USER', id: userId, field: 'userId' });
    return ctx.services.dealPeople.addCollaborator(requireTenant(ctx).tenantId, actorOf(ctx), dealId, userId, expectedVersion, dealGuard(ctx, 'update'));
  },
  removeDealCollaborator: async (_root, { dealId, userId, expectedVersion }, ctx) => {
    return ctx.services.dealPeople.removeCollaborator(requireTenant(ctx).tenantId, actorOf(ctx), dealId, userId, expectedVersion, dealGuard(ctx, 'update'));
  },
  addDealContact: async (_root, { dealId, contactId, role, isPrimary, expectedVersion }, ctx) => {
    await checkPerson(ctx, dealId, { type: 'CONTACT', id: contactId, field: 'contactId' });
    return ctx.services.dealPeople.addContact(requireTenant(ctx).tenantId, actorOf(ctx), dealId, { contactId, role, isPrimary }, expectedVersion, dealGuard(ctx, 'update'));
  },
  removeDealContact: async (_root, { dealId, contactId, expectedVersion }, ctx) => {
    return ctx.services.dealPeople.removeContact(requireTenant(ctx).tenantId, actorOf(ctx), dealId, contactId, expectedVersion, dealGuard(ctx, 'update'));
  },
};

/**
 * The person's reference check, made before the write (it asks the gateway, never under the
 * deal's lock). When it refuses, the caller's right to change the deal is decided first, as every
 * deal write does: a caller outside the deal's scope gets FORBIDDEN, not an answer about the person.
 */
async function checkPerson(ctx: Context, dealId: string, person: Reference): Promise<void> {
  try {
    await checkReferences(ctx, [person]);
  } catch (error) {
    const deal = isUuid(dealId) ? await requireTenant(ctx).db.deal.findFirst({ where: { id: dealId, deletedAt: null }, select: { ownerId: true } }) : null;
    if (deal) dealGuard(ctx, 'update')(deal);
    throw error;
  }
}
