import type { AccountResolvers } from '../../../__generated__/resolvers-types.ts';
import { requireTenant } from '../../../context.ts';
import { customFieldResolvers } from '../../custom-fields/resolvers/record-fields.ts';

export const Account: AccountResolvers = {
  /** Batched through the request's loader; an id of another tenant resolves to null. */
  __resolveReference: (reference, context) => {
    requireTenant(context);
    return context.loaders.account.load(reference.id);
  },
  annualRevenue: (account) =>
    account.revenueMinor !== null && account.revenueCurrency ? { amountMinor: account.revenueMinor.toString(), currency: account.revenueCurrency } : null,
  parent: (account, _args, context) => (account.parentId ? context.loaders.account.load(account.parentId) : null),
  children: (account, _args, context) => context.loaders.childrenOfAccount.load(account.id),
  owner: (account) => (account.ownerId ? { id: account.ownerId } : null),
  contacts: (account, _args, context) => context.loaders.contactsOfAccount.load(account.id),
  ...customFieldResolvers('ACCOUNT'),
};
