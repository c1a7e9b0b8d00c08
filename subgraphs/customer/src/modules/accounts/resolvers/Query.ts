import type { QueryResolvers } from '../../../__generated__/resolvers-types.ts';
import { requireTenant } from '../../../context.ts';
import { pageSize } from '../../../lib/pagination.ts';

export const Query: QueryResolvers = {
  accounts: (_parent, { first }, context) => {
    const { db } = requireTenant(context);
    return context.services.accounts.list(db, { first: pageSize(first) });
  },
  account: (_parent, { id }, context) => {
    requireTenant(context);
    return context.loaders.account.load(id);
  },
  accountsConnection: (_parent, args, context) => {
    const { db } = requireTenant(context);
    return context.services.accounts.page(db, args);
  },
  accountsGroupBy: (_parent, args, context) => {
    const { db } = requireTenant(context);
    return context.services.accounts.groups(db, args);
  },
};
