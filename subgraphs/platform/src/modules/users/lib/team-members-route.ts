/**
 * `POST /internal/teams/members` — the sales subgraph asks for every team of a tenant and who is in
 * it, to group a tenant-wide forecast by team.
 *
 * Internal: the request must carry a fresh identity header signed with the shared secret (as the
 * gateway signs `/graphql`), otherwise 401. Body `{ "tenantId": "…" }`. Answers 200 with
 * `{ "teams": [{ "teamId", "name", "memberIds" }] }`, teams by name: `memberIds` are the team's
 * active members and its manager, as the team facts count them (`team-facts-route.ts`), so a team
 * group covers the same people a manager of that team sees. An unknown tenant has no teams.
 * Two SQL statements, whatever the number of teams.
 */
import { withTenantTransaction } from '@crm/db';
import { createInternalRoute, isUuid } from '@crm/runtime';
import type { PrismaClient } from '../../../__generated__/prisma/client.ts';

export const TEAM_MEMBERS_PATH = '/internal/teams/members';

export interface TeamMembers {
  teamId: string;
  name: string;
  /** Active members and the manager, sorted. */
  memberIds: string[];
}

/** Every team of a tenant with its members and manager, by name. */
export async function teamMembersOf(prisma: PrismaClient, tenantId: string): Promise<TeamMembers[]> {
  return withTenantTransaction(prisma, tenantId, async (tx) => {
    const [teams, members] = await Promise.all([
      tx.team.findMany({ where: { tenantId }, select: { id: true, name: true, managerId: true }, orderBy: [{ name: 'asc' }, { id: 'asc' }] }),
      tx.user.findMany({ where: { tenantId, teamId: { not: null }, active: true }, select: { id: true, teamId: true } }),
    ]);
    return teams.map((team) => {
      const ids = new Set(members.filter((member) => member.teamId === team.id).map((member) => member.id));
      if (team.managerId) ids.add(team.managerId);
      return { teamId: team.id, name: team.name, memberIds: [...ids].sort() };
    });
  });
}

export function createTeamMembersRoute(prisma: PrismaClient, signingSecret: string) {
  return createInternalRoute<{ tenantId: string }>({
    path: TEAM_MEMBERS_PATH,
    signingSecret,
    usage: 'Body must be JSON {"tenantId": "<uuid>"}',
    parse: (body) => {
      if (typeof body !== 'object' || body === null) return null;
      const { tenantId } = body as Record<string, unknown>;
      return typeof tenantId === 'string' && isUuid(tenantId) ? { tenantId: tenantId.toLowerCase() } : null;
    },
    handle: async ({ tenantId }) => ({ teams: await teamMembersOf(prisma, tenantId) }),
  });
}
