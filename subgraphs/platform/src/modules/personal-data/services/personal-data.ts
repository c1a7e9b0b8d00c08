/**
 * GDPR for contacts in the platform: what it holds on a contact (audit entries about them or
 * naming them, notifications pointing at them) for the export, and its step of the erasure saga.
 *
 * On `customer.contact.erasure_requested` the audit entries about the contact get their `changes`
 * replaced by a redaction marker (through `platform_redact_audit_entries`, the one way the
 * append-only log may change; who did what and when stays), notifications pointing at the contact
 * are deleted, files attached to the contact are deleted (rows in the same transaction, stored bytes
 * once it commits), and `platform.personal_data.erased` reports the counts. The erasure's own events are
 * never redacted, so the log keeps the record of the erasure.
 *
 * Users: the export gathers the profile, team memberships, notifications, API keys they created,
 * the audit entries about them and references to the entries of what they did. On
 * `customer.user.erasure_requested` the user is anonymised in one transaction — name and e-mail
 * replaced by placeholders, password made unusable, deactivated, e-mail notifications off — their
 * sign-in sessions, grants and tokens at the OpenID Connect provider deleted, the API keys they
 * created revoked, their notifications, pending invitations, queued e-mails and sign-in failures
 * deleted or emptied, and the audit entries about them (and their invitations) redacted. Entries of
 * what they did stay, naming the anonymised user: the trail of who changed what is kept.
 */
import { withTenantTransaction } from '@crm/db';
import { appendOutbox, createEvent, markProcessed, type EventEnvelope } from '@crm/events';
import type { PrismaClient } from '../../../__generated__/prisma/client.ts';
import type { TenantDb } from '../../../context.ts';
import { isUuid } from '../../../lib/arguments.ts';
import type { AttachmentService } from '../../files/services/attachments.ts';

export const PERSONAL_DATA_CONSUMER = 'platform.personal-data';
const ERASURE_REQUESTED = 'customer.contact.erasure_requested';
const USER_ERASURE_REQUESTED = 'customer.user.erasure_requested';
/** What an erased user is called; their e-mail becomes `erased-<id>@erased.invalid` (a reserved domain). */
export const ERASED_USER_NAME = 'Erased user';
export const erasedEmailOf = (userId: string) => `erased-${userId}@erased.invalid`;
/** A password hash nothing verifies against. */
const UNUSABLE_PASSWORD = '!erased';
const ERASED = 'platform.personal_data.erased';
/** Audit entries an export lists at most (newest first). */
const EXPORT_AUDIT_LIMIT = 1_000;

export type ErasureOutcome = 'erased' | 'duplicate' | 'ignored';

export interface PlatformPersonalData {
  exportContact(db: TenantDb, contactId: string): Promise<Record<string, unknown>>;
  exportUser(db: TenantDb, userId: string): Promise<Record<string, unknown>>;
  apply(event: EventEnvelope): Promise<ErasureOutcome>;
}

export interface PlatformPersonalDataDeps {
  prisma: PrismaClient;
  afterCommit: () => void;
  /** Deletes the files attached to an erased contact. */
  attachments?: Pick<AttachmentService, 'removeForRecord' | 'deleteStored'>;
}

