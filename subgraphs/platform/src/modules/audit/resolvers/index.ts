import type { Resolvers } from '../../../__generated__/resolvers-types.ts';
import { authorize } from '../../../context.ts';
import { JSONScalar } from '../../../lib/json.ts';

export const auditResolvers: Resolvers = {
  JSON: JSONScalar,
  Query: {
    auditLog: async (_parent, args, ctx) => {
      const { db } = authorize(ctx, 'audit', 'read');
      const page = await ctx.services.auditLog.list(db, args);
      const edges = page.entries.map((node) => ({ cursor: page.cursorOf(node), node }));
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
  },
};
