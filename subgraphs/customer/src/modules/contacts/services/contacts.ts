/**
 * Contacts: people the tenant is in touch with, optionally linked to accounts.
 * Creating one records `customer.contact.created` in the outbox within the same transaction.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { forTenant, withTenantTransaction } from '@crm/db';
import { appendOutbox, createEvent } from '@crm/events';
import { badInput, conflict, notFound, runBatch, type BatchResult } from '@crm/runtime';
import type { PrismaClient } from '../../../__generated__/prisma/client.ts';
import type { ContactModel } from '../../../__generated__/prisma/models.ts';
import type { Actor, TenantDb } from '../../../context.ts';
import {
  addressList,
  emailList,
  jsonList,
  mergePrimary,
  phoneList,
  primaryOf,
  socialLinkList,
  type EmailEntry,
  type PhoneEntry,
  type PostalAddress,
  type SocialLink,
} from '../../../lib/contact-details.ts';
import { contactSpec, LIFECYCLE_STAGES } from '../../../lib/entities.ts';
import { createDuplicatesService, type DuplicateMatch } from './duplicates.ts';
import { createMergeService, type MergeService } from './merge.ts';
import type { Page, Where } from '@crm/db/list-query';
import { changeTrash, groupCounts, listPage, rowsInOrder, type GroupArgs, type GroupCount, type ListArgs, type OwnershipGuard, type TrashAction } from '../../../lib/records.ts';
import type { CustomFieldInput } from '../../../lib/custom-fields.ts';
import { customFieldValues } from '../../custom-fields/services/values.ts';
import { isUuid, optionalEmail, optionalPhone, optionalUuid, parseInput, parsePatch, requiredName, tagList } from '../../../lib/validation.ts';

export interface NewContact {
  firstName: string;
  lastName: string;
  email?: string | null;
  phone?: string | null;
  /** All addresses; when given with `email`, `email` must be the primary one. */
  emails?: EmailInput[] | null;
  phones?: PhoneInput[] | null;
  addresses?: Partial<PostalAddress>[] | null;
  socialLinks?: SocialLink[] | null;
  lifecycleStage?: ContactModel['lifecycleStage'] | null;
  tags?: string[] | null;
  ownerId?: string | null;
  /** Accounts the contact works at; the first becomes the primary one. */
  accountIds?: string[] | null;
  /** Values of the tenant's custom fields; required ones must be given. */
  customFields?: readonly CustomFieldInput[] | null;
}

export const CONTACT_CREATED = 'customer.contact.created';
export const CONTACT_UPDATED = 'customer.contact.updated';

/** One item of `upsertContacts`: matched by `id`, else by `email`; omitted fields stay as they are. */
export interface ContactUpsert {
  id?: string | null;
  email?: string | null;
  firstName?: string | null;
  lastName?: string | null;
  phone?: string | null;
  emails?: EmailInput[] | null;
  phones?: PhoneInput[] | null;
  addresses?: Partial<PostalAddress>[] | null;
  socialLinks?: SocialLink[] | null;
  lifecycleStage?: ContactModel['lifecycleStage'] | null;
  tags?: string[] | null;
  ownerId?: string | null;
  /** Custom field values to set or clear; the others stay as they are. */
  customFields?: readonly CustomFieldInput[] | null;
}

export interface EmailInput {
  address: string;
  label?: string | null;
  isPrimary?: boolean | null;
}
export interface PhoneInput {
  number: string;
  label?: string | null;
  isPrimary?: boolean | null;
}

/** Payload of `customer.contact.updated` (version 1): the new values of the changed fields. */
export interface ContactUpdatedPayload extends Record<string, unknown> {
  changes: Record<string, unknown>;
}

/** Payload of `customer.contact.created` (version 1). */
export interface ContactCreatedPayload extends Record<string, unknown> {
  firstName: string;
  lastName: string;
  email: string | null;
  ownerId: string | null;
  accountIds: string[];
}

/** Most accounts a contact can be linked to in one call. */
export const MAX_ACCOUNTS_PER_CONTACT = 50;

const lifecycleStage = z.enum(LIFECYCLE_STAGES, { error: `lifecycleStage must be one of ${LIFECYCLE_STAGES.join(', ')}` });

