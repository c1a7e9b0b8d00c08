import type { MutationResolvers } from '../../../../__generated__/resolvers-types.ts';
import { enterTenant } from '../../../../context.ts';

export const login: NonNullable<MutationResolvers['login']> = async (_parent, args, ctx) => {
  // Refused sign-ins count against the caller's address too (the gateway sends it on anonymous
  // requests); the sign-in form shares the same count. Each `login` field is one attempt.
  const addressKey = ctx.identity.clientAddress ? `ip:${ctx.identity.clientAddress}` : null;
  if (addressKey) await ctx.services.signInAddresses.attempt(addressKey);
  const session = await ctx.services.auth.login(args);
  // only refused attempts count against an address (people behind one proxy sign in all day)
  if (addressKey) await ctx.services.signInAddresses.forgive(addressKey);
  // The payload's fields (user, team, tenant) are read as the user who just signed in.
  enterTenant(ctx, session.user.tenantId);
  ctx.log.info({ userId: session.user.id }, 'user signed in');
  return session;
};
