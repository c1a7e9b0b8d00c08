import type { DealLineItemModel } from '../../../__generated__/prisma/models.ts';
import type { DealLineItemResolvers } from '../../../__generated__/resolvers-types.ts';
import { formatAmount } from '../../deals/lib/money.ts';
import { formatQuantity, lineTotals } from '../lib/line-math.ts';
import { figuresOf, quantityOf } from '../services/line-items.ts';

const totalsOf = (line: DealLineItemModel) => lineTotals(figuresOf({ ...line, quantity: quantityOf(line) }));

/** The money fields of a line: null, and listed in `maskedFields`, when the deal's amounts are masked for the caller. */
const MONEY_FIELDS = ['unitPrice', 'discountAmount', 'subtotal', 'discount', 'tax', 'total'] as const;

export const DealLineItem: DealLineItemResolvers = {
  product: (line, _args, ctx) => (line.productId ? ctx.loaders.productById.load(line.productId) : null),
  quantity: (line) => formatQuantity(quantityOf(line)),
  unitPrice: (line) => (line.masked ? null : formatAmount(line.unitPriceMinor, line.currency)),
  discountAmount: (line) => (line.masked || line.discountMinor === null ? null : formatAmount(line.discountMinor, line.currency)),
  subtotal: (line) => (line.masked ? null : formatAmount(totalsOf(line).subtotalMinor, line.currency)),
  discount: (line) => (line.masked ? null : formatAmount(totalsOf(line).discountMinor, line.currency)),
  tax: (line) => (line.masked ? null : formatAmount(totalsOf(line).taxMinor, line.currency)),
  total: (line) => (line.masked ? null : formatAmount(totalsOf(line).totalMinor, line.currency)),
  maskedFields: (line) => (line.masked ? [...MONEY_FIELDS] : []),
};
