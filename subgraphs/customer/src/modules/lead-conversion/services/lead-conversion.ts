/**
 * Lead conversion: in one tenant transaction the lead is checked, its contact and account are
 * matched or created and linked, the lead becomes CONVERTED and the conversion is recorded with
 * `customer.lead.conversion_requested` in the outbox. Without a deal the conversion is COMPLETED
 * at once; with one it stays PENDING until the sales subgraph answers (see deal-step.ts).
 *
 * Matching avoids duplicates: a new contact whose e-mail (or the lead's) belongs to a live contact
 * uses that contact, a new account whose domain (or, without one, name) belongs to a live account
 * uses that account. The conversion remembers what it created, so a failed deal can undo exactly that.
 */
import { randomUUID } from 'node:crypto';
import { forTenant, withTenantTransaction, type TxClient } from '@crm/db';
import { appendOutbox, createEvent, type EventEnvelope } from '@crm/events';
import { badInput, conflict, notFound } from '@crm/runtime';
import { Prisma, type PrismaClient } from '../../../__generated__/prisma/client.ts';
import type { LeadConversionModel, LeadModel } from '../../../__generated__/prisma/models.ts';
import type { Actor, TenantDb } from '../../../context.ts';
import { isUuid } from '../../../lib/validation.ts';
import { ACCOUNT_CREATED, type AccountCreatedPayload } from '../../accounts/services/accounts.ts';
import { CONTACT_CREATED, type ContactCreatedPayload } from '../../contacts/services/contacts.ts';
import { customFieldValues } from '../../custom-fields/services/values.ts';
import {
  LEAD_CONVERSION_REQUESTED,
  LEAD_CONVERTED,
  type LeadConversionRequestedPayload,
  type LeadConvertedPayload,
} from '../lib/conversion-events.ts';
import { parseConversionRequest, type ConvertLeadRequest, type ValidConversion } from '../lib/conversion-input.ts';

type Tx = TxClient<PrismaClient>;

/** Lead statuses a conversion may start from. */
export const CONVERTIBLE_STATUSES: ReadonlySet<LeadModel['status']> = new Set(['NEW', 'CONTACTED', 'QUALIFIED']);

export interface LeadConversionService {
  /**
   * Converts a lead. Unknown lead → NOT_FOUND; already converted (or converting) → CONFLICT;
   * UNQUALIFIED or invalid input → BAD_USER_INPUT. The same `idempotencyKey` returns the
   * conversion the first request made (CONFLICT when that was for another lead).
   */
  convert(tenantId: string, actor: Actor, leadId: string, input: ConvertLeadRequest): Promise<LeadConversionModel>;
  /** A conversion of the tenant, or null. */
  get(db: TenantDb, id: string): Promise<LeadConversionModel | null>;
}

export interface LeadConversionServiceDeps {
  prisma: PrismaClient;
  /** Called after each committed write (publishes the outbox at once). */
  onCommit: () => void;
}

const isUniqueViolation = (error: unknown) => error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002';

/** Records a conversion creates belong to the lead's owner, else to whoever converts it. */
const ownerOfNew = (lead: LeadModel, actor: Actor): string | null => lead.ownerId ?? actor.userId;

interface Resolved {
  id: string;
  created: boolean;
}

/** Locks the lead: concurrent conversions of one lead queue here (the second then sees it converted). */
async function lockLead(tx: Tx, leadId: string): Promise<void> {
  await tx.$queryRaw`SELECT id FROM "Lead" WHERE id = ${leadId}::uuid FOR UPDATE`;
}

/** The (locked) lead, checked convertible. */
async function convertibleLead(tx: Tx, leadId: string): Promise<LeadModel> {
  const lead = await tx.lead.findFirst({ where: { id: leadId, deletedAt: null } });
  if (!lead) throw notFound('Lead', leadId);
  if (lead.status === 'CONVERTED') throw conflict(`Lead ${leadId} is already converted`, { field: 'id' });
  if (!CONVERTIBLE_STATUSES.has(lead.status)) {
    throw badInput(`Lead ${leadId} is ${lead.status}: only NEW, CONTACTED or QUALIFIED leads can be converted`, 'id');
  }
  return lead;
}

