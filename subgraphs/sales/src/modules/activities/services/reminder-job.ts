/**
 * The reminder job of the sales process: every `intervalMs` it claims due reminders from
 * `ActivityReminder` (across tenants, `FOR UPDATE SKIP LOCKED`, so several replicas share the work
 * and none sends one twice), and for each live, open activity appends
 * `sales.activity.reminder_due` to the outbox and stamps `reminderSentAt` — in the transaction that
 * deletes the queue row. The platform turns the event into a TASK_DUE notification.
 */
import { appendOutbox, type EventEnvelope } from '@crm/events';
import { intervalJob, type IntervalJob, type Logger } from '@crm/runtime';
import type { PrismaClient } from '../../../__generated__/prisma/client.ts';
import { activityEvent } from './activities.ts';

export interface ReminderJob extends IntervalJob {
  /** Sends the reminders due at `now` (at most `batchSize`); returns the ids of the activities reminded. */
  runOnce(now?: Date): Promise<string[]>;
}

export interface ReminderJobOptions {
  prisma: PrismaClient;
  logger: Logger;
  /** Called after reminders were appended to the outbox. */
  eventsCommitted: () => void;
  /** Default 5 000 ms. */
  intervalMs?: number;
  /** Reminders claimed per transaction. Default 200. */
  batchSize?: number;
}

const SYSTEM: EventEnvelope['actor'] = { userId: null, kind: 'system' };

export function createReminderJob(options: ReminderJobOptions): ReminderJob {
  const { prisma, logger, eventsCommitted } = options;
  const intervalMs = options.intervalMs ?? 5_000;
  const batchSize = options.batchSize ?? 200;
  const runOnce = async (now = new Date()): Promise<string[]> => {
    const sent = await prisma.$transaction(async (tx) => {
      const due = await tx.$queryRaw<{ activityId: string; tenantId: string }[]>`
        SELECT "activityId", "tenantId" FROM "ActivityReminder"
        WHERE "remindAt" <= ${now}
        ORDER BY "remindAt"
        LIMIT ${batchSize}
        FOR UPDATE SKIP LOCKED`;
      const reminded: string[] = [];
      for (const { activityId, tenantId } of due) {
        await tx.$executeRaw`SELECT set_config('app.tenant_id', ${tenantId}, true)`;
        const activity = await tx.activity.findFirst({ where: { id: activityId, tenantId, deletedAt: null, completedAt: null, reminderSentAt: null } });
        if (activity) {
          const stamped = await tx.activity.update({ where: { id: activityId, tenantId }, data: { reminderSentAt: now } });
          await appendOutbox(tx, activityEvent('reminder_due', tenantId, SYSTEM, stamped));
          reminded.push(activityId);
        }
        await tx.activityReminder.delete({ where: { activityId } });
      }
      return reminded;
    }, { maxWait: 10_000, timeout: 30_000 });
    if (sent.length > 0) {
      eventsCommitted();
      logger.debug({ reminders: sent.length }, 'activity reminders sent');
    }
    return sent;
  };

  return { ...intervalJob(() => runOnce(), { intervalMs, logger, failure: 'activity reminder run failed' }), runOnce };
}
