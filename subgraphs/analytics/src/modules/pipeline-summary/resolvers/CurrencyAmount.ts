import type { CurrencyAmountResolvers } from '../../../__generated__/resolvers-types.ts';
import { formatMinor } from '../lib/money.ts';

export const CurrencyAmount: CurrencyAmountResolvers = {
  currency: (amount) => amount.currency,
  amount: (amount) => formatMinor(amount.amountMinor, amount.currency),
};
