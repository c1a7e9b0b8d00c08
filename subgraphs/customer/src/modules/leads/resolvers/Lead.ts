import type { LeadResolvers } from '../../../__generated__/resolvers-types.ts';
import { requireTenant } from '../../../context.ts';
import { customFieldResolvers } from '../../custom-fields/resolvers/record-fields.ts';

export const Lead: LeadResolvers = {
  /** Batched through the request's loader; an id of another tenant resolves to null. */
  __resolveReference: (reference, context) => {
    requireTenant(context);
    return context.loaders.lead.load(reference.id);
  },
  owner: (lead) => (lead.ownerId ? { id: lead.ownerId } : null),
  ...customFieldResolvers('LEAD'),
};
