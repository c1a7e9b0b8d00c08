import type { ContactRelationshipResolvers, ContactResolvers } from '../../../__generated__/resolvers-types.ts';
import { requireTenant, visible, visibleRows } from '../../../context.ts';
import { customFieldResolvers } from '../../custom-fields/resolvers/record-fields.ts';
import { jsonList, type EmailEntry, type PhoneEntry, type PostalAddress, type SocialLink } from '../../../lib/contact-details.ts';

export const Contact: ContactResolvers = {
  /** Batched through the request's loader; an id of another tenant, or a record the caller may not read, resolves to null. */
  __resolveReference: async (reference, context) => {
    requireTenant(context);
    return visible(context, 'contact', await context.loaders.contact.load(reference.id));
  },
  name: (contact) => `${contact.firstName} ${contact.lastName}`,
  emails: (contact) => jsonList<EmailEntry>(contact.emails),
  phones: (contact) => jsonList<PhoneEntry>(contact.phones),
  addresses: (contact) => jsonList<PostalAddress>(contact.addresses),
  socialLinks: (contact) => jsonList<SocialLink>(contact.socialLinks),
  relationships: (contact, _args, context) => context.loaders.relationshipsOfContact.load(contact.id),
  owner: (contact) => (contact.ownerId ? { id: contact.ownerId } : null),
  accounts: async (contact, _args, context) => visibleRows(context, 'account', await context.loaders.accountsOfContact.load(contact.id)),
  ...customFieldResolvers('CONTACT'),
};

export const ContactRelationship: ContactRelationshipResolvers = {};
