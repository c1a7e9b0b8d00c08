import type { QueryResolvers } from '../../../__generated__/resolvers-types.ts';
import { requireTenant, scopeWhere, visible } from '../../../context.ts';
import { pageSize } from '../../../lib/pagination.ts';

export const Query: QueryResolvers = {
  leads: (_parent, { first }, context) => {
    const { db } = requireTenant(context);
    return context.services.leads.list(db, { first: pageSize(first), scope: scopeWhere(context, 'lead') });
  },
  lead: async (_parent, { id }, context) => {
    requireTenant(context);
    return visible(context, 'lead', await context.loaders.lead.load(id));
  },
  leadsConnection: (_parent, args, context) => {
    const { db } = requireTenant(context);
    return context.services.leads.page(db, { ...args, scope: scopeWhere(context, 'lead') });
  },
  leadsGroupBy: (_parent, args, context) => {
    const { db } = requireTenant(context);
    return context.services.leads.groups(db, { ...args, scope: scopeWhere(context, 'lead') });
  },
};
