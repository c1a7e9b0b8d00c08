import { notFound } from '@crm/runtime';
import type { QueryResolvers } from '../../../__generated__/resolvers-types.ts';
import { requireTenant, scopeWhere, visible } from '../../../context.ts';
import { pageSize } from '../../../lib/pagination.ts';

export const Query: QueryResolvers = {
  contacts: (_parent, { first }, context) => {
    const { db } = requireTenant(context);
    return context.services.contacts.list(db, { first: pageSize(first), scope: scopeWhere(context, 'contact') });
  },
  contact: async (_parent, { id }, context) => {
    requireTenant(context);
    return visible(context, 'contact', await context.loaders.contact.load(id));
  },
  contactsConnection: (_parent, args, context) => {
    const { db } = requireTenant(context);
    return context.services.contacts.page(db, { ...args, scope: scopeWhere(context, 'contact') });
  },
  contactsGroupBy: (_parent, args, context) => {
    const { db } = requireTenant(context);
    return context.services.contacts.groups(db, { ...args, scope: scopeWhere(context, 'contact') });
  },
  /** Duplicates of a contact the caller may read, among the contacts they may read. */
  contactDuplicates: async (_parent, { contactId, first }, context) => {
    const { tenantId } = requireTenant(context);
    const contact = await context.loaders.contact.load(contactId);
    if (contact && !visible(context, 'contact', contact)) throw notFound('Contact', contactId);
    const matches = await context.services.contacts.findDuplicates(tenantId, contactId, first);
    return matches.filter((match) => visible(context, 'contact', match.contact) !== null);
  },
};
