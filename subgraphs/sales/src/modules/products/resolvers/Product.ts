import type { ProductResolvers } from '../../../__generated__/resolvers-types.ts';
import { formatAmount } from '../../deals/lib/money.ts';

export const Product: ProductResolvers = {
  __resolveReference: (reference, ctx) => ctx.loaders.productById.load(reference.id),
  unitPrice: (product) => formatAmount(product.unitPriceMinor, product.currency),
};
