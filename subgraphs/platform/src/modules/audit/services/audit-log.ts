/**
 * The audit log: one append-only entry per domain event of every subgraph, and the paged query
 * tenant admins read it with (by record, by actor, by time; newest first).
 */
import { z } from 'zod';
import { encodeKeysetCursor, withTenantTransaction } from '@crm/db';
import { markProcessed, type EventEnvelope } from '@crm/events';
import { badInput } from '@crm/runtime';
import type { Prisma, PrismaClient } from '../../../__generated__/prisma/client.ts';
import type { AuditEntryModel } from '../../../__generated__/prisma/models.ts';
import type { TenantDb } from '../../../context.ts';
import { isUuid, parseInput } from '../../../lib/arguments.ts';
import { afterCursor, firstArgument, type KeysetPage } from '../../../lib/connection.ts';

/** Name under which processed events are recorded (shared by every replica and consumer group). */
export const AUDIT_CONSUMER = 'platform.audit';

/** Payload fields naming other records an event is about (an activity's record, a deal's account…). */
const RELATED_FIELDS = ['recordId', 'accountId', 'contactId', 'leadId', 'dealId', 'survivorId'] as const;
/** Most related records kept per entry. */
const MAX_RELATED = 10;

/** The other records an event is about, lowercased, without the event's own aggregate. */
export function relatedRecordIds(event: EventEnvelope): string[] {
  const payload = event.payload as Record<string, unknown>;
  const own = event.aggregateId.toLowerCase();
  const ids: string[] = [];
  for (const field of RELATED_FIELDS) {
    const value = payload[field];
    if (!isUuid(value)) continue;
    const id = value.toLowerCase();
    if (id !== own && !ids.includes(id)) ids.push(id);
  }
  return ids.slice(0, MAX_RELATED);
}

/** What an audit entry records about one event. */
export function auditEntryOf(event: EventEnvelope): Omit<Prisma.AuditEntryUncheckedCreateInput, 'id' | 'recordedAt'> {
  const payload = event.payload as Record<string, unknown>;
  const changed = payload['changed'];
  const requestId = payload['requestId'] ?? (event.actor as unknown as Record<string, unknown>)['requestId'];
  return {
    tenantId: event.tenantId,
    eventId: event.id,
    actorId: isUuid(event.actor.userId) ? event.actor.userId : null,
    actorKind: event.actor.kind,
    action: event.type,
    recordType: event.type.split('.')[1] ?? 'unknown',
    recordId: event.aggregateId,
    changes: (changed !== null && typeof changed === 'object' ? changed : payload) as Prisma.InputJsonValue,
    requestId: typeof requestId === 'string' ? requestId : null,
    occurredAt: new Date(event.occurredAt),
    relatedIds: relatedRecordIds(event),
  };
}

const auditLogQuery = z.object({
  filter: z
    .object({
      recordId: z.string().min(1).max(200).nullish(),
      actorId: z.uuid({ message: 'actorId is not a valid id' }).nullish(),
      from: z.coerce.date().nullish(),
      to: z.coerce.date().nullish(),
    })
    .nullish(),
  first: firstArgument(50),
  after: z.string().nullish(),
});
export type AuditLogQuery = z.input<typeof auditLogQuery>;

export type AuditLogPage = KeysetPage<AuditEntryModel>;

export interface AuditLogService {
  /** Records one event (once, however often it is delivered). */
  record(event: EventEnvelope): Promise<'recorded' | 'duplicate'>;
  /** A page of the tenant's audit log, newest first. */
  list(db: TenantDb, query: AuditLogQuery): Promise<AuditLogPage>;
}

export function createAuditLogService({ prisma }: { prisma: PrismaClient }): AuditLogService {
  return {
    record(event) {
      return withTenantTransaction(prisma, event.tenantId, async (tx) => {
        if (!(await markProcessed(tx, AUDIT_CONSUMER, event.id))) return 'duplicate' as const;
        await tx.auditEntry.create({ data: auditEntryOf(event) });
        return 'recorded' as const;
      });
    },

    async list(db, query) {
      const { filter, first, after } = parseInput(auditLogQuery, query);
      if (filter?.from && filter.to && filter.from.getTime() > filter.to.getTime()) throw badInput('from must not be after to', 'filter.from');
      const cursor = afterCursor(after);
      const where: Prisma.AuditEntryWhereInput = {
        ...(filter?.recordId ? { recordId: filter.recordId } : {}),
        ...(filter?.actorId ? { actorId: filter.actorId.toLowerCase() } : {}),
        ...(filter?.from || filter?.to
          ? { occurredAt: { ...(filter.from ? { gte: filter.from } : {}), ...(filter.to ? { lte: filter.to } : {}) } }
          : {}),
        ...(cursor
          ? { OR: [{ occurredAt: { lt: cursor.at } }, { occurredAt: cursor.at, id: { lt: cursor.id } }] }
          : {}),
      };
      const rows = await db.auditEntry.findMany({ where, orderBy: [{ occurredAt: 'desc' }, { id: 'desc' }], take: first + 1 });
      return {
        rows: rows.slice(0, first),
        hasNextPage: rows.length > first,
        hasPreviousPage: !!cursor,
        cursorOf: (entry) => encodeKeysetCursor({ at: entry.occurredAt, id: entry.id }),
      };
    },
  };
}
