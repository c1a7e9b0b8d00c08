/**
 * Notifications: written from domain events (see `lib/rules.ts`), read and marked read by their
 * recipient only. Each notification written also appends `platform.notification.created` to the
 * outbox (the gateway delivers it live to the recipient) and, when the recipient has email
 * notifications on, queues an email in `OutboundEmail`, all in the transaction that records the
 * event as processed, so a redelivered event changes nothing.
 */
import { z } from 'zod';
import { encodeKeysetCursor, withTenantTransaction } from '@crm/db';
import { appendOutbox, createEvent, markProcessed, type EventEnvelope } from '@crm/events';
import { badInput, notFound } from '@crm/runtime';
import type { Prisma, PrismaClient } from '../../../__generated__/prisma/client.ts';
import type { NotificationModel, UserModel } from '../../../__generated__/prisma/models.ts';
import type { TenantDb } from '../../../context.ts';
import { isUuid, parseInput } from '../../../lib/arguments.ts';
import { afterCursor, firstArgument, type KeysetPage } from '../../../lib/connection.ts';
import { concernsNotifications, dealOwnerAfter, needsDealOwner, notificationsFor, type NotificationIntent } from '../lib/rules.ts';

/** Name under which processed events are recorded. */
export const NOTIFICATIONS_CONSUMER = 'platform.notifications';
export const NOTIFICATION_CREATED = 'platform.notification.created';
export const NOTIFICATION_EMAIL_TEMPLATE = 'notification';
/** Most ids one `markNotificationsRead` call takes. */
export const MAX_MARK_READ = 100;

/** A notification as events carry it (dates as ISO strings). */
export interface NotificationPayload extends Record<string, unknown> {
  id: string;
  kind: NotificationModel['kind'];
  title: string;
  body: string;
  recordType: string;
  recordId: string;
  readAt: string | null;
  createdAt: string;
}

/** Payload of `platform.notification.created` (version 1). */
export interface NotificationCreatedPayload extends Record<string, unknown> {
  recipientId: string;
  notification: NotificationPayload;
}

const listQuery = z.object({
  first: firstArgument(20),
  after: z.string().max(200).nullish(),
  unreadOnly: z.boolean().nullish(),
});
export type NotificationListQuery = z.input<typeof listQuery>;

export type NotificationPage = KeysetPage<NotificationModel>;

export type ConsumeOutcome = { outcome: 'duplicate' } | { outcome: 'processed'; created: NotificationModel[] };

export interface NotificationService {
  /** Writes the notifications one event causes (once, however often it is delivered). */
  consume(event: EventEnvelope): Promise<ConsumeOutcome>;
  /** A page of the recipient's notifications, newest first. */
  list(db: TenantDb, recipientId: string, query: NotificationListQuery): Promise<NotificationPage>;
  unreadCount(db: TenantDb, recipientId: string): Promise<number>;
  /** Marks the recipient's notifications read; NOT_FOUND for an id that is not theirs. */
  markRead(tenantId: string, recipientId: string, ids: readonly string[]): Promise<NotificationModel[]>;
  /** Marks all the recipient's notifications read; returns how many were unread. */
  markAllRead(tenantId: string, recipientId: string): Promise<number>;
  /** Turns the user's notification emails on or off. */
  setEmailNotifications(tenantId: string, userId: string, enabled: boolean): Promise<UserModel>;
}

export interface NotificationServiceDeps {
  prisma: PrismaClient;
  /** Called after a transaction that wrote outbox events commits. */
  afterCommit: () => void;
  clock?: () => Date;
}

export const notificationPayload = (n: NotificationModel): NotificationPayload => ({
  id: n.id,
  kind: n.kind,
  title: n.title,
  body: n.body,
  recordType: n.recordType,
  recordId: n.recordId,
  readAt: n.readAt ? n.readAt.toISOString() : null,
  createdAt: n.createdAt.toISOString(),
});

