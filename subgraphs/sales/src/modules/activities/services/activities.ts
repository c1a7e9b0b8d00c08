/**
 * Activities: tasks, meetings, calls, emails and notes about a record — a deal of this subgraph,
 * or a contact, account or lead of the customer subgraph (referenced by id; sales cannot read
 * customer's tables, so only deal references are checked here).
 *
 * Every change appends its event (`sales.activity.created`, `.completed`, `.deleted`) to the
 * outbox in the same transaction. Users mentioned in the body (`@[Name](user:<id>)`) are listed in
 * the created event; a reminder (explicit `remindAt`, or the due time of a task, meeting or call)
 * is queued in `ActivityReminder` for the reminder job, and dropped when the activity is completed
 * or deleted.
 */
import { withTenantTransaction } from '@crm/db';
import { createEvent, type EventEnvelope } from '@crm/events';
import { badInput, conflict, notFound } from '@crm/runtime';
import { z } from 'zod';
import type { Prisma, PrismaClient } from '../../../__generated__/prisma/client.ts';
import type { ActivityModel } from '../../../__generated__/prisma/models.ts';
import type { Actor, TenantDb } from '../../../context.ts';
import { id, isId, parseInput, text } from '../../common/lib/input.ts';
import { actorId, readDeal, writeWithEvents, type Tx } from '../../deals/services/deal-changes.ts';
import { MAX_MENTIONS, mentionedUserIds, reminderTime } from '../lib/reminders.ts';

export type ActivityType = ActivityModel['type'];
export type ActivityRecordType = ActivityModel['recordType'];

export interface CreateActivityInput {
  type: ActivityType;
  subject: string;
  body?: string | null;
  recordType: ActivityRecordType;
  recordId: string;
  dueAt?: Date | string | null;
  /** When to remind the assignee; defaults to the due time of a task, meeting or call. */
  remindAt?: Date | string | null;
  assigneeId?: string | null;
}

/** Payload of every `sales.activity.*` event: the activity after the change. */
export type ActivityEventPayload = {
  activityId: string;
  type: ActivityType;
  subject: string;
  recordType: ActivityRecordType;
  recordId: string;
  assigneeId: string | null;
  dueAt: string | null;
  completedAt: string | null;
  createdById: string | null;
  remindAt: string | null;
  /** Users mentioned in the body. */
  mentionedUserIds: string[];
};

/** Tolerance for a reminder time set "now" by a client whose clock is a little behind. */
const REMIND_AT_SLACK_MS = 60_000;

const createSchema = z.object({
  type: z.enum(['TASK', 'MEETING', 'CALL', 'EMAIL', 'NOTE'], { error: 'must be TASK, MEETING, CALL, EMAIL or NOTE' }),
  subject: text(200),
  body: z.string({ error: 'must be a string' }).max(10_000, { error: 'must be at most 10000 characters' }).nullish(),
  recordType: z.enum(['DEAL', 'CONTACT', 'ACCOUNT', 'LEAD'], { error: 'must be DEAL, CONTACT, ACCOUNT or LEAD' }),
  recordId: id(),
  dueAt: z.coerce.date({ error: 'must be a date-time' }).nullish(),
  remindAt: z.coerce
    .date({ error: 'must be a date-time' })
    .refine((date) => date.getTime() >= Date.now() - REMIND_AT_SLACK_MS, { error: 'must not be in the past' })
    .nullish(),
  assigneeId: id().nullish(),
});

export function activityEvent(type: 'created' | 'completed' | 'deleted' | 'reminder_due', tenantId: string, actor: Actor, activity: ActivityModel): EventEnvelope<ActivityEventPayload> {
  return createEvent<ActivityEventPayload>({
    type: `sales.activity.${type}`,
    tenantId,
    actor,
    aggregateId: activity.id,
    payload: {
      activityId: activity.id,
      type: activity.type,
      subject: activity.subject,
      recordType: activity.recordType,
      recordId: activity.recordId,
      assigneeId: activity.assigneeId,
      dueAt: activity.dueAt?.toISOString() ?? null,
      completedAt: activity.completedAt?.toISOString() ?? null,
      createdById: activity.createdById,
      remindAt: activity.remindAt?.toISOString() ?? null,
      mentionedUserIds: activity.mentionedUserIds,
    },
  });
}

export interface ActivityServiceDeps {
  prisma: PrismaClient;
  eventsCommitted: () => void;
}

export interface ActivityService {
  /** Creates an activity; a DEAL record must be a live deal of the tenant (else BAD_USER_INPUT `recordId`). */
  create(tenantId: string, actor: Actor, input: CreateActivityInput): Promise<ActivityModel>;
  /** Marks it completed (idempotent). Unknown → NOT_FOUND; stale `expectedVersion` → CONFLICT. */
  complete(tenantId: string, actor: Actor, activityId: string, expectedVersion?: number | null): Promise<ActivityModel>;
  /** Soft-deletes it. Unknown → NOT_FOUND. */
  remove(tenantId: string, actor: Actor, activityId: string): Promise<ActivityModel>;
  /** Live activities of one record, oldest first. */
  listByRecord(db: TenantDb, recordType: ActivityRecordType, recordId: string, first: number, scope?: Prisma.ActivityWhereInput): Promise<ActivityModel[]>;
}

