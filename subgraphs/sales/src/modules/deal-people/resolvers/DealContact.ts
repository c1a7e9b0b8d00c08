import type { DealContactResolvers } from '../../../__generated__/resolvers-types.ts';

export const DealContact: DealContactResolvers = {
  contact: (link) => ({ __typename: 'Contact', id: link.contactId }),
};