export function createNotificationService({ prisma, afterCommit, clock = () => new Date() }: NotificationServiceDeps): NotificationService {
  type Tx = Parameters<Parameters<typeof withTenantTransaction<PrismaClient, unknown>>[2]>[0];

  async function write(tx: Tx, event: EventEnvelope, intent: NotificationIntent): Promise<NotificationModel | null> {
    const recipient = await tx.user.findFirst({ where: { id: intent.recipientId, tenantId: event.tenantId, active: true } });
    if (!recipient) return null;
    const notification = await tx.notification.create({
      data: { ...intent, tenantId: event.tenantId, recipientId: recipient.id, eventId: event.id },
    });
    const payload = notificationPayload(notification);
    await appendOutbox(
      tx,
      createEvent<NotificationCreatedPayload>({
        type: NOTIFICATION_CREATED,
        tenantId: event.tenantId,
        actor: event.actor,
        aggregateId: recipient.id,
        payload: { recipientId: recipient.id, notification: payload },
      }),
    );
    if (recipient.emailNotifications) {
      await tx.outboundEmail.create({
        data: { tenantId: event.tenantId, to: recipient.email, template: NOTIFICATION_EMAIL_TEMPLATE, data: { name: recipient.name, ...payload } },
      });
    }
    return notification;
  }

  return {
    async consume(event) {
      // most events (a deal moved, a record renamed) notify nobody: no transaction for them
      if (!isUuid(event.tenantId) || !concernsNotifications(event)) return { outcome: 'processed', created: [] };
      const result = await withTenantTransaction(prisma, event.tenantId, async (tx): Promise<ConsumeOutcome> => {
        if (!(await markProcessed(tx, NOTIFICATIONS_CONSUMER, event.id))) return { outcome: 'duplicate' };
        let dealOwnerId: string | null | undefined;
        if (needsDealOwner(event) && isUuid(event.aggregateId)) {
          dealOwnerId = (await tx.notifiedDealOwner.findUnique({ where: { dealId: event.aggregateId } }))?.ownerId;
        }
        const owner = dealOwnerAfter(event);
        if (owner && isUuid(owner.dealId)) {
          await tx.notifiedDealOwner.upsert({
            where: { dealId: owner.dealId },
            create: { dealId: owner.dealId, tenantId: event.tenantId, ownerId: owner.ownerId },
            update: { ownerId: owner.ownerId },
          });
        }
        const actorId = event.actor.userId;
        const actor = isUuid(actorId) ? await tx.user.findFirst({ where: { id: actorId, tenantId: event.tenantId }, select: { name: true } }) : null;
        const intents = notificationsFor(event, { dealOwnerId, actorName: actor?.name ?? null });
        const created: NotificationModel[] = [];
        for (const intent of intents) {
          const notification = await write(tx, event, intent);
          if (notification) created.push(notification);
        }
        return { outcome: 'processed', created };
      });
      if (result.outcome === 'processed' && result.created.length) afterCommit();
      return result;
    },

    async list(db, recipientId, query) {
      const { first, after, unreadOnly } = parseInput(listQuery, query);
      const cursor = afterCursor(after);
      const where: Prisma.NotificationWhereInput = {
        recipientId,
        ...(unreadOnly ? { readAt: null } : {}),
        ...(cursor ? { OR: [{ createdAt: { lt: cursor.at } }, { createdAt: cursor.at, id: { lt: cursor.id } }] } : {}),
      };
      const rows = await db.notification.findMany({ where, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], take: first + 1 });
      return {
        rows: rows.slice(0, first),
        hasNextPage: rows.length > first,
        hasPreviousPage: !!cursor,
        cursorOf: (n) => encodeKeysetCursor({ at: n.createdAt, id: n.id }),
      };
    },

    unreadCount(db, recipientId) {
      return db.notification.count({ where: { recipientId, readAt: null } });
    },

    async markRead(tenantId, recipientId, ids) {
      if (ids.length > MAX_MARK_READ) throw badInput(`At most ${MAX_MARK_READ} ids at once`, 'ids');
      for (const id of ids) if (!isUuid(id)) throw badInput('ids: not a valid id', 'ids');
      const wanted = [...new Set(ids.map((id) => id.toLowerCase()))];
      if (!wanted.length) return [];
      return withTenantTransaction(prisma, tenantId, async (tx) => {
        const own = await tx.notification.findMany({ where: { id: { in: wanted }, recipientId }, select: { id: true } });
        const found = new Set(own.map((row) => row.id));
        const missing = wanted.find((id) => !found.has(id));
        if (missing) throw notFound('Notification', missing);
        await tx.notification.updateMany({ where: { id: { in: wanted }, recipientId, readAt: null }, data: { readAt: clock() } });
        const rows = await tx.notification.findMany({ where: { id: { in: wanted }, recipientId } });
        const byId = new Map(rows.map((row) => [row.id, row]));
        return wanted.map((id) => byId.get(id)!);
      });
    },

    async markAllRead(tenantId, recipientId) {
      const { count } = await withTenantTransaction(prisma, tenantId, (tx) =>
        tx.notification.updateMany({ where: { recipientId, readAt: null }, data: { readAt: clock() } }),
      );
      return count;
    },

    async setEmailNotifications(tenantId, userId, enabled) {
      return withTenantTransaction(prisma, tenantId, async (tx) => {
        const user = await tx.user.findFirst({ where: { id: userId, tenantId } });
        if (!user) throw notFound('User', userId);
        return tx.user.update({ where: { id: user.id }, data: { emailNotifications: enabled } });
      });
    },
  };
}
