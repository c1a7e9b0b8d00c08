import type { QueryResolvers } from '../../../__generated__/resolvers-types.ts';
import { requireTenant } from '../../../context.ts';

export const Query: QueryResolvers = {
  tenant: (_parent, _args, ctx) => ctx.loaders.tenant.load(requireTenant(ctx).tenantId),
};
