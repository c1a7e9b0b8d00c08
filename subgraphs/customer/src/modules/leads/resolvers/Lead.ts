import type { LeadResolvers } from '../../../__generated__/resolvers-types.ts';
import { requireTenant, visible } from '../../../context.ts';
import { customFieldResolvers } from '../../custom-fields/resolvers/record-fields.ts';

export const Lead: LeadResolvers = {
  /** Batched through the request's loader; an id of another tenant, or a record the caller may not read, resolves to null. */
  __resolveReference: async (reference, context) => {
    requireTenant(context);
    return visible(context, 'lead', await context.loaders.lead.load(reference.id));
  },
  owner: (lead) => (lead.ownerId ? { id: lead.ownerId } : null),
  ...customFieldResolvers('LEAD'),
};
