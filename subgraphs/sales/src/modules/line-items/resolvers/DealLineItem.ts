import type { DealLineItemModel } from '../../../__generated__/prisma/models.ts';
import type { DealLineItemResolvers } from '../../../__generated__/resolvers-types.ts';
import { formatAmount } from '../../deals/lib/money.ts';
import { formatQuantity, lineTotals } from '../lib/line-math.ts';
import { figuresOf, quantityOf } from '../services/line-items.ts';

const totalsOf = (line: DealLineItemModel) => lineTotals(figuresOf({ ...line, quantity: quantityOf(line) }));

export const DealLineItem: DealLineItemResolvers = {
  product: (line, _args, ctx) => (line.productId ? ctx.loaders.productById.load(line.productId) : null),
  quantity: (line) => formatQuantity(quantityOf(line)),
  unitPrice: (line) => formatAmount(line.unitPriceMinor, line.currency),
  discountAmount: (line) => (line.discountMinor === null ? null : formatAmount(line.discountMinor, line.currency)),
  subtotal: (line) => formatAmount(totalsOf(line).subtotalMinor, line.currency),
  discount: (line) => formatAmount(totalsOf(line).discountMinor, line.currency),
  tax: (line) => formatAmount(totalsOf(line).taxMinor, line.currency),
  total: (line) => formatAmount(totalsOf(line).totalMinor, line.currency),
};
