/**
 * GDPR for contacts in the platform: what it holds on a contact (audit entries about them or
 * naming them, notifications pointing at them) for the export, and its step of the erasure saga.
 *
 * On `customer.contact.erasure_requested` the audit entries about the contact get their `changes`
 * replaced by a redaction marker (through `platform_redact_audit_entries`, the one way the
 * append-only log may change; who did what and when stays), notifications pointing at the contact
 * are deleted, and `platform.personal_data.erased` reports the counts. The erasure's own events are
 * never redacted, so the log keeps the record of the erasure.
 */
import { withTenantTransaction } from '@crm/db';
import { appendOutbox, createEvent, markProcessed, type EventEnvelope } from '@crm/events';
import type { PrismaClient } from '../../../__generated__/prisma/client.ts';
import type { TenantDb } from '../../../context.ts';
import { isUuid } from '../../../lib/arguments.ts';

export const PERSONAL_DATA_CONSUMER = 'platform.personal-data';
const ERASURE_REQUESTED = 'customer.contact.erasure_requested';
const ERASED = 'platform.personal_data.erased';
/** Audit entries an export lists at most (newest first). */
const EXPORT_AUDIT_LIMIT = 1_000;

export type ErasureOutcome = 'erased' | 'duplicate' | 'ignored';

export interface PlatformPersonalData {
  exportContact(db: TenantDb, contactId: string): Promise<Record<string, unknown>>;
  apply(event: EventEnvelope): Promise<ErasureOutcome>;
}

export function createPlatformPersonalData({ prisma, afterCommit }: { prisma: PrismaClient; afterCommit: () => void }): PlatformPersonalData {
  return {
    async exportContact(db, contactId) {
      if (!isUuid(contactId)) return { auditEntries: [], notifications: [] };
      const id = contactId.toLowerCase();
      const [auditEntries, notifications] = await Promise.all([
        db.auditEntry.findMany({
          where: { OR: [{ recordId: id }, { relatedIds: { has: id } }] },
          orderBy: [{ occurredAt: 'desc' }, { id: 'desc' }],
          take: EXPORT_AUDIT_LIMIT,
          select: { id: true, action: true, actorId: true, actorKind: true, recordType: true, recordId: true, changes: true, occurredAt: true },
        }),
        db.notification.findMany({ where: { recordType: 'Contact', recordId: id }, select: { id: true, kind: true, title: true, body: true, recipientId: true, createdAt: true } }),
      ]);
      return { auditEntries, notifications };
    },

    async apply(event) {
      if (event.type !== ERASURE_REQUESTED) return 'ignored';
      const { erasureId, contactId } = event.payload as Record<string, unknown>;
      if (!isUuid(erasureId) || !isUuid(contactId)) return 'ignored';
      const id = contactId.toLowerCase();
      const outcome = await withTenantTransaction(prisma, event.tenantId, async (tx): Promise<ErasureOutcome> => {
        if (!(await markProcessed(tx, PERSONAL_DATA_CONSUMER, event.id))) return 'duplicate';
        const [redacted] = await tx.$queryRaw<{ count: number }[]>`SELECT platform_redact_audit_entries(${event.tenantId}::uuid, ${id}) AS "count"`;
        const notifications = await tx.notification.deleteMany({ where: { recordType: 'Contact', recordId: id } });
        await appendOutbox(
          tx,
          createEvent({
            type: ERASED,
            tenantId: event.tenantId,
            actor: { userId: null, kind: 'system' },
            aggregateId: erasureId,
            payload: { erasureId, contactId: id, erased: { auditEntriesRedacted: Number(redacted?.count ?? 0), notifications: notifications.count } },
          }),
        );
        return 'erased';
      });
      if (outcome === 'erased') afterCommit();
      return outcome;
    },
  };
}
