/** Teams of a tenant. */
import { z } from 'zod';
import { withTenantTransaction } from '@crm/db';
import { appendOutbox, createEvent } from '@crm/events';
import { badInput, conflict } from '@crm/runtime';
import type { PrismaClient } from '../../../__generated__/prisma/client.ts';
import type { TeamModel } from '../../../__generated__/prisma/models.ts';
import type { TenantDb } from '../../../context.ts';
import { parseInput, recordId } from '../../../lib/arguments.ts';
import { SYSTEM_ACTOR, type Actor } from '../../../lib/events.ts';
import { isUniqueViolation } from '../../../lib/prisma-errors.ts';

const createTeamInput = z.object({
  name: z.string().trim().min(1).max(200),
  managerId: z.uuid().nullish(),
});
export type CreateTeamInput = z.input<typeof createTeamInput>;

export interface TeamCreatedPayload extends Record<string, unknown> {
  teamId: string;
  name: string;
  managerId: string | null;
}

export interface TeamService {
  /** Creates a team in `tenantId` and emits `platform.team.created`. Names are unique per tenant. */
  create(tenantId: string, input: CreateTeamInput, actor?: Actor): Promise<TeamModel>;
  /** The tenant's teams by name. */
  list(db: TenantDb): Promise<TeamModel[]>;
}

export interface TeamServiceDeps {
  prisma: PrismaClient;
  afterCommit: () => void;
}

export function createTeamService({ prisma, afterCommit }: TeamServiceDeps): TeamService {
  return {
    async create(tenantId, input, actor = SYSTEM_ACTOR) {
      const data = parseInput(createTeamInput, input);
      const tenant = recordId(tenantId, 'tenantId');
      const team = await withTenantTransaction(prisma, tenant, async (tx) => {
        if (data.managerId && !(await tx.user.findFirst({ where: { id: data.managerId, tenantId: tenant }, select: { id: true } }))) {
          throw badInput(`User ${data.managerId} does not exist in this tenant`, 'managerId');
        }
        const created = await tx.team.create({ data: { ...data, tenantId: tenant } });
        await appendOutbox(
          tx,
          createEvent<TeamCreatedPayload>({
            type: 'platform.team.created',
            tenantId: tenant,
            actor,
            aggregateId: created.id,
            payload: { teamId: created.id, name: created.name, managerId: created.managerId },
          }),
        );
        return created;
      }).catch((error: unknown) => {
        if (isUniqueViolation(error)) throw conflict(`A team named "${data.name}" already exists`, { field: 'name' });
        throw error;
      });
      afterCommit();
      return team;
    },

    list(db) {
      return db.team.findMany({ orderBy: [{ name: 'asc' }, { id: 'asc' }] });
    },
  };
}
