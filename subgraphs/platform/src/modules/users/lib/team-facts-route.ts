/**
 * `POST /internal/users/team-facts` — the gateway asks which team a signed-in user works in, so
 * subgraphs can apply the `team` scope of the permission table.
 *
 * Internal: the request must carry a fresh identity header signed by the gateway (as for
 * `/graphql`), otherwise 401. Body `{ "tenantId": "…", "userId": "…" }`. Answers 200 with
 * `{ "teamId": string | null, "teamMemberIds": string[] }`:
 * - `teamId`: the team the user belongs to, else the first team (by name) they manage, else null;
 * - `teamMemberIds`: active members and the managers of every team the user belongs to or
 *   manages, the user included; `[]` for a user without a team, or one that does not exist.
 */
import { withTenantTransaction } from '@crm/db';
import { createInternalRoute } from '@crm/runtime';
import type { PrismaClient } from '../../../__generated__/prisma/client.ts';
import { isUuid } from '@crm/runtime';

export const TEAM_FACTS_PATH = '/internal/users/team-facts';


export interface TeamFacts {
  teamId: string | null;
  teamMemberIds: string[];
}

/** The team facts of one user of a tenant. */
export async function teamFactsOf(prisma: PrismaClient, tenantId: string, userId: string): Promise<TeamFacts> {
  return withTenantTransaction(prisma, tenantId, async (tx) => {
    const user = await tx.user.findFirst({ where: { id: userId, tenantId }, select: { teamId: true } });
    if (!user) return { teamId: null, teamMemberIds: [] };
    const managed = await tx.team.findMany({ where: { tenantId, managerId: userId }, select: { id: true }, orderBy: [{ name: 'asc' }, { id: 'asc' }] });
    const teamIds = [...new Set([...(user.teamId ? [user.teamId] : []), ...managed.map((team) => team.id)])];
    if (teamIds.length === 0) return { teamId: null, teamMemberIds: [] };
    const [members, teams] = await Promise.all([
      tx.user.findMany({ where: { tenantId, teamId: { in: teamIds }, active: true }, select: { id: true } }),
      tx.team.findMany({ where: { tenantId, id: { in: teamIds } }, select: { managerId: true } }),
    ]);
    const ids = new Set<string>([userId, ...members.map((member) => member.id)]);
    for (const team of teams) if (team.managerId) ids.add(team.managerId);
    return { teamId: teamIds[0] ?? null, teamMemberIds: [...ids].sort() };
  });
}

export function createTeamFactsRoute(prisma: PrismaClient, signingSecret: string) {
  return createInternalRoute<{ tenantId: string; userId: string }>({
    path: TEAM_FACTS_PATH,
    signingSecret,
    usage: 'Body must be JSON {"tenantId": "<uuid>", "userId": "<uuid>"}',
    parse: (body) => {
      if (typeof body !== 'object' || body === null) return null;
      const { tenantId, userId } = body as Record<string, unknown>;
      return typeof tenantId === 'string' && typeof userId === 'string' && isUuid(tenantId) && isUuid(userId)
        ? { tenantId: tenantId.toLowerCase(), userId: userId.toLowerCase() }
        : null;
    },
    handle: ({ tenantId, userId }) => teamFactsOf(prisma, tenantId, userId),
  });
}
