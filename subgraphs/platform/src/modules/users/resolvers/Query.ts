import type { QueryResolvers } from '../../../__generated__/resolvers-types.ts';
import { authorize, requireTenant } from '../../../context.ts';
import { pageSize, recordId } from '../../../lib/arguments.ts';

export const Query: QueryResolvers = {
  me: (_parent, _args, ctx) => {
    requireTenant(ctx);
    return ctx.identity.userId ? ctx.loaders.user.load(ctx.identity.userId) : null;
  },
  users: (_parent, args, ctx) => ctx.services.users.list(requireTenant(ctx).db, pageSize(args.first)),
  user: (_parent, args, ctx) => {
    requireTenant(ctx);
    return ctx.loaders.user.load(recordId(args.id));
  },
  teams: (_parent, _args, ctx) => ctx.services.teams.list(requireTenant(ctx).db),
  invitations: (_parent, _args, ctx) => ctx.services.invitations.listPending(authorize(ctx, 'user', 'create').db),
};
