import type { MutationResolvers } from '../../../__generated__/resolvers-types.ts';
import { actorOf, requireTenant } from '../../../context.ts';

export const Mutation: MutationResolvers = {
  addDealCollaborator: (_root, { dealId, userId, expectedVersion }, ctx) =>
    ctx.services.dealPeople.addCollaborator(requireTenant(ctx).tenantId, actorOf(ctx), dealId, userId, expectedVersion),
  removeDealCollaborator: (_root, { dealId, userId, expectedVersion }, ctx) =>
    ctx.services.dealPeople.removeCollaborator(requireTenant(ctx).tenantId, actorOf(ctx), dealId, userId, expectedVersion),
  addDealContact: (_root, { dealId, contactId, role, isPrimary, expectedVersion }, ctx) =>
    ctx.services.dealPeople.addContact(requireTenant(ctx).tenantId, actorOf(ctx), dealId, { contactId, role, isPrimary }, expectedVersion),
  removeDealContact: (_root, { dealId, contactId, expectedVersion }, ctx) =>
    ctx.services.dealPeople.removeContact(requireTenant(ctx).tenantId, actorOf(ctx), dealId, contactId, expectedVersion),
};
