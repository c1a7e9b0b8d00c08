import type { TeamModel } from '../../../__generated__/prisma/models.ts';
import type { InvitationResolvers, RecordsTransferResolvers } from '../../../__generated__/resolvers-types.ts';

export const Invitation: InvitationResolvers = {
  team: (invitation, _args, ctx) => (invitation.teamId ? ctx.loaders.team.load(invitation.teamId) : null),
};

export const RecordsTransfer: RecordsTransferResolvers = {
  teams: async (transfer, _args, ctx) =>
    (await ctx.loaders.team.loadMany(transfer.teamIds)).filter((team): team is TeamModel => team !== null && !(team instanceof Error)),
};
