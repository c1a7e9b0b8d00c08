/**
 * Merging duplicate contacts into a survivor, and undoing it within 30 days.
 *
 * The survivor keeps its own values except where `keep` picks another record's value for a field;
 * empty survivor fields are filled from the merged records. E-mail addresses, phone numbers,
 * addresses, social links and tags are united. The merged contacts' account links and
 * relationships are copied onto the survivor and the merged contacts go to the trash, so their own
 * rows stay intact for an undo. `customer.contact.merged` tells other subgraphs to move their
 * references (deals, activities, notes) to the survivor; `customer.contact.merge_undone` reverses it.
 */
import { randomUUID } from 'node:crypto';
import { withTenantTransaction } from '@crm/db';
import { appendOutbox, createEvent } from '@crm/events';
import { conflict, notFound } from '@crm/runtime';
import type { PrismaClient } from '../../../__generated__/prisma/client.ts';
import type { ContactModel } from '../../../__generated__/prisma/models.ts';
import type { Actor } from '../../../context.ts';
import { jsonList, type EmailEntry, type PhoneEntry } from '../../../lib/contact-details.ts';
import { parseMergeRequest } from '../../../lib/merge-input.ts';
import { isUuid } from '../../../lib/validation.ts';

export const CONTACT_MERGED = 'customer.contact.merged';
export const CONTACT_MERGE_UNDONE = 'customer.contact.merge_undone';
/** How long a merge can be undone. */
export const MERGE_UNDO_DAYS = 30;
/** Most contacts merged into a survivor at once. */
export const MAX_MERGED = 10;

export type MergeField = 'FIRST_NAME' | 'LAST_NAME' | 'EMAIL' | 'PHONE' | 'LIFECYCLE_STAGE' | 'OWNER' | 'ADDRESSES' | 'SOCIAL_LINKS';

export interface MergeInput {
  survivorId: string;
  mergedIds: string[];
  /** For each field, the record (survivor or merged) whose value wins. */
  keep?: { field: MergeField; fromId: string }[] | null;
}

/** Payload of `customer.contact.merged` and `customer.contact.merge_undone` (version 1). */
export interface ContactMergedPayload extends Record<string, unknown> {
  mergeId: string;
  survivorId: string;
  mergedIds: string[];
}

export interface MergeResult {
  mergeId: string;
  survivor: ContactModel;
  undoableUntil: Date;
}

interface Snapshot {
  survivor: Record<string, unknown>;
  addedAccountIds: string[];
  addedRelationships: { fromId: string; toId: string; kind: string }[];
}

/** The survivor's columns a merge may change (and an undo restores). */
const RESTORABLE = ['firstName', 'lastName', 'email', 'phone', 'emails', 'phones', 'addresses', 'socialLinks', 'lifecycleStage', 'tags', 'ownerId'] as const;

const COLUMN: Record<MergeField, (typeof RESTORABLE)[number][]> = {
  FIRST_NAME: ['firstName'],
  LAST_NAME: ['lastName'],
  EMAIL: ['email'],
  PHONE: ['phone'],
  LIFECYCLE_STAGE: ['lifecycleStage'],
  OWNER: ['ownerId'],
  ADDRESSES: ['addresses'],
  SOCIAL_LINKS: ['socialLinks'],
};

const unite = <T>(lists: T[][], key: (item: T) => string): T[] => {
  const seen = new Set<string>();
  return lists.flat().filter((item) => !seen.has(key(item)) && seen.add(key(item)));
};

/** Lists with a primary: united, the entry equal to `primary` (if any) primary, else the first. */
function withPrimary<T extends { isPrimary: boolean }>(lists: T[][], key: (item: T) => string, primary: string | null): T[] {
  const all = unite(lists, key);
  const index = Math.max(0, primary === null ? -1 : all.findIndex((item) => key(item) === primary));
  return all.map((item, i) => ({ ...item, isPrimary: i === index }));
}

export interface MergeService {
  merge(tenantId: string, actor: Actor, input: MergeInput): Promise<MergeResult>;
  /** Reverses a merge made less than 30 days ago; CONFLICT when expired or already undone. */
  undo(tenantId: string, actor: Actor, mergeId: string): Promise<ContactModel>;
}

