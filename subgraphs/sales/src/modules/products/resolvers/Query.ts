import type { QueryResolvers } from '../../../__generated__/resolvers-types.ts';
import { requireTenant } from '../../../context.ts';
import { pageSize } from '../../common/lib/input.ts';
import { productCursor } from '../services/products.ts';

export const Query: QueryResolvers = {
  products: async (_root, { first, after, includeArchived }, ctx) => {
    const { db } = requireTenant(ctx);
    const page = await ctx.services.products.list(db, { first: pageSize(first ?? 50), after, includeArchived: includeArchived ?? false });
    for (const product of page.products) ctx.loaders.productById.prime(product.id, product);
    const edges = page.products.map((node) => ({ cursor: productCursor(node), node }));
    return {
      edges,
      nodes: page.products,
      pageInfo: {
        hasNextPage: page.hasNextPage,
        hasPreviousPage: Boolean(after),
        startCursor: edges[0]?.cursor ?? null,
        endCursor: edges.at(-1)?.cursor ?? null,
      },
    };
  },
  product: (_root, { id }, ctx) => {
    requireTenant(ctx);
    return ctx.loaders.productById.load(id);
  },
};
