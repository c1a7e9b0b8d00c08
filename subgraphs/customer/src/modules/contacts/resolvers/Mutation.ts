import type { MutationResolvers } from '../../../__generated__/resolvers-types.ts';
import { isUuid } from '../../../lib/validation.ts';
import { checkOwner } from '../../../lib/owners.ts';
import { actorOf, authorize, ownerOfNew, ownershipGuard, requireTenant, requireTenantAdmin } from '../../../context.ts';

export const Mutation: MutationResolvers = {
  createContact: async (_parent, { input, onDuplicate }, context) => {
    const { tenantId } = requireTenant(context);
    const ownerId = ownerOfNew(context, 'contact', input.ownerId);
    await checkOwner(context, input.ownerId, 'ownerId');
    return context.services.contacts.create(tenantId, actorOf(context.identity), { ...input, ownerId }, { onDuplicate });
  },
  upsertContacts: async (_parent, { inputs }, context) => {
    const { tenantId } = requireTenant(context);
    const results = await context.services.contacts.upsertMany(tenantId, actorOf(context.identity), inputs, await ownershipGuard(context, 'contact', inputs));
    return results.map(({ record, ...result }) => ({ ...result, contact: record }));
  },
  deleteContacts: async (_parent, { ids }, context) => {
    const { tenantId } = requireTenant(context);
    await authorize(context, 'contact', 'delete', ids);
    return context.services.contacts.trash(tenantId, actorOf(context.identity), 'deleted', ids);
  },
  restoreContacts: async (_parent, { ids }, context) => {
    const { tenantId } = requireTenant(context);
    await authorize(context, 'contact', 'delete', ids);
    return context.services.contacts.trash(tenantId, actorOf(context.identity), 'restored', ids);
  },
  purgeContacts: async (_parent, { ids }, context) => {
    const { tenantId } = requireTenantAdmin(context);
    await context.services.contacts.trash(tenantId, actorOf(context.identity), 'purged', ids);
    return [...new Set(ids.map((id) => id.toLowerCase()))];
  },
  relateContacts: async (_parent, args, context) => {
    const { tenantId } = requireTenant(context);
    await authorize(context, 'contact', 'update', [args.fromId, args.toId]);
    return context.services.contacts.relate(tenantId, actorOf(context.identity), { ...args, link: true });
  },
  unrelateContacts: async (_parent, args, context) => {
    const { tenantId } = requireTenant(context);
    await authorize(context, 'contact', 'update', [args.fromId, args.toId]);
    return context.services.contacts.relate(tenantId, actorOf(context.identity), { ...args, link: false });
  },
  mergeContacts: async (_parent, { input }, context) => {
    const { tenantId } = requireTenant(context);
    await authorize(context, 'contact', 'update', [input.survivorId]);
    await authorize(context, 'contact', 'delete', input.mergedIds);
    return context.services.contacts.merge(tenantId, actorOf(context.identity), input);
  },
  undoContactMerge: async (_parent, { mergeId }, context) => {
    const { tenantId, db } = requireTenant(context);
    // undoing changes the survivor and brings back the merged contacts: the caller needs both rights
    const merge = isUuid(mergeId) ? await db.contactMerge.findFirst({ where: { id: mergeId }, select: { survivorId: true, mergedIds: true } }) : null;
    if (merge) {
      await authorize(context, 'contact', 'update', [merge.survivorId]);
      await authorize(context, 'contact', 'delete', merge.mergedIds);
    }
    return context.services.contacts.undoMerge(tenantId, actorOf(context.identity), mergeId);
  },
};
