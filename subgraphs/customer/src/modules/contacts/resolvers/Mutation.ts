import type { MutationResolvers } from '../../../__generated__/resolvers-types.ts';
import { actorOf, requireTenant, requireTenantAdmin } from '../../../context.ts';

export const Mutation: MutationResolvers = {
  createContact: (_parent, { input, onDuplicate }, context) => {
    const { tenantId } = requireTenant(context);
    return context.services.contacts.create(tenantId, actorOf(context.identity), input, { onDuplicate });
  },
  upsertContacts: async (_parent, { inputs }, context) => {
    const { tenantId } = requireTenant(context);
    const results = await context.services.contacts.upsertMany(tenantId, actorOf(context.identity), inputs);
    return results.map(({ record, ...result }) => ({ ...result, contact: record }));
  },
  deleteContacts: (_parent, { ids }, context) => {
    const { tenantId } = requireTenant(context);
    return context.services.contacts.trash(tenantId, actorOf(context.identity), 'deleted', ids);
  },
  restoreContacts: (_parent, { ids }, context) => {
    const { tenantId } = requireTenant(context);
    return context.services.contacts.trash(tenantId, actorOf(context.identity), 'restored', ids);
  },
  purgeContacts: async (_parent, { ids }, context) => {
    const { tenantId } = requireTenantAdmin(context);
    await context.services.contacts.trash(tenantId, actorOf(context.identity), 'purged', ids);
    return [...new Set(ids.map((id) => id.toLowerCase()))];
  },
  relateContacts: (_parent, args, context) => {
    const { tenantId } = requireTenant(context);
    return context.services.contacts.relate(tenantId, actorOf(context.identity), { ...args, link: true });
  },
  unrelateContacts: (_parent, args, context) => {
    const { tenantId } = requireTenant(context);
    return context.services.contacts.relate(tenantId, actorOf(context.identity), { ...args, link: false });
  },
  mergeContacts: (_parent, { input }, context) => {
    const { tenantId } = requireTenant(context);
    return context.services.contacts.merge(tenantId, actorOf(context.identity), input);
  },
  undoContactMerge: (_parent, { mergeId }, context) => {
    const { tenantId } = requireTenant(context);
    return context.services.contacts.undoMerge(tenantId, actorOf(context.identity), mergeId);
  },
};
