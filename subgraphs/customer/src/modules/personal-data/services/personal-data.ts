/**
 * GDPR for contacts in the customer subgraph: the export of what this subgraph holds on a contact,
 * and the erasure saga's start and finish.
 *
 * `erase` anonymises the contact in one transaction — name replaced, e-mails, phones, addresses,
 * social links, tags and custom fields removed, account links, relationships and merge snapshots
 * naming it deleted, the contact moved to the trash — records a `PersonalDataErasure` and appends
 * `customer.contact.erasure_requested`. `applyAnswer` records each other subgraph's report and,
 * with the last one, completes the erasure (`customer.contact.erasure_completed`).
 *
 * Users go through the same saga (`eraseUser`, subject `USER`): this subgraph holds no personal
 * data of a user — only the ownership of contacts, accounts and leads, which are the tenant's
 * records and stay with the anonymised user — so it records the erasure and asks with
 * `customer.user.erasure_requested`; the platform anonymises the user, sales anonymises mentions of
 * them; the erasure completes with `customer.user.erasure_completed`.
 */
import { randomUUID } from 'node:crypto';
import { withTenantTransaction } from '@crm/db';
import { appendOutbox, createEvent, markProcessed, type EventEnvelope } from '@crm/events';
import { badInput, conflict, notFound } from '@crm/runtime';
import type { Prisma, PrismaClient } from '../../../__generated__/prisma/client.ts';
import type { PersonalDataErasureModel } from '../../../__generated__/prisma/models.ts';
import type { Actor, TenantDb } from '../../../context.ts';
import { isUuid } from '../../../lib/validation.ts';
import { ERASED_NAME, ERASURE_COMPLETED, ERASURE_REQUESTED, USER_ERASURE_COMPLETED, USER_ERASURE_REQUESTED, erasureAnswerOf, reportsOf, subjectOf, waitingFor } from '../lib/erasure.ts';

/** Consumer group and processed-event namespace of the erasure answers. */
export const PERSONAL_DATA_CONSUMER = 'customer.personal-data';

export type AnswerOutcome = 'recorded' | 'completed' | 'duplicate' | 'ignored';

export interface PersonalDataService {
  /** What this subgraph holds on the contact (NOT_FOUND when there is no such contact, erased or not). */
  exportContact(db: TenantDb, contactId: string): Promise<Record<string, unknown>>;
  /** Anonymises the contact and asks the other subgraphs to erase theirs. */
  erase(tenantId: string, actor: Actor, contactId: string): Promise<PersonalDataErasureModel>;
  /** The references this subgraph holds to a user: the contacts, accounts and leads they own (ids and names). */
  exportUser(db: TenantDb, userId: string): Promise<Record<string, unknown>>;
  /**
   * Starts the erasure of a user's personal data (the platform anonymises them; the records they
   * own stay theirs). BAD_USER_INPUT for the caller themselves or an invalid id; CONFLICT when already erased.
   */
  eraseUser(tenantId: string, actor: Actor, userId: string): Promise<PersonalDataErasureModel>;
  get(db: TenantDb, erasureId: string): Promise<PersonalDataErasureModel | null>;
  /** Records another subgraph's answer (once, however often delivered). */
  applyAnswer(event: EventEnvelope): Promise<AnswerOutcome>;
}

export interface PersonalDataDeps {
  prisma: PrismaClient;
  onCommit: () => void;
}

