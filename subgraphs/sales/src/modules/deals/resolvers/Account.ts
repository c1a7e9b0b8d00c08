import type { AccountResolvers } from '../../../__generated__/resolvers-types.ts';
import { visibleDeals } from '../../../context.ts';
import { primeDeals } from '../../../loaders.ts';
import { pageSize } from '../../common/lib/input.ts';

/** Accounts belong to the customer subgraph; sales contributes the deals made with them. */
export const Account: AccountResolvers = {
  __resolveReference: (reference) => ({ __typename: 'Account', id: reference.id }),
  deals: async (account, { first }, ctx) => {
    // the account's first deals, then those the caller may read (a rep may get fewer than `first`)
    const deals = visibleDeals(ctx, await ctx.loaders.dealsByAccountId.load({ id: account.id, first: pageSize(first) }));
    primeDeals(ctx.loaders, deals);
    return deals;
  },
};