export function createPlatformPersonalData({ prisma, afterCommit, attachments }: PlatformPersonalDataDeps): PlatformPersonalData {
  async function eraseUser(event: EventEnvelope): Promise<ErasureOutcome> {
    const { erasureId, userId } = event.payload as Record<string, unknown>;
    if (!isUuid(erasureId) || !isUuid(userId)) return 'ignored';
    const id = userId.toLowerCase();
    const outcome = await withTenantTransaction(prisma, event.tenantId, async (tx): Promise<ErasureOutcome> => {
      if (!(await markProcessed(tx, PERSONAL_DATA_CONSUMER, event.id))) return 'duplicate';
      const user = await tx.user.findFirst({ where: { id, tenantId: event.tenantId } });
      let erased: Record<string, number> = { users: 0 };
      if (user && user.email !== erasedEmailOf(id)) {
        const email = user.email;
        const erasedEmail = erasedEmailOf(id);
        await tx.user.update({
          where: { id },
          data: { name: ERASED_USER_NAME, email: erasedEmail, passwordHash: UNUSABLE_PASSWORD, active: false, emailNotifications: false },
        });
        const sessions = await tx.$executeRaw`DELETE FROM "OidcPayload" WHERE "payload"->>'accountId' = ${id}`;
        const apiKeys = await tx.apiKey.updateMany({ where: { createdById: id, revokedAt: null }, data: { revokedAt: new Date() } });
        const notifications = await tx.notification.deleteMany({ where: { recipientId: id } });
        const invitations = await tx.invitation.findMany({ where: { email }, select: { id: true } });
        await tx.invitation.deleteMany({ where: { email } });
        const queued = await tx.outboundEmail.updateMany({
          where: { to: email, status: { in: ['PENDING', 'SENDING'] } },
          data: { status: 'FAILED', failedAt: new Date(), lastError: 'recipient erased', leaseToken: null, leaseUntil: null },
        });
        const mailed = await tx.outboundEmail.updateMany({ where: { to: email }, data: { to: erasedEmail, data: {} } });
        await tx.loginFailure.deleteMany({ where: { email } });
        let redacted = 0;
        for (const record of [id, ...invitations.map((invitation) => invitation.id)]) {
          const [row] = await tx.$queryRaw<{ count: number }[]>`SELECT platform_redact_audit_entries(${event.tenantId}::uuid, ${record}) AS "count"`;
          redacted += Number(row?.count ?? 0);
        }
        erased = {
          users: 1,
          sessionsAndTokens: sessions,
          apiKeysRevoked: apiKeys.count,
          notifications: notifications.count,
          invitations: invitations.length,
          emailsCancelled: queued.count,
          emailsAnonymised: mailed.count,
          auditEntriesRedacted: redacted,
        };
      }
      await appendOutbox(
        tx,
        createEvent({ type: ERASED, tenantId: event.tenantId, actor: { userId: null, kind: 'system' }, aggregateId: erasureId, payload: { erasureId, userId: id, erased } }),
      );
      return 'erased';
    });
    if (outcome === 'erased') afterCommit();
    return outcome;
  }

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

    async exportUser(db, userId) {
      if (!isUuid(userId)) return { profile: null };
      const id = userId.toLowerCase();
      const user = await db.user.findFirst({
        where: { id },
        select: { id: true, email: true, name: true, role: true, active: true, emailNotifications: true, createdAt: true, team: { select: { id: true, name: true } } },
      });
      if (!user) return { profile: null };
      const [managedTeams, notifications, apiKeys, auditEntriesAbout, actions] = await Promise.all([
        db.team.findMany({ where: { managerId: id }, select: { id: true, name: true } }),
        db.notification.findMany({
          where: { recipientId: id },
          orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
          select: { id: true, kind: true, title: true, body: true, recordType: true, recordId: true, readAt: true, createdAt: true },
        }),
        db.apiKey.findMany({ where: { createdById: id }, select: { id: true, name: true, prefix: true, role: true, createdAt: true, revokedAt: true } }),
        db.auditEntry.findMany({
          where: { OR: [{ recordId: id }, { relatedIds: { has: id } }] },
          orderBy: [{ occurredAt: 'desc' }, { id: 'desc' }],
          take: EXPORT_AUDIT_LIMIT,
          select: { id: true, action: true, actorId: true, recordType: true, recordId: true, changes: true, occurredAt: true },
        }),
        db.auditEntry.findMany({
          where: { actorId: id },
          orderBy: [{ occurredAt: 'desc' }, { id: 'desc' }],
          take: EXPORT_AUDIT_LIMIT,
          select: { id: true, action: true, recordType: true, recordId: true, occurredAt: true },
        }),
      ]);
      const { team, ...profile } = user;
      return { profile, memberships: { team, managedTeams }, notifications, apiKeys, auditEntriesAbout, actions };
    },

    async apply(event) {
      if (event.type === USER_ERASURE_REQUESTED) return eraseUser(event);
      if (event.type !== ERASURE_REQUESTED) return 'ignored';
      const { erasureId, contactId } = event.payload as Record<string, unknown>;
      if (!isUuid(erasureId) || !isUuid(contactId)) return 'ignored';
      const id = contactId.toLowerCase();
      let removedFiles: string[] = [];
      const outcome = await withTenantTransaction(prisma, event.tenantId, async (tx): Promise<ErasureOutcome> => {
        if (!(await markProcessed(tx, PERSONAL_DATA_CONSUMER, event.id))) return 'duplicate';
        const [redacted] = await tx.$queryRaw<{ count: number }[]>`SELECT platform_redact_audit_entries(${event.tenantId}::uuid, ${id}) AS "count"`;
        const notifications = await tx.notification.deleteMany({ where: { recordType: 'Contact', recordId: id } });
        removedFiles = attachments ? await attachments.removeForRecord(tx, 'CONTACT', id) : [];
        await appendOutbox(
          tx,
          createEvent({
            type: ERASED,
            tenantId: event.tenantId,
            actor: { userId: null, kind: 'system' },
            aggregateId: erasureId,
            payload: { erasureId, contactId: id, erased: { auditEntriesRedacted: Number(redacted?.count ?? 0), notifications: notifications.count, attachments: removedFiles.length } },
          }),
        );
        return 'erased';
      });
      if (outcome === 'erased') {
        // the bytes go before the report is published
        await attachments?.deleteStored(removedFiles);
        afterCommit();
      }
      return outcome;
    },
  };
}
