import type { AccountResolvers } from '../../../__generated__/resolvers-types.ts';
import { requireTenant, visible, visibleRows } from '../../../context.ts';
import { customFieldResolvers } from '../../custom-fields/resolvers/record-fields.ts';

export const Account: AccountResolvers = {
  /** Batched through the request's loader; an id of another tenant, or a record the caller may not read, resolves to null. */
  __resolveReference: async (reference, context) => {
    requireTenant(context);
    return visible(context, 'account', await context.loaders.account.load(reference.id));
  },
  annualRevenue: (account) =>
    account.revenueMinor !== null && account.revenueCurrency ? { amountMinor: account.revenueMinor.toString(), currency: account.revenueCurrency } : null,
  parent: async (account, _args, context) => (account.parentId ? visible(context, 'account', await context.loaders.account.load(account.parentId)) : null),
  children: async (account, _args, context) => visibleRows(context, 'account', await context.loaders.childrenOfAccount.load(account.id)),
  owner: (account) => (account.ownerId ? { id: account.ownerId } : null),
  contacts: async (account, _args, context) => visibleRows(context, 'contact', await context.loaders.contactsOfAccount.load(account.id)),
  ...customFieldResolvers('ACCOUNT'),
};