export function createActivityService(deps: ActivityServiceDeps): ActivityService {
  const write = <T>(tenantId: string, fn: (tx: Tx, events: EventEnvelope[]) => Promise<T>) =>
    writeWithEvents(deps.prisma, tenantId, deps.eventsCommitted, fn);

  /** Locks a live activity of the tenant for the rest of the transaction. */
  /** Drops the activity's pending reminder (completed or deleted activities remind nobody). */
  function cancelReminder(tx: Tx, activityId: string) {
    return tx.activityReminder.deleteMany({ where: { activityId } });
  }

  async function lockActivity(tx: Tx, tenantId: string, activityId: string): Promise<ActivityModel> {
    if (!isId(activityId)) throw notFound('Activity', activityId);
    const rows = await tx.$queryRaw<Array<{ id: string }>>`
      SELECT "id" FROM "Activity" WHERE "id" = ${activityId}::uuid AND "tenantId" = ${tenantId}::uuid AND "deletedAt" IS NULL FOR UPDATE`;
    const activity = rows.length > 0 ? await tx.activity.findFirst({ where: { id: activityId, tenantId } }) : null;
    if (!activity) throw notFound('Activity', activityId);
    return activity;
  }

  return {
    async create(tenantId, actor, input) {
      const valid = parseInput(createSchema, input, 'input');
      const mentions = mentionedUserIds(valid.body);
      if (mentions.length > MAX_MENTIONS) throw badInput(`input.body mentions more than ${MAX_MENTIONS} users`, 'input.body');
      const remindAt = reminderTime({ type: valid.type, dueAt: valid.dueAt ?? null, remindAt: valid.remindAt ?? null }, new Date());
      return write(tenantId, async (tx, events) => {
        if (valid.recordType === 'DEAL' && !(await readDeal(tx, tenantId, valid.recordId))) {
          throw badInput('input.recordId must be a deal of the tenant', 'input.recordId');
        }
        const activity = await tx.activity.create({
          data: {
            tenantId,
            type: valid.type,
            subject: valid.subject,
            body: valid.body ?? null,
            recordType: valid.recordType,
            recordId: valid.recordId,
            dueAt: valid.dueAt ?? null,
            assigneeId: valid.assigneeId ?? null,
            createdById: actorId(actor),
            remindAt,
            mentionedUserIds: mentions,
          },
        });
        if (remindAt) await tx.activityReminder.create({ data: { activityId: activity.id, tenantId, remindAt } });
        events.push(activityEvent('created', tenantId, actor, activity));
        return activity;
      });
    },

    async complete(tenantId, actor, activityId, expectedVersion) {
      return write(tenantId, async (tx, events) => {
        const current = await lockActivity(tx, tenantId, activityId);
        if (expectedVersion != null && expectedVersion !== current.version) {
          throw conflict(`Activity ${current.id} was changed by someone else (version ${current.version}, expected ${expectedVersion})`, {
            current: { id: current.id, version: current.version, completedAt: current.completedAt?.toISOString() ?? null },
          });
        }
        if (current.completedAt !== null) return current;
        await cancelReminder(tx, current.id);
        const activity = await tx.activity.update({
          where: { id: current.id, tenantId },
          data: { completedAt: new Date(), version: { increment: 1 } },
        });
        events.push(activityEvent('completed', tenantId, actor, activity));
        return activity;
      });
    },

    async remove(tenantId, actor, activityId) {
      return write(tenantId, async (tx, events) => {
        const current = await lockActivity(tx, tenantId, activityId);
        await cancelReminder(tx, current.id);
        const activity = await tx.activity.update({
          where: { id: current.id, tenantId },
          data: { deletedAt: new Date(), version: { increment: 1 } },
        });
        events.push(activityEvent('deleted', tenantId, actor, activity));
        return activity;
      });
    },

    listByRecord(db, recordType, recordId, first, scope = {}) {
      if (!isId(recordId) || first === 0) return Promise.resolve([]);
      return db.activity.findMany({
        where: { AND: [scope, { recordType, recordId, deletedAt: null }] },
        orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
        take: first,
      });
    },
  };
}

/** Most activities a list returns. */
export const MAX_ACTIVITIES = 100;

/**
 * The first {@link MAX_ACTIVITIES} live activities of each deal, oldest first, in one statement
 * (a window function ranks them per deal), grouped by deal id.
 */
export async function firstActivitiesByDeal(prisma: PrismaClient, tenantId: string, dealIds: readonly string[]): Promise<Map<string, ActivityModel[]>> {
  const grouped = new Map<string, ActivityModel[]>();
  if (dealIds.length === 0) return grouped;
  const rows = await withTenantTransaction(prisma, tenantId, (tx) =>
    tx.$queryRaw<Array<ActivityModel & { rank: bigint }>>`
      SELECT * FROM (
        SELECT a.*, row_number() OVER (PARTITION BY a."recordId" ORDER BY a."createdAt", a."id") AS "rank"
        FROM "Activity" a
        WHERE a."tenantId" = ${tenantId}::uuid AND a."recordType" = 'DEAL' AND a."recordId" = ANY(${[...dealIds]}::uuid[]) AND a."deletedAt" IS NULL
      ) ranked
      WHERE "rank" <= ${MAX_ACTIVITIES}
      ORDER BY "recordId", "rank"`,
  );
  for (const { rank: _rank, ...activity } of rows) {
    const list = grouped.get(activity.recordId);
    if (list) list.push(activity);
    else grouped.set(activity.recordId, [activity]);
  }
  return grouped;
}