export function createMergeService({ prisma, onCommit, now = () => new Date() }: { prisma: PrismaClient; onCommit: () => void; now?: () => Date }): MergeService {
  return {
    async merge(tenantId, actor, input) {
      const { survivorId, mergedIds, keep } = parseMergeRequest(input, MAX_MERGED, 'contacts');

      const result = await withTenantTransaction(prisma, tenantId, async (tx) => {
        const rows = await tx.contact.findMany({ where: { id: { in: [survivorId, ...mergedIds] }, deletedAt: null } });
        const byId = new Map(rows.map((row) => [row.id, row]));
        for (const id of [survivorId, ...mergedIds]) if (!byId.has(id)) throw notFound('Contact', id);
        const survivor = byId.get(survivorId)!;
        const merged = mergedIds.map((id) => byId.get(id)!);
        const all = [survivor, ...merged];

        const data: Record<string, unknown> = {};
        for (const column of ['email', 'phone', 'ownerId'] as const) {
          if (survivor[column] === null) data[column] = merged.find((row) => row[column] !== null)?.[column] ?? null;
        }
        for (const choice of keep) {
          const source = byId.get(choice.fromId.toLowerCase())!;
          for (const column of COLUMN[choice.field]) data[column] = source[column];
        }
        const primaryEmail = (data.email ?? survivor.email) as string | null;
        const primaryPhone = (data.phone ?? survivor.phone) as string | null;
        const emailLists = all.map((row) => {
          const list = jsonList<EmailEntry>(row.emails);
          return row.email && !list.some((entry) => entry.address === row.email) ? [...list, { address: row.email, label: null, isPrimary: false }] : list;
        });
        const phoneLists = all.map((row) => {
          const list = jsonList<PhoneEntry>(row.phones);
          return row.phone && !list.some((entry) => entry.number === row.phone) ? [...list, { number: row.phone, label: null, isPrimary: false }] : list;
        });
        data.emails = withPrimary(emailLists, (entry) => entry.address, primaryEmail);
        data.phones = withPrimary(phoneLists, (entry) => entry.number, primaryPhone);
        if (!keep.some((choice) => choice.field === 'ADDRESSES')) data.addresses = unite(all.map((row) => jsonList<object>(row.addresses)), (item) => JSON.stringify(item));
        if (!keep.some((choice) => choice.field === 'SOCIAL_LINKS')) data.socialLinks = unite(all.map((row) => jsonList<{ url: string }>(row.socialLinks)), (item) => item.url);
        data.tags = [...new Set(all.flatMap((row) => row.tags))];

        // Copy account links and relationships of the merged contacts onto the survivor.
        const links = await tx.accountContact.findMany({ where: { contactId: { in: all.map((row) => row.id) } } });
        const survivorAccounts = new Set(links.filter((link) => link.contactId === survivorId).map((link) => link.accountId));
        const addedAccountIds: string[] = [];
        for (const link of links) {
          if (link.contactId === survivorId || survivorAccounts.has(link.accountId)) continue;
          survivorAccounts.add(link.accountId);
          addedAccountIds.push(link.accountId);
          await tx.accountContact.create({ data: { tenantId, accountId: link.accountId, contactId: survivorId, role: link.role, isPrimary: false } });
        }
        const relationships = await tx.contactRelationship.findMany({ where: { OR: [{ fromId: { in: mergedIds } }, { toId: { in: mergedIds } }] } });
        const addedRelationships: Snapshot['addedRelationships'] = [];
        const mergedSet = new Set(mergedIds);
        for (const rel of relationships) {
          const fromId = mergedSet.has(rel.fromId) ? survivorId : rel.fromId;
          const toId = mergedSet.has(rel.toId) ? survivorId : rel.toId;
          if (fromId === toId) continue;
          const created = await tx.contactRelationship.createMany({ data: [{ tenantId, fromId, toId, kind: rel.kind }], skipDuplicates: true });
          if (created.count) addedRelationships.push({ fromId, toId, kind: rel.kind });
        }

        const snapshot: Snapshot = {
          survivor: Object.fromEntries(RESTORABLE.map((column) => [column, survivor[column]])),
          addedAccountIds,
          addedRelationships,
        };
        const updated = await tx.contact.update({ where: { id: survivorId }, data });
        await tx.contact.updateMany({ where: { id: { in: mergedIds } }, data: { deletedAt: now() } });
        const mergeId = randomUUID();
        const undoableUntil = new Date(now().getTime() + MERGE_UNDO_DAYS * 24 * 3600 * 1000);
        await tx.contactMerge.create({ data: { id: mergeId, tenantId, survivorId, mergedIds, snapshot: snapshot as object, undoableUntil } });
        await appendOutbox(
          tx,
          createEvent<ContactMergedPayload>({ type: CONTACT_MERGED, tenantId, actor, aggregateId: survivorId, payload: { mergeId, survivorId, mergedIds } }),
        );
        return { mergeId, survivor: updated, undoableUntil };
      });
      onCommit();
      return result;
    },

    async undo(tenantId, actor, mergeId) {
      if (!isUuid(mergeId)) throw notFound('Merge', mergeId);
      const survivor = await withTenantTransaction(prisma, tenantId, async (tx) => {
        const merge = await tx.contactMerge.findFirst({ where: { id: mergeId } });
        if (!merge) throw notFound('Merge', mergeId);
        if (merge.undoneAt) throw conflict('This merge has already been undone');
        if (merge.undoableUntil <= now()) throw conflict(`Merges can only be undone within ${MERGE_UNDO_DAYS} days`);
        const snapshot = merge.snapshot as unknown as Snapshot;
        const current = await tx.contact.findFirst({ where: { id: merge.survivorId } });
        if (!current) throw conflict('The surviving contact no longer exists');
        if (snapshot.addedAccountIds.length) {
          await tx.accountContact.deleteMany({ where: { contactId: merge.survivorId, accountId: { in: snapshot.addedAccountIds } } });
        }
        for (const rel of snapshot.addedRelationships) {
          await tx.contactRelationship.deleteMany({ where: { fromId: rel.fromId, toId: rel.toId, kind: rel.kind as never } });
        }
        const restored = await tx.contact.update({ where: { id: merge.survivorId }, data: snapshot.survivor as never });
        await tx.contact.updateMany({ where: { id: { in: merge.mergedIds } }, data: { deletedAt: null } });
        await tx.contactMerge.update({ where: { id: mergeId }, data: { undoneAt: now() } });
        await appendOutbox(
          tx,
          createEvent<ContactMergedPayload>({
            type: CONTACT_MERGE_UNDONE,
            tenantId,
            actor,
            aggregateId: merge.survivorId,
            payload: { mergeId, survivorId: merge.survivorId, mergedIds: merge.mergedIds },
          }),
        );
        return restored;
      });
      onCommit();
      return survivor;
    },
  };
}
