/**
 * GDPR for contacts in the sales subgraph: what it holds on a contact (deal links, activities about
 * them) for the export, and its step of the erasure saga: on `customer.contact.erasure_requested`
 * the contact's deal links are removed and activities about them anonymised (subject replaced, body
 * removed), then `sales.personal_data.erased` reports the counts — once, however often delivered.
 */
import { withTenantTransaction } from '@crm/db';
import { appendOutbox, createEvent, markProcessed, type EventEnvelope } from '@crm/events';
import type { PrismaClient } from '../../../__generated__/prisma/client.ts';
import type { TenantDb } from '../../../context.ts';
import { isId } from '../../common/lib/input.ts';

export const PERSONAL_DATA_CONSUMER = 'sales.personal-data';
const ERASURE_REQUESTED = 'customer.contact.erasure_requested';
const ERASED = 'sales.personal_data.erased';
/** What an anonymised activity is called. */
export const ERASED_SUBJECT = 'Erased (personal data removed)';

export type ErasureOutcome = 'erased' | 'duplicate' | 'ignored';

export interface SalesPersonalData {
  exportContact(db: TenantDb, contactId: string): Promise<Record<string, unknown>>;
  /** Applies one customer event. */
  apply(event: EventEnvelope): Promise<ErasureOutcome>;
}

export function createSalesPersonalData({ prisma, eventsCommitted }: { prisma: PrismaClient; eventsCommitted: () => void }): SalesPersonalData {
  return {
    async exportContact(db, contactId) {
      if (!isId(contactId)) return { dealLinks: [], activities: [] };
      const [links, activities] = await Promise.all([
        db.dealContact.findMany({ where: { contactId }, include: { deal: { select: { id: true, name: true } } } }),
        db.activity.findMany({ where: { recordType: 'CONTACT', recordId: contactId }, orderBy: { createdAt: 'asc' } }),
      ]);
      return {
        dealLinks: links.map(({ deal, role, isPrimary, addedAt }) => ({ deal, role, isPrimary, addedAt })),
        activities: activities.map(({ id, type, subject, body, dueAt, completedAt, createdAt, deletedAt }) => ({ id, type, subject, body, dueAt, completedAt, createdAt, deletedAt })),
      };
    },

    async apply(event) {
      if (event.type !== ERASURE_REQUESTED) return 'ignored';
      const { erasureId, contactId } = event.payload as Record<string, unknown>;
      if (typeof erasureId !== 'string' || !isId(erasureId) || typeof contactId !== 'string' || !isId(contactId)) return 'ignored';
      const outcome = await withTenantTransaction(prisma, event.tenantId, async (tx): Promise<ErasureOutcome> => {
        if (!(await markProcessed(tx, PERSONAL_DATA_CONSUMER, event.id))) return 'duplicate';
        const links = await tx.dealContact.deleteMany({ where: { contactId } });
        const about = (await tx.activity.findMany({ where: { recordType: 'CONTACT', recordId: contactId }, select: { id: true } })).map((activity) => activity.id);
        const activities = await tx.activity.updateMany({
          where: { id: { in: about } },
          data: { subject: ERASED_SUBJECT, body: null, mentionedUserIds: [], version: { increment: 1 } },
        });
        await tx.activityReminder.deleteMany({ where: { activityId: { in: about } } });
        await appendOutbox(
          tx,
          createEvent({
            type: ERASED,
            tenantId: event.tenantId,
            actor: { userId: null, kind: 'system' },
            aggregateId: erasureId,
            payload: { erasureId, contactId, erased: { dealLinks: links.count, activities: activities.count } },
          }),
        );
        return 'erased';
      });
      if (outcome === 'erased') eventsCommitted();
      return outcome;
    },
  };
}
