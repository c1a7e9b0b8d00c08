/**
 * Changes to who is in a tenant and where: deactivating and reactivating users, moving users
 * between teams, choosing team managers, and handing a departing user's records to a colleague.
 *
 * A deactivated user cannot sign in, so no new access token is issued to them. The ones they hold
 * would stay valid until they expire (one access-token lifetime, 15 minutes): on
 * `platform.user.deactivated` every gateway refuses them within about a second and closes the
 * user's open subscription connections.
 */
import { forTenant, withTenantTransaction } from '@crm/db';
import { appendOutbox, createEvent } from '@crm/events';
import { badInput, notFound } from '@crm/runtime';
import type { PrismaClient } from '../../../__generated__/prisma/client.ts';
import type { TeamModel, UserModel } from '../../../__generated__/prisma/models.ts';
import { isUuid, recordId } from '../../../lib/arguments.ts';
import { SYSTEM_ACTOR, type Actor } from '../../../lib/events.ts';

export interface RecordsTransfer {
  fromUser: UserModel;
  toUser: UserModel;
  /** Teams whose management moved to `toUser`. */
  teamIds: string[];
  requestedAt: Date;
}

export interface RecordsTransferredPayload extends Record<string, unknown> {
  fromUserId: string;
  toUserId: string;
  teamIds: string[];
}

export interface MembershipService {
  /** Whether `userId` is an active user of `tenantId` (false for unknown or foreign users); for the gateway's token checks. */
  isActive(tenantId: string, userId: string): Promise<boolean>;
  /** Deactivates a user (not oneself); emits `platform.user.deactivated`. Already inactive: no change. */
  deactivate(tenantId: string, userId: string, actor?: Actor): Promise<UserModel>;
  /** Reactivates a user; emits `platform.user.reactivated`. Already active: no change. */
  reactivate(tenantId: string, userId: string, actor?: Actor): Promise<UserModel>;
  /** Moves a user to a team (or out of any team, with null); emits `platform.user.team_changed`. */
  assignTeam(tenantId: string, userId: string, teamId: string | null, actor?: Actor): Promise<UserModel>;
  /** Sets (or clears, with null) a team's manager; emits `platform.team.manager_changed`. */
  setTeamManager(tenantId: string, teamId: string, managerId: string | null, actor?: Actor): Promise<TeamModel>;
  /**
   * Hands everything `fromUserId` owns to `toUserId` (an active user): the teams they manage here,
   * and, through `platform.user.records_transferred`, the records other subgraphs hold.
   */
  transferRecords(tenantId: string, fromUserId: string, toUserId: string, actor?: Actor): Promise<RecordsTransfer>;
}

export interface MembershipServiceDeps {
  prisma: PrismaClient;
  afterCommit: () => void;
  clock?: () => Date;
}