/** Rules for the fields an upsert may set (each checked only when given). */
const contactPatch = {
  email: optionalEmail,
  firstName: requiredName('firstName', 100),
  lastName: requiredName('lastName', 100),
  phone: optionalPhone,
  emails: emailList.nullish().transform((list) => list ?? []),
  phones: phoneList.nullish().transform((list) => list ?? []),
  addresses: addressList.nullish().transform((list) => list ?? []),
  socialLinks: socialLinkList.nullish().transform((list) => list ?? []),
  lifecycleStage,
  tags: tagList,
  ownerId: optionalUuid('ownerId'),
};

const makeEmail = (address: string): EmailEntry => ({ address, label: null, isPrimary: true });
const makePhone = (number: string): PhoneEntry => ({ number, label: null, isPrimary: true });

/**
 * The column values for the contact's e-mails and phones after a change: the single `email` /
 * `phone` and the lists are reconciled (see `mergePrimary`), and the primaries mirrored.
 */
function contactChannels(
  patch: { email?: string | null; phone?: string | null; emails?: EmailEntry[]; phones?: PhoneEntry[] },
  current: { emails: EmailEntry[]; phones: PhoneEntry[] },
  path: (string | number)[],
) {
  const at = (field: string) => [...path, field].join('.');
  const emails = mergePrimary(patch.email, patch.emails, current.emails, makeEmail, (entry) => entry.address, at('email'));
  const phones = mergePrimary(patch.phone, patch.phones, current.phones, makePhone, (entry) => entry.number, at('phone'));
  return { ...(emails ? { emails } : {}), ...(phones ? { phones } : {}), ...primaryOf(emails, phones) };
}

const contactInput = z.object({
  firstName: requiredName('firstName', 100),
  lastName: requiredName('lastName', 100),
  email: optionalEmail.optional(),
  phone: optionalPhone.optional(),
  emails: emailList.nullish().transform((list) => (list === null ? [] : list)),
  phones: phoneList.nullish().transform((list) => (list === null ? [] : list)),
  addresses: addressList.nullish().transform((list) => list ?? []),
  socialLinks: socialLinkList.nullish().transform((list) => list ?? []),
  lifecycleStage: lifecycleStage.nullish().transform((stage) => stage ?? 'SUBSCRIBER'),
  tags: tagList,
  ownerId: optionalUuid('ownerId'),
  accountIds: z
    .array(z.string().refine(isUuid, 'accountIds contains an invalid id'))
    .max(MAX_ACCOUNTS_PER_CONTACT, `accountIds may list at most ${MAX_ACCOUNTS_PER_CONTACT} accounts`)
    .nullish()
    .transform((ids) => [...new Set((ids ?? []).map((id) => id.toLowerCase()))]),
});

export interface ContactsService {
  /**
   * Validates and creates a contact linked to `accountIds`. Every account must belong to
   * the tenant, otherwise BAD_USER_INPUT (field `accountIds`) and nothing is written.
   */
  create(tenantId: string, actor: Actor, input: NewContact, options?: { onDuplicate?: DuplicatePolicy }): Promise<ContactModel>;
  /** Merges duplicates into a survivor (see merge.ts). */
  merge: MergeService['merge'];
  /** Undoes a merge within 30 days. */
  undoMerge: MergeService['undo'];
  /** Live contacts that look like `contactId` (same e-mail or phone, similar name), best first. */
  findDuplicates(tenantId: string, contactId: string, first: number): Promise<DuplicateMatch[]>;
  /** The tenant's live contacts, newest first. */
  list(db: TenantDb, options: { first: number; scope?: Where }): Promise<ContactModel[]>;
  /** One Relay page: filtered, ordered, at most 100 rows. */
  page(db: TenantDb, args: ListArgs): Promise<Page<ContactModel>>;
  /** Counts per lifecycle stage or owner. */
  groups(db: TenantDb, args: GroupArgs): Promise<GroupCount[]>;
  /**
   * Creates or updates up to 100 contacts, each in its own transaction; failures are reported per
   * item (BAD_USER_INPUT, NOT_FOUND, or CONFLICT when an e-mail matches several live contacts).
   */
  upsertMany(tenantId: string, actor: Actor, inputs: ContactUpsert[], guard?: OwnershipGuard): Promise<BatchResult<ContactModel>[]>;
  /** Moves to or out of the trash, or purges; returns the rows (none when purged). */
  trash(tenantId: string, actor: Actor, action: TrashAction, ids: readonly string[]): Promise<ContactModel[]>;
  /**
   * Adds (`link: true`, idempotent) or removes a relationship `from` -> `to`. Both must be live
   * contacts of the tenant (NOT_FOUND) and different (BAD_USER_INPUT). Returns the `from` contact.
   */
  relate(tenantId: string, actor: Actor, input: { fromId: string; kind: RelationshipKind; toId: string; link: boolean }): Promise<ContactModel>;
}