async function resolveAccount(
  tx: Tx,
  tenantId: string,
  actor: Actor,
  lead: LeadModel,
  spec: NonNullable<ValidConversion['account']>,
  events: EventEnvelope[],
): Promise<Resolved> {
  if ('existingId' in spec) {
    const account = await tx.account.findFirst({ where: { id: spec.existingId, deletedAt: null }, select: { id: true } });
    if (!account) throw badInput(`account.existingId: no such account: ${spec.existingId}`, 'account.existingId');
    return { id: account.id, created: false };
  }
  const { name, domain, industry } = spec.create;
  const match = await tx.account.findFirst({
    where: domain ? { deletedAt: null, domain } : { deletedAt: null, name: { equals: name, mode: 'insensitive' } },
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    select: { id: true },
  });
  if (match) return { id: match.id, created: false };
  const customFields = await customFieldValues(tx, 'account', undefined, { creating: true, prefix: 'account.create' });
  const account = await tx.account.create({ data: { id: randomUUID(), tenantId, name, domain, industry, ownerId: ownerOfNew(lead, actor), customFields } });
  events.push(
    createEvent<AccountCreatedPayload>({
      type: ACCOUNT_CREATED,
      tenantId,
      actor,
      aggregateId: account.id,
      payload: { name: account.name, domain: account.domain, industry: account.industry, ownerId: account.ownerId },
    }),
  );
  return { id: account.id, created: true };
}

async function resolveContact(
  tx: Tx,
  tenantId: string,
  actor: Actor,
  lead: LeadModel,
  spec: ValidConversion['contact'],
  options: { accountId: string | null; withDeal: boolean },
  events: EventEnvelope[],
): Promise<Resolved> {
  if ('existingId' in spec) {
    const contact = await tx.contact.findFirst({ where: { id: spec.existingId, deletedAt: null }, select: { id: true } });
    if (!contact) throw badInput(`contact.existingId: no such contact: ${spec.existingId}`, 'contact.existingId');
    return { id: contact.id, created: false };
  }
  const { firstName, lastName, phone } = spec.create;
  const email = spec.create.email ?? lead.email;
  if (email) {
    const match = await tx.contact.findFirst({ where: { deletedAt: null, email }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }], select: { id: true } });
    if (match) return { id: match.id, created: false };
  }
  const customFields = await customFieldValues(tx, 'contact', undefined, { creating: true, prefix: 'contact.create' });
  const contact = await tx.contact.create({
    data: {
      id: randomUUID(),
      tenantId,
      firstName,
      lastName,
      email,
      phone,
      emails: email ? [{ address: email, label: null, isPrimary: true }] : [],
      phones: phone ? [{ number: phone, label: null, isPrimary: true }] : [],
      lifecycleStage: options.withDeal ? 'OPPORTUNITY' : 'SALES_QUALIFIED',
      ownerId: ownerOfNew(lead, actor),
      customFields,
    },
  });
  events.push(
    createEvent<ContactCreatedPayload>({
      type: CONTACT_CREATED,
      tenantId,
      actor,
      aggregateId: contact.id,
      payload: {
        firstName: contact.firstName,
        lastName: contact.lastName,
        email: contact.email,
        ownerId: contact.ownerId,
        accountIds: options.accountId ? [options.accountId] : [],
      },
    }),
  );
  return { id: contact.id, created: true };
}

/** Links the contact to the account unless it already is; true when a link was made. */
async function link(tx: Tx, tenantId: string, accountId: string, contactId: string): Promise<boolean> {
  const existing = await tx.accountContact.findFirst({ where: { accountId, contactId } });
  if (existing) return false;
  const others = await tx.accountContact.count({ where: { contactId } });
  await tx.accountContact.create({ data: { tenantId, accountId, contactId, isPrimary: others === 0 } });
  return true;
}

