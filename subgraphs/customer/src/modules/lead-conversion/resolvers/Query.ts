import type { QueryResolvers } from '../../../__generated__/resolvers-types.ts';
import { requireTenant, visible } from '../../../context.ts';

export const Query: QueryResolvers = {
  /** Visible to whoever may read the converted lead. */
  leadConversion: async (_parent, { id }, context) => {
    const { db } = requireTenant(context);
    const conversion = await context.services.leadConversions.get(db, id);
    if (!conversion) return null;
    return visible(context, 'lead', await context.loaders.lead.load(conversion.leadId)) ? conversion : null;
  },
};
