import type { MutationResolvers } from '../../../../__generated__/resolvers-types.ts';
import { enterTenant } from '../../../../context.ts';

export const login: NonNullable<MutationResolvers['login']> = async (_parent, args, ctx) => {
  const session = await ctx.services.auth.login(args);
  // The payload's fields (user, team, tenant) are read as the user who just signed in.
  enterTenant(ctx, session.user.tenantId);
  ctx.log.info({ userId: session.user.id }, 'user signed in');
  return session;
};
