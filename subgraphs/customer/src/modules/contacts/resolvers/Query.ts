import type { QueryResolvers } from '../../../__generated__/resolvers-types.ts';
import { requireTenant } from '../../../context.ts';
import { pageSize } from '../../../lib/pagination.ts';

export const Query: QueryResolvers = {
  contacts: (_parent, { first }, context) => {
    const { db } = requireTenant(context);
    return context.services.contacts.list(db, { first: pageSize(first) });
  },
  contact: (_parent, { id }, context) => {
    requireTenant(context);
    return context.loaders.contact.load(id);
  },
  contactsConnection: (_parent, args, context) => {
    const { db } = requireTenant(context);
    return context.services.contacts.page(db, args);
  },
  contactsGroupBy: (_parent, args, context) => {
    const { db } = requireTenant(context);
    return context.services.contacts.groups(db, args);
  },
  contactDuplicates: (_parent, { contactId, first }, context) => {
    const { tenantId } = requireTenant(context);
    return context.services.contacts.findDuplicates(tenantId, contactId, first);
  },
};
