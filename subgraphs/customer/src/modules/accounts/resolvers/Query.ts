import type { QueryResolvers } from '../../../__generated__/resolvers-types.ts';
import { requireTenant, scopeWhere, visible } from '../../../context.ts';
import { pageSize } from '../../../lib/pagination.ts';

export const Query: QueryResolvers = {
  accounts: (_parent, { first }, context) => {
    const { db } = requireTenant(context);
    return context.services.accounts.list(db, { first: pageSize(first), scope: scopeWhere(context, 'account') });
  },
  account: async (_parent, { id }, context) => {
    requireTenant(context);
    return visible(context, 'account', await context.loaders.account.load(id));
  },
  accountsConnection: (_parent, args, context) => {
    const { db } = requireTenant(context);
    return context.services.accounts.page(db, { ...args, scope: scopeWhere(context, 'account') });
  },
  accountsGroupBy: (_parent, args, context) => {
    const { db } = requireTenant(context);
    return context.services.accounts.groups(db, { ...args, scope: scopeWhere(context, 'account') });
  },
};
