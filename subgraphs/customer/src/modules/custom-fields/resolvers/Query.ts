import type { QueryResolvers } from '../../../__generated__/resolvers-types.ts';
import { requireTenant } from '../../../context.ts';

export const Query: QueryResolvers = {
  customFieldDefinitions: (_parent, { entity, includeArchived }, context) => {
    const { db } = requireTenant(context);
    return context.services.customFields.list(db, entity, includeArchived);
  },
};
