import type { AccountResolvers } from '../../../__generated__/resolvers-types.ts';
import { primeDeals } from '../../../loaders.ts';
import { pageSize } from '../../common/lib/input.ts';

/** Accounts belong to the customer subgraph; sales contributes the deals made with them. */
export const Account: AccountResolvers = {
  __resolveReference: (reference) => ({ __typename: 'Account', id: reference.id }),
  deals: async (account, { first }, ctx) => {
    const deals = await ctx.loaders.dealsByAccountId.load({ id: account.id, first: pageSize(first) });
    primeDeals(ctx.loaders, deals);
    return deals;
  },
};