export function createPersonalDataService({ prisma, onCommit }: PersonalDataDeps): PersonalDataService {
  return {
    async exportContact(db, contactId) {
      if (!isUuid(contactId)) throw notFound('Contact', contactId);
      const contact = await db.contact.findFirst({ where: { id: contactId } });
      if (!contact) throw notFound('Contact', contactId);
      const [accounts, relationships, merges, conversions] = await Promise.all([
        db.accountContact.findMany({ where: { contactId }, include: { account: { select: { id: true, name: true, domain: true } } } }),
        db.contactRelationship.findMany({ where: { OR: [{ fromId: contactId }, { toId: contactId }] } }),
        db.contactMerge.findMany({ where: { OR: [{ survivorId: contactId }, { mergedIds: { has: contactId } }] } }),
        db.leadConversion.findMany({ where: { contactId }, select: { id: true, leadId: true, status: true, createdAt: true } }),
      ]);
      return {
        contact,
        accounts: accounts.map(({ account, role, isPrimary }) => ({ account, role, isPrimary })),
        relationships,
        merges: merges.map(({ id, survivorId, mergedIds, createdAt }) => ({ id, survivorId, mergedIds, createdAt })),
        leadConversions: conversions,
      };
    },

    async erase(tenantId, actor, contactId) {
      if (!isUuid(contactId)) throw notFound('Contact', contactId);
      const id = contactId.toLowerCase();
      const erasure = await withTenantTransaction(prisma, tenantId, async (tx) => {
        const locked = await tx.$queryRaw<{ id: string }[]>`SELECT "id" FROM "Contact" WHERE "id" = ${id}::uuid FOR UPDATE`;
        if (locked.length === 0) throw notFound('Contact', contactId);
        const earlier = await tx.personalDataErasure.findFirst({ where: { contactId: id } });
        if (earlier) throw conflict(`Contact ${contactId} was already erased (erasure ${earlier.id})`, { erasureId: earlier.id });

        const links = await tx.accountContact.deleteMany({ where: { contactId: id } });
        const relationships = await tx.contactRelationship.deleteMany({ where: { OR: [{ fromId: id }, { toId: id }] } });
        const merges = await tx.contactMerge.deleteMany({ where: { OR: [{ survivorId: id }, { mergedIds: { has: id } }] } });
        await tx.contact.update({
          where: { id },
          data: {
            ...ERASED_NAME,
            email: null,
            phone: null,
            emails: [],
            phones: [],
            addresses: [],
            socialLinks: [],
            tags: [],
            customFields: {},
            deletedAt: new Date(),
          },
        });
        const erased = { contact: 1, accountLinks: links.count, relationships: relationships.count, mergeSnapshots: merges.count };
        const row = await tx.personalDataErasure.create({
          data: {
            id: randomUUID(),
            tenantId,
            contactId: id,
            requestedById: actor.userId,
            status: 'PENDING',
            reports: { customer: { erased, reportedAt: new Date().toISOString() } },
          },
        });
        await appendOutbox(tx, createEvent({ type: ERASURE_REQUESTED, tenantId, actor, aggregateId: row.id, payload: { erasureId: row.id, contactId: id } }));
        return row;
      });
      onCommit();
      return erasure;
    },

    async exportUser(db, userId) {
      if (!isUuid(userId)) throw badInput('userId is not a valid id', 'userId');
      const ownerId = userId.toLowerCase();
      const [contacts, accounts, leads] = await Promise.all([
        db.contact.findMany({ where: { ownerId }, select: { id: true, firstName: true, lastName: true }, orderBy: { createdAt: 'asc' } }),
        db.account.findMany({ where: { ownerId }, select: { id: true, name: true }, orderBy: { createdAt: 'asc' } }),
        db.lead.findMany({ where: { ownerId }, select: { id: true, name: true }, orderBy: { createdAt: 'asc' } }),
      ]);
      return {
        ownedContacts: contacts.map(({ id, firstName, lastName }) => ({ id, name: `${firstName} ${lastName}`.trim() })),
        ownedAccounts: accounts,
        ownedLeads: leads,
      };
    },

    async eraseUser(tenantId, actor, userId) {
      if (!isUuid(userId)) throw badInput('userId is not a valid id', 'userId');
      const id = userId.toLowerCase();
      if (actor.userId && actor.userId.toLowerCase() === id) throw badInput('You cannot erase your own personal data; ask another tenant admin', 'userId');
      const erasure = await withTenantTransaction(prisma, tenantId, async (tx) => {
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`personal-data:user:${tenantId}:${id}`}))`;
        const earlier = await tx.personalDataErasure.findFirst({ where: { userId: id } });
        if (earlier) throw conflict(`User ${userId} was already erased (erasure ${earlier.id})`, { erasureId: earlier.id });
        const row = await tx.personalDataErasure.create({
          data: {
            id: randomUUID(),
            tenantId,
            subjectType: 'USER',
            userId: id,
            requestedById: actor.userId,
            status: 'PENDING',
            reports: { customer: { erased: {}, reportedAt: new Date().toISOString() } },
          },
        });
        await appendOutbox(
          tx,
          createEvent({ type: USER_ERASURE_REQUESTED, tenantId, actor, aggregateId: row.id, payload: { erasureId: row.id, userId: id } }),
        );
        return row;
      });
      onCommit();
      return erasure;
    },

    get(db, erasureId) {
      if (!isUuid(erasureId)) return Promise.resolve(null);
      return db.personalDataErasure.findFirst({ where: { id: erasureId.toLowerCase() } });
    },

    async applyAnswer(event) {
      const answer = erasureAnswerOf(event);
      if (!answer) return 'ignored';
      const outcome = await withTenantTransaction(prisma, event.tenantId, async (tx): Promise<AnswerOutcome> => {
        if (!(await markProcessed(tx, PERSONAL_DATA_CONSUMER, event.id))) return 'duplicate';
        const rows = await tx.$queryRaw<{ id: string }[]>`SELECT "id" FROM "PersonalDataErasure" WHERE "id" = ${answer.erasureId}::uuid FOR UPDATE`;
        const erasure = rows.length ? await tx.personalDataErasure.findFirst({ where: { id: answer.erasureId } }) : null;
        if (!erasure) return 'ignored';
        const reports = { ...reportsOf(erasure.reports), [answer.subgraph]: { erased: answer.erased, reportedAt: event.occurredAt } };
        const complete = erasure.status === 'PENDING' && waitingFor(reports).length === 0;
        await tx.personalDataErasure.update({
          where: { id: erasure.id },
          data: { reports: reports as unknown as Prisma.InputJsonObject, ...(complete ? { status: 'COMPLETED', completedAt: new Date() } : {}) },
        });
        if (!complete) return 'recorded';
        const subject = subjectOf(erasure);
        await appendOutbox(
          tx,
          createEvent({
            type: subject.kind === 'USER' ? USER_ERASURE_COMPLETED : ERASURE_COMPLETED,
            tenantId: event.tenantId,
            actor: { userId: null, kind: 'system' },
            aggregateId: erasure.id,
            payload: { erasureId: erasure.id, ...(subject.kind === 'USER' ? { userId: subject.id } : { contactId: subject.id }), subgraphs: Object.keys(reports) },
          }),
        );
        return 'completed';
      });
      if (outcome === 'completed') onCommit();
      return outcome;
    },
  };
}
