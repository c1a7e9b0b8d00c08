import type { UserResolvers } from '../../../__generated__/resolvers-types.ts';

export const User: UserResolvers = {
  /** Batched through the user loader; users of other tenants resolve to null. */
  __resolveReference: (reference, ctx) => ctx.loaders.user.load(reference.id),
  team: (user, _args, ctx) => (user.teamId ? ctx.loaders.team.load(user.teamId) : null),
  tenant: async (user, _args, ctx) => {
    const tenant = await ctx.loaders.tenant.load(user.tenantId);
    if (!tenant) throw new Error(`Tenant ${user.tenantId} of user ${user.id} is not readable`);
    return tenant;
  },
};
