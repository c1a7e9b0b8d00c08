import type { Resolvers } from '../../../__generated__/resolvers-types.ts';
import { authorize } from '../../../context.ts';
import { JSONScalar } from '@crm/runtime';
import { connectionOf } from '../../../lib/connection.ts';

export const auditResolvers: Resolvers = {
  JSON: JSONScalar,
  Query: {
    auditLog: async (_parent, args, ctx) => {
      const { db } = authorize(ctx, 'audit', 'read');
      return connectionOf(await ctx.services.auditLog.list(db, args));
    },
  },
};
