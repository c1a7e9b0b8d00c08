import type { QueryResolvers } from '../../../__generated__/resolvers-types.ts';
import { requireTenant } from '../../../context.ts';
import { pageSize } from '../../../lib/pagination.ts';

export const Query: QueryResolvers = {
  leads: (_parent, { first }, context) => {
    const { db } = requireTenant(context);
    return context.services.leads.list(db, { first: pageSize(first) });
  },
  lead: (_parent, { id }, context) => {
    requireTenant(context);
    return context.loaders.lead.load(id);
  },
  leadsConnection: (_parent, args, context) => {
    const { db } = requireTenant(context);
    return context.services.leads.page(db, args);
  },
  leadsGroupBy: (_parent, args, context) => {
    const { db } = requireTenant(context);
    return context.services.leads.groups(db, args);
  },
};