/**
 * ALLOW creates the contact anyway; REJECT fails with CONFLICT (extensions `field`, `duplicateOf`)
 * when a live contact has the same e-mail or phone.
 */
export type DuplicatePolicy = 'ALLOW' | 'REJECT';

export type RelationshipKind = 'REPORTS_TO' | 'ASSISTANT_OF' | 'REFERRED_BY';
export const CONTACT_RELATED = 'customer.contact.related';
export const CONTACT_UNRELATED = 'customer.contact.unrelated';

export interface ContactsServiceDeps {
  prisma: PrismaClient;
  /** Called after each committed write (publishes the outbox at once). */
  onCommit: () => void;
}

export function createContactsService({ prisma, onCommit }: ContactsServiceDeps): ContactsService {
  const duplicates = createDuplicatesService({ prisma });
  const merges = createMergeService({ prisma, onCommit });
  return {
    merge: (tenantId, actor, input) => merges.merge(tenantId, actor, input),
    undoMerge: (tenantId, actor, mergeId) => merges.undo(tenantId, actor, mergeId),
    findDuplicates: (tenantId, contactId, first) => duplicates.find(tenantId, contactId, first),
    async create(tenantId, actor, input, options = {}) {
      const { accountIds, email, phone, emails, phones, ...fields } = parseInput(contactInput, input);
      const channels = contactChannels({ email, phone, emails, phones }, { emails: [], phones: [] }, []);
      const data = { ...fields, emails: channels.emails ?? [], phones: channels.phones ?? [], email: channels.email ?? null, phone: channels.phone ?? null };
      const id = randomUUID();
      const contact = await withTenantTransaction(prisma, tenantId, async (tx) => {
        if (options.onDuplicate === 'REJECT') {
          await duplicates.assertNoExactDuplicate(tx, { emails: data.emails.map((entry) => entry.address), phone: data.phone });
        }
        if (accountIds.length) {
          const known = await tx.account.findMany({ where: { tenantId, id: { in: accountIds } }, select: { id: true } });
          if (known.length !== accountIds.length) {
            const found = new Set(known.map((account) => account.id));
            const missing = accountIds.filter((accountId) => !found.has(accountId));
            throw badInput(`accountIds: no such account: ${missing.join(', ')}`, 'accountIds');
          }
        }
        const customFields = await customFieldValues(tx, 'contact', input.customFields, { creating: true });
        const created = await tx.contact.create({ data: { id, tenantId, ...data, customFields } });
        if (accountIds.length) {
          await tx.accountContact.createMany({
            data: accountIds.map((accountId, index) => ({ tenantId, accountId, contactId: id, isPrimary: index === 0 })),
          });
        }
        await appendOutbox(
          tx,
          createEvent<ContactCreatedPayload>({
            type: CONTACT_CREATED,
            tenantId,
            actor,
            aggregateId: id,
            payload: { firstName: created.firstName, lastName: created.lastName, email: created.email, ownerId: created.ownerId, accountIds },
          }),
        );
        return created;
      });
      onCommit();
      return contact;
    },
    list(db, { first, scope }) {
      return db.contact.findMany({ where: { AND: [scope ?? {}, { deletedAt: null }] }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], take: first });
    },
    page: (db, args) => listPage<ContactModel>(db, 'contact', contactSpec, args),
    groups: (db, args) => groupCounts(db, 'contact', contactSpec, args),
    async upsertMany(tenantId, actor, inputs, guard) {
      const results = await runBatch(inputs, async (input, index) => {
        const path = ['inputs', index];
        const id = parseInput(optionalUuid('id'), input.id, [...path, 'id']);
        const { email, phone, emails, phones, ...fields } = parsePatch(contactPatch, input as Record<string, unknown>, path);
        const key = email ?? emails?.find((entry) => entry.isPrimary)?.address;
        return withTenantTransaction(prisma, tenantId, async (tx) => {
          let existing: ContactModel | null = null;
          if (id) {
            existing = await tx.contact.findFirst({ where: { id } });
            if (!existing) throw notFound('Contact', id);
          } else if (key) {
            const matches = await tx.contact.findMany({ where: { email: key, deletedAt: null }, take: 2 });
            if (matches.length > 1) throw conflict(`${path.join('.')}.email: several contacts have the e-mail ${key}; pass id`, { field: `${path.join('.')}.email` });
            existing = matches[0] ?? null;
          }
          const current = { emails: jsonList<EmailEntry>(existing?.emails), phones: jsonList<PhoneEntry>(existing?.phones) };
          const customFields = await customFieldValues(tx, 'contact', input.customFields, {
            creating: !existing,
            current: existing?.customFields,
            prefix: `${path.join('.')}.`,
          });
          const patch = { ...fields, ...contactChannels({ email, phone, emails, phones }, current, path), ...(customFields ? { customFields } : {}) };
          guard?.ownerExists(patch.ownerId, `${path.join('.')}.ownerId`);
          if (existing) {
            guard?.change(existing, patch.ownerId);
            if (existing.deletedAt) throw conflict(`Contact ${existing.id} is in the trash; restore it first`, { field: `${path.join('.')}.id` });
            const updated = await tx.contact.update({ where: { id: existing.id }, data: patch });
            await appendOutbox(
              tx,
              createEvent<ContactUpdatedPayload>({ type: CONTACT_UPDATED, tenantId, actor, aggregateId: existing.id, payload: { changes: patch } }),
            );
            return { outcome: 'UPDATED' as const, record: updated };
          }
          for (const field of ['firstName', 'lastName'] as const) {
            if (!patch[field]) throw badInput(`${path.join('.')}.${field}: ${field} is required to create a contact`, `${path.join('.')}.${field}`);
          }
          const created = await tx.contact.create({
            data: { id: randomUUID(), tenantId, ...patch, ...(guard ? { ownerId: guard.create(patch.ownerId) } : {}), firstName: patch.firstName!, lastName: patch.lastName! },
          });
          await appendOutbox(
            tx,
            createEvent<ContactCreatedPayload>({
              type: CONTACT_CREATED,
              tenantId,
              actor,
              aggregateId: created.id,
              payload: { firstName: created.firstName, lastName: created.lastName, email: created.email, ownerId: created.ownerId, accountIds: [] },
            }),
          );
          return { outcome: 'CREATED' as const, record: created };
        });
      });
      onCommit();
      return results;
    },
    async trash(tenantId, actor, action, ids) {
      const changed = await changeTrash({ prisma, onCommit }, tenantId, actor, 'contact', action, ids);
      return action === 'purged' ? [] : rowsInOrder<ContactModel>(forTenant(prisma, tenantId), 'contact', changed);
    },
    async relate(tenantId, actor, { fromId, kind, toId, link }) {
      const from = parseInput(optionalUuid('fromId'), fromId, ['fromId'])!;
      const to = parseInput(optionalUuid('toId'), toId, ['toId'])!;
      if (from.toLowerCase() === to.toLowerCase()) throw badInput('toId: a contact cannot be related to itself', 'toId');
      const result = await withTenantTransaction(prisma, tenantId, async (tx) => {
        const found = await tx.contact.findMany({ where: { id: { in: [from, to] }, deletedAt: null } });
        const subject = found.find((row) => row.id === from.toLowerCase());
        if (!subject) throw notFound('Contact', from);
        if (!found.some((row) => row.id === to.toLowerCase())) throw notFound('Contact', to);
        const key = { fromId: subject.id, toId: to.toLowerCase(), kind };
        const changed = link
          ? (await tx.contactRelationship.createMany({ data: [{ tenantId, ...key }], skipDuplicates: true })).count
          : (await tx.contactRelationship.deleteMany({ where: key })).count;
        if (changed > 0) {
          await appendOutbox(
            tx,
            createEvent({ type: link ? CONTACT_RELATED : CONTACT_UNRELATED, tenantId, actor, aggregateId: subject.id, payload: { kind, toId: key.toId } }),
          );
        }
        return subject;
      });
      onCommit();
      return result;
    },
  };
}
