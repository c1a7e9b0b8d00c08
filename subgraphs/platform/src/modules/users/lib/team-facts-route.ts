/**
 * `POST /internal/users/team-facts` — the gateway asks which team a signed-in user works in, so
 * subgraphs can apply the `team` scope of the permission table.
 *
 * Internal: the request must carry a fresh identity header signed by the gateway (as for
 * `/graphql`), otherwise 401. Body `{ "tenantId": "…", "userId": "…" }`. Answers 200 with
 * `{ "teamId": string | null, "teamMemberIds": string[], "customGrants": { "resource:action": scope } }`:
 * - `teamId`: the team the user belongs to, else the first team (by name) they manage, else null;
 * - `teamMemberIds`: active members and the managers of every team the user belongs to or
 *   manages, the user included; `[]` for a user without a team, or one that does not exist;
 * - `customGrants`: the merged grants of the custom roles the user holds (widest scope per
 *   permission; never `global`), `{}` for none. The gateway signs them into the identity.
 * - `maskDealAmountsOutsideTeam: true` when the tenant masks deal amounts outside teams (absent
 *   otherwise; see modules/data-masking): it travels with the facts so subgraphs apply it without
 *   a request of their own.
 */
import { withTenantTransaction } from '@crm/db';
import { createInternalRoute } from '@crm/runtime';
import type { PrismaClient } from '../../../__generated__/prisma/client.ts';
import { isUuid } from '@crm/runtime';
import { mergeGrants, type Grants } from '@crm/authz';
import { storedGrants } from '../../roles/lib/role-view.ts';
import { dealMaskingOf } from '../../data-masking/services/data-masking.ts';

export const TEAM_FACTS_PATH = '/internal/users/team-facts';


export interface TeamFacts {
  teamId: string | null;
  teamMemberIds: string[];
  customGrants: Grants;
}

/** The team facts of one user of a tenant. */
export async function teamFactsOf(prisma: PrismaClient, tenantId: string, userId: string): Promise<TeamFacts> {
  return withTenantTransaction(prisma, tenantId, async (tx) => {
    const user = await tx.user.findFirst({ where: { id: userId, tenantId }, select: { teamId: true } });
    if (!user) return { teamId: null, teamMemberIds: [], customGrants: {} };
    const held = await tx.userCustomRole.findMany({ where: { tenantId, userId }, select: { role: { select: { grants: true } } } });
    const customGrants = mergeGrants(held.map((row) => storedGrants(row.role.grants)));
    const managed = await tx.team.findMany({ where: { tenantId, managerId: userId }, select: { id: true }, orderBy: [{ name: 'asc' }, { id: 'asc' }] });
    const teamIds = [...new Set([...(user.teamId ? [user.teamId] : []), ...managed.map((team) => team.id)])];
    if (teamIds.length === 0) return { teamId: null, teamMemberIds: [], customGrants };
    const [members, teams] = await Promise.all([
      tx.user.findMany({ where: { tenantId, teamId: { in: teamIds }, active: true }, select: { id: true } }),
      tx.team.findMany({ where: { tenantId, id: { in: teamIds } }, select: { managerId: true } }),
    ]);
    const ids = new Set<string>([userId, ...members.map((member) => member.id)]);
    for (const team of teams) if (team.managerId) ids.add(team.managerId);
    return { teamId: teamIds[0] ?? null, teamMemberIds: [...ids].sort(), customGrants };
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
    handle: async ({ tenantId, userId }) => {
      const [facts, masked] = await Promise.all([teamFactsOf(prisma, tenantId, userId), dealMaskingOf(prisma, tenantId)]);
      return masked ? { ...facts, maskDealAmountsOutsideTeam: true } : facts;
    },
  });
}