export function createLeadConversionService({ prisma, onCommit }: LeadConversionServiceDeps): LeadConversionService {
  /** The conversion a key already made; CONFLICT when it was for another lead. */
  function replay(existing: LeadConversionModel, leadId: string): LeadConversionModel {
    if (existing.leadId !== leadId) {
      throw conflict(`idempotencyKey was already used to convert lead ${existing.leadId}`, { field: 'idempotencyKey', conversionId: existing.id });
    }
    return existing;
  }

  return {
    async convert(tenantId, actor, rawLeadId, input) {
      if (!isUuid(rawLeadId)) throw notFound('Lead', rawLeadId);
      const leadId = rawLeadId.toLowerCase();
      const request = parseConversionRequest(input);
      const key = request.idempotencyKey;
      let wrote = false;
      try {
        const conversion = await withTenantTransaction(prisma, tenantId, async (tx) => {
          await lockLead(tx, leadId);
          if (key) {
            const existing = await tx.leadConversion.findFirst({ where: { idempotencyKey: key } });
            if (existing) return replay(existing, leadId);
          }
          const lead = await convertibleLead(tx, leadId);
          const events: EventEnvelope[] = [];
          const account = request.account ? await resolveAccount(tx, tenantId, actor, lead, request.account, events) : null;
          const contact = await resolveContact(tx, tenantId, actor, lead, request.contact, { accountId: account?.id ?? null, withDeal: request.deal !== null }, events);
          const linkCreated = account ? await link(tx, tenantId, account.id, contact.id) : false;
          await tx.lead.update({ where: { id: lead.id }, data: { status: 'CONVERTED' } });

          const id = randomUUID();
          const completed = request.deal === null;
          // The deal, like the records created here, belongs to the lead's owner, else to whoever converts.
          const deal = request.deal ? { ...request.deal, ownerId: request.deal.ownerId ?? ownerOfNew(lead, actor) } : null;
          const created = await tx.leadConversion.create({
            data: {
              id,
              tenantId,
              leadId: lead.id,
              status: completed ? 'COMPLETED' : 'PENDING',
              previousLeadStatus: lead.status,
              contactId: contact.id,
              contactCreated: contact.created,
              accountId: account?.id ?? null,
              accountCreated: account?.created ?? false,
              linkCreated,
              dealInput: deal ?? Prisma.DbNull,
              idempotencyKey: key,
              finishedAt: completed ? new Date() : null,
            },
          });
          events.push(
            createEvent<LeadConversionRequestedPayload>({
              type: LEAD_CONVERSION_REQUESTED,
              tenantId,
              actor,
              aggregateId: id,
              payload: { conversionId: id, leadId: lead.id, contactId: contact.id, accountId: account?.id ?? null, deal },
            }),
          );
          if (completed) {
            events.push(
              createEvent<LeadConvertedPayload>({
                type: LEAD_CONVERTED,
                tenantId,
                actor,
                aggregateId: id,
                payload: { conversionId: id, leadId: lead.id, contactId: contact.id, accountId: account?.id ?? null, dealId: null },
              }),
            );
          }
          await appendOutbox(tx, events);
          wrote = true;
          return created;
        });
        if (wrote) onCommit();
        return conversion;
      } catch (error) {
        // Two requests with one key raced: the loser returns the winner's conversion.
        if (key && isUniqueViolation(error)) {
          const existing = await forTenant(prisma, tenantId).leadConversion.findFirst({ where: { idempotencyKey: key } });
          if (existing) return replay(existing, leadId);
          throw conflict(`Lead ${leadId} is already being converted`, { field: 'id' });
        }
        if (isUniqueViolation(error)) throw conflict(`Lead ${leadId} is already being converted`, { field: 'id' });
        throw error;
      }
    },
    get(db, id) {
      if (!isUuid(id)) return Promise.resolve(null);
      return db.leadConversion.findFirst({ where: { id: id.toLowerCase() } });
    },
  };
}
