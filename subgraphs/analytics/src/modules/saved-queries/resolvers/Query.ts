import type { QueryResolvers } from '../../../__generated__/resolvers-types.ts';
import { requireTenant } from '../../../context.ts';

export const Query: QueryResolvers = {
  persistedQueries: async (_parent, { first, after }, context) => {
    const { db } = requireTenant(context);
    const page = await context.services.persistedQueries.list(db, { first, after });
    const edges = page.nodes.map((node) => ({ cursor: page.cursorOf(node), node }));
    return {
      edges,
      pageInfo: {
        hasNextPage: page.hasNextPage,
        hasPreviousPage: page.hasPreviousPage,
        startCursor: edges[0]?.cursor ?? null,
        endCursor: edges.at(-1)?.cursor ?? null,
      },
    };
  },
  persistedQuery: (_parent, { nameOrId }, context) => {
    const { db } = requireTenant(context);
    return context.services.persistedQueries.find(db, nameOrId);
  },
};
