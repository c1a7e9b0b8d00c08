import type { MutationResolvers } from '../../../__generated__/resolvers-types.ts';
import { authorize, enterTenant } from '../../../context.ts';
import { actorOf } from '../../../lib/events.ts';

export const Mutation: MutationResolvers = {
  inviteUser: async (_parent, { input }, ctx) => {
    const { tenantId } = authorize(ctx, 'user', 'create');
    const { invitation } = await ctx.services.invitations.invite(tenantId, input, actorOf(ctx.identity));
    ctx.log.info({ invitationId: invitation.id }, 'user invited');
    return invitation;
  },
  acceptInvitation: async (_parent, args, ctx) => {
    const user = await ctx.services.invitations.accept(args);
    const session = await ctx.services.auth.sessionFor(user);
    // The payload's fields (user, team, tenant) are read as the user who just joined.
    enterTenant(ctx, user.tenantId);
    ctx.log.info({ userId: user.id }, 'invitation accepted');
    return session;
  },
  deactivateUser: (_parent, { id }, ctx) =>
    ctx.services.membership.deactivate(authorize(ctx, 'user', 'update').tenantId, id, actorOf(ctx.identity)),
  reactivateUser: (_parent, { id }, ctx) =>
    ctx.services.membership.reactivate(authorize(ctx, 'user', 'update').tenantId, id, actorOf(ctx.identity)),
  createTeam: (_parent, { input }, ctx) =>
    ctx.services.teams.create(authorize(ctx, 'user', 'update').tenantId, input, actorOf(ctx.identity)),
  assignUserToTeam: (_parent, { userId, teamId }, ctx) =>
    ctx.services.membership.assignTeam(authorize(ctx, 'user', 'update').tenantId, userId, teamId ?? null, actorOf(ctx.identity)),
  setTeamManager: (_parent, { teamId, managerId }, ctx) =>
    ctx.services.membership.setTeamManager(authorize(ctx, 'user', 'update').tenantId, teamId, managerId ?? null, actorOf(ctx.identity)),
  transferUserRecords: (_parent, { fromUserId, toUserId }, ctx) =>
    ctx.services.membership.transferRecords(authorize(ctx, 'user', 'update').tenantId, fromUserId, toUserId, actorOf(ctx.identity)),
};
