import type { TeamResolvers } from '../../../__generated__/resolvers-types.ts';

export const Team: TeamResolvers = {
  /** Batched through the team loader; teams of other tenants resolve to null. */
  __resolveReference: (reference, ctx) => ctx.loaders.team.load(reference.id),
  members: (team, _args, ctx) => ctx.loaders.usersByTeam.load(team.id),
  manager: (team, _args, ctx) => (team.managerId ? ctx.loaders.user.load(team.managerId) : null),
};
