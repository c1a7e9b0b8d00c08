import type { ContactResolvers } from '../../../__generated__/resolvers-types.ts';
import { requireTenant } from '../../../context.ts';

export const Contact: ContactResolvers = {
  /** Batched through the request's loader; an id of another tenant resolves to null. */
  __resolveReference: (reference, context) => {
    requireTenant(context);
    return context.loaders.contact.load(reference.id);
  },
  name: (contact) => `${contact.firstName} ${contact.lastName}`,
  owner: (contact) => (contact.ownerId ? { id: contact.ownerId } : null),
  accounts: (contact, _args, context) => context.loaders.accountsOfContact.load(contact.id),
};