export function createMembershipService({ prisma, afterCommit, clock = () => new Date() }: MembershipServiceDeps): MembershipService {
  async function setActive(tenantId: string, userId: string, active: boolean, actor: Actor): Promise<UserModel> {
    const tenant = recordId(tenantId, 'tenantId');
    const id = recordId(userId);
    if (!active && actor.userId === id) throw badInput('You cannot deactivate yourself', 'id');
    let changed = false;
    const user = await withTenantTransaction(prisma, tenant, async (tx) => {
      const existing = await tx.user.findFirst({ where: { id, tenantId: tenant } });
      if (!existing) throw notFound('User', id);
      if (existing.active === active) return existing;
      const updated = await tx.user.update({ where: { id }, data: { active } });
      await appendOutbox(
        tx,
        createEvent({
          type: active ? 'platform.user.reactivated' : 'platform.user.deactivated',
          tenantId: tenant,
          actor,
          aggregateId: id,
          payload: { userId: id, changed: { active: { from: !active, to: active } } },
        }),
      );
      changed = true;
      return updated;
    });
    if (changed) afterCommit();
    return user;
  }

  return {
    async isActive(tenantId, userId) {
      if (!isUuid(tenantId) || !isUuid(userId)) return false;
      const user = await forTenant(prisma, tenantId).user.findFirst({ where: { id: userId.toLowerCase() }, select: { active: true } });
      return user?.active === true;
    },
    deactivate: (tenantId, userId, actor = SYSTEM_ACTOR) => setActive(tenantId, userId, false, actor),
    reactivate: (tenantId, userId, actor = SYSTEM_ACTOR) => setActive(tenantId, userId, true, actor),

    async assignTeam(tenantId, userId, teamId, actor = SYSTEM_ACTOR) {
      const tenant = recordId(tenantId, 'tenantId');
      const id = recordId(userId, 'userId');
      const team = teamId === null ? null : recordId(teamId, 'teamId');
      const user = await withTenantTransaction(prisma, tenant, async (tx) => {
        const existing = await tx.user.findFirst({ where: { id, tenantId: tenant } });
        if (!existing) throw notFound('User', id);
        if (team && !(await tx.team.findFirst({ where: { id: team, tenantId: tenant }, select: { id: true } }))) throw notFound('Team', team);
        if (existing.teamId === team) return existing;
        const updated = await tx.user.update({ where: { id }, data: { teamId: team } });
        await appendOutbox(
          tx,
          createEvent({ type: 'platform.user.team_changed', tenantId: tenant, actor, aggregateId: id, payload: { userId: id, changed: { teamId: { from: existing.teamId, to: team } } } }),
        );
        return updated;
      });
      afterCommit();
      return user;
    },

    async setTeamManager(tenantId, teamId, managerId, actor = SYSTEM_ACTOR) {
      const tenant = recordId(tenantId, 'tenantId');
      const id = recordId(teamId, 'teamId');
      const manager = managerId === null ? null : recordId(managerId, 'managerId');
      const team = await withTenantTransaction(prisma, tenant, async (tx) => {
        const existing = await tx.team.findFirst({ where: { id, tenantId: tenant } });
        if (!existing) throw notFound('Team', id);
        if (manager) {
          const user = await tx.user.findFirst({ where: { id: manager, tenantId: tenant }, select: { active: true } });
          if (!user) throw notFound('User', manager);
          if (!user.active) throw badInput('A deactivated user cannot manage a team', 'managerId');
        }
        if (existing.managerId === manager) return existing;
        const updated = await tx.team.update({ where: { id }, data: { managerId: manager } });
        await appendOutbox(
          tx,
          createEvent({ type: 'platform.team.manager_changed', tenantId: tenant, actor, aggregateId: id, payload: { teamId: id, changed: { managerId: { from: existing.managerId, to: manager } } } }),
        );
        return updated;
      });
      afterCommit();
      return team;
    },

    async transferRecords(tenantId, fromUserId, toUserId, actor = SYSTEM_ACTOR) {
      const tenant = recordId(tenantId, 'tenantId');
      const from = recordId(fromUserId, 'fromUserId');
      const to = recordId(toUserId, 'toUserId');
      if (from === to) throw badInput('Records cannot be transferred to the same user', 'toUserId');
      const transfer = await withTenantTransaction(prisma, tenant, async (tx) => {
        const [fromUser, toUser] = await Promise.all([
          tx.user.findFirst({ where: { id: from, tenantId: tenant } }),
          tx.user.findFirst({ where: { id: to, tenantId: tenant } }),
        ]);
        if (!fromUser) throw notFound('User', from);
        if (!toUser) throw notFound('User', to);
        if (!toUser.active) throw badInput('Records can only go to an active user', 'toUserId');
        const teams = await tx.team.findMany({ where: { managerId: from }, select: { id: true } });
        const teamIds = teams.map((team) => team.id);
        if (teamIds.length) await tx.team.updateMany({ where: { id: { in: teamIds } }, data: { managerId: to } });
        await appendOutbox(
          tx,
          createEvent<RecordsTransferredPayload>({
            type: 'platform.user.records_transferred',
            tenantId: tenant,
            actor,
            aggregateId: from,
            payload: { fromUserId: from, toUserId: to, teamIds },
          }),
        );
        return { fromUser, toUser, teamIds, requestedAt: clock() };
      });
      afterCommit();
      return transfer;
    },
  };
}
