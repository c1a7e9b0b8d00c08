import type { QueryResolvers } from '../../../__generated__/resolvers-types.ts';
import { requireTenant } from '../../../context.ts';
import { pageSize } from '../../../lib/pagination.ts';

export const Query: QueryResolvers = {
  webhookEndpoints: (_parent, { first }, context) => {
    const { db } = requireTenant(context);
    return context.services.webhookEndpoints.list(db, { first: pageSize(first) });
  },
};
