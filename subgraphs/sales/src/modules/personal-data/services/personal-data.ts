/**
 * GDPR for contacts in the sales subgraph: what it holds on a contact (deal links, activities about
 * them) for the export, and its step of the erasure saga: on `customer.contact.erasure_requested`
 * the contact's deal links are removed and activities about them anonymised (subject replaced, body
 * removed), then `sales.personal_data.erased` reports the counts — once, however often delivered.
 *
 * For users: the export lists references to what they own or are named in (deals owned,
 * activities assigned, activities mentioning them); on `customer.user.erasure_requested` their
 * name is replaced in the mentions of activity bodies (the mention keeps pointing at the
 * anonymised user). Deals and activities they own or are assigned stay: they are the tenant's
 * records (the platform moves them when the admin named someone to take them over).
 */
import { withTenantTransaction } from '@crm/db';
import { appendOutbox, createEvent, markProcessed, type EventEnvelope } from '@crm/events';
import type { PrismaClient } from '../../../__generated__/prisma/client.ts';
import type { TenantDb } from '../../../context.ts';
import { isId } from '../../common/lib/input.ts';
import { eraseMentionsOf } from '../../activities/lib/erased-mentions.ts';

export const PERSONAL_DATA_CONSUMER = 'sales.personal-data';
const ERASURE_REQUESTED = 'customer.contact.erasure_requested';
const USER_ERASURE_REQUESTED = 'customer.user.erasure_requested';
const ERASED = 'sales.personal_data.erased';
/** What an anonymised activity is called. */
export const ERASED_SUBJECT = 'Erased (personal data removed)';

export type ErasureOutcome = 'erased' | 'duplicate' | 'ignored';

export interface SalesPersonalData {
  exportContact(db: TenantDb, contactId: string): Promise<Record<string, unknown>>;
  /** References to the deals a user owns and the activities assigned to them or mentioning them. */
  exportUser(db: TenantDb, userId: string): Promise<Record<string, unknown>>;
  /** Applies one customer event. */
  apply(event: EventEnvelope): Promise<ErasureOutcome>;
}

export function createSalesPersonalData({ prisma, eventsCommitted }: { prisma: PrismaClient; eventsCommitted: () => void }): SalesPersonalData {
  async function eraseUser(event: EventEnvelope): Promise<ErasureOutcome> {
    const { erasureId, userId } = event.payload as Record<string, unknown>;
    if (typeof erasureId !== 'string' || !isId(erasureId) || typeof userId !== 'string' || !isId(userId)) return 'ignored';
    const id = userId.toLowerCase();
    const outcome = await withTenantTransaction(prisma, event.tenantId, async (tx): Promise<ErasureOutcome> => {
      if (!(await markProcessed(tx, PERSONAL_DATA_CONSUMER, event.id))) return 'duplicate';
      const mentioning = await tx.activity.findMany({ where: { mentionedUserIds: { has: id } }, select: { id: true, body: true } });
      let mentions = 0;
      for (const activity of mentioning) {
        if (!activity.body) continue;
        const body = eraseMentionsOf(activity.body, id);
        if (body === activity.body) continue;
        await tx.activity.update({ where: { id: activity.id }, data: { body, version: { increment: 1 } } });
        mentions++;
      }
      await appendOutbox(
        tx,
        createEvent({
          type: ERASED,
          tenantId: event.tenantId,
          actor: { userId: null, kind: 'system' },
          aggregateId: erasureId,
          payload: { erasureId, userId: id, erased: { activityMentions: mentions } },
        }),
      );
      return 'erased';
    });
    if (outcome === 'erased') eventsCommitted();
    return outcome;
  }

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

    async exportUser(db, userId) {
      if (!isId(userId)) return { ownedDeals: [], assignedActivities: [], mentionedIn: [] };
      const id = userId.toLowerCase();
      const [deals, assigned, mentioning] = await Promise.all([
        db.deal.findMany({ where: { ownerId: id }, select: { id: true, name: true }, orderBy: { createdAt: 'asc' } }),
        db.activity.findMany({ where: { assigneeId: id }, select: { id: true, type: true, subject: true }, orderBy: { createdAt: 'asc' } }),
        db.activity.findMany({ where: { mentionedUserIds: { has: id } }, select: { id: true, type: true, subject: true }, orderBy: { createdAt: 'asc' } }),
      ]);
      return { ownedDeals: deals, assignedActivities: assigned, mentionedIn: mentioning };
    },

    async apply(event) {
      if (event.type === USER_ERASURE_REQUESTED) return eraseUser(event);
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
