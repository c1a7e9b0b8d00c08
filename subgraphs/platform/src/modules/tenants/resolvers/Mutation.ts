import type { MutationResolvers } from '../../../__generated__/resolvers-types.ts';
import { authorize } from '../../../context.ts';
import { actorOf } from '../../../lib/events.ts';

export const Mutation: MutationResolvers = {
  setCorsOrigins: async (_parent, { origins }, ctx) => {
    const { tenantId } = authorize(ctx, 'tenant', 'update');
    const tenant = await ctx.services.tenants.setCorsOrigins(tenantId, origins, actorOf(ctx.identity));
    ctx.log.info({ corsOrigins: tenant.corsOrigins }, 'tenant CORS origins changed');
    return tenant;
  },
};
