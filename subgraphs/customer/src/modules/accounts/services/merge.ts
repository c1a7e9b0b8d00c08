/**
 * Merging duplicate accounts into a survivor, and undoing it within 30 days.
 *
 * The survivor keeps its own values except where `keep` picks another account's value; its empty
 * fields are filled from the merged accounts. The merged accounts' contacts are linked to the
 * survivor, their subsidiaries move under it, and they go to the trash (their own rows stay intact
 * for an undo). `customer.account.merged` tells other subgraphs to move their references (deals);
 * `customer.account.merge_undone` reverses it.
 */
import { randomUUID } from 'node:crypto';
import { withTenantTransaction } from '@crm/db';
import { appendOutbox, createEvent } from '@crm/events';
import { conflict, notFound } from '@crm/runtime';
import type { PrismaClient } from '../../../__generated__/prisma/client.ts';
import type { AccountModel } from '../../../__generated__/prisma/models.ts';
import type { Actor } from '../../../context.ts';
import { parseMergeRequest } from '../../../lib/merge-input.ts';
import { isUuid } from '../../../lib/validation.ts';

export const ACCOUNT_MERGED = 'customer.account.merged';
export const ACCOUNT_MERGE_UNDONE = 'customer.account.merge_undone';
export const ACCOUNT_MERGE_UNDO_DAYS = 30;
export const MAX_MERGED_ACCOUNTS = 10;

export type AccountMergeField = 'NAME' | 'DOMAIN' | 'INDUSTRY' | 'EMPLOYEES' | 'ANNUAL_REVENUE' | 'OWNER';

export interface AccountMergeInput {
  survivorId: string;
  mergedIds: string[];
  keep?: { field: AccountMergeField; fromId: string }[] | null;
}

/** Payload of `customer.account.merged` and `customer.account.merge_undone` (version 1). */
export interface AccountMergedPayload extends Record<string, unknown> {
  mergeId: string;
  survivorId: string;
  mergedIds: string[];
}

export interface AccountMergeResult {
  mergeId: string;
  survivor: AccountModel;
  undoableUntil: Date;
}

interface Snapshot {
  survivor: Record<string, unknown>;
  addedContactIds: string[];
  movedChildren: { id: string; parentId: string }[];
}

const RESTORABLE = ['name', 'domain', 'industry', 'employees', 'revenueMinor', 'revenueCurrency', 'ownerId', 'parentId'] as const;
const COLUMNS: Record<AccountMergeField, (typeof RESTORABLE)[number][]> = {
  NAME: ['name'],
  DOMAIN: ['domain'],
  INDUSTRY: ['industry'],
  EMPLOYEES: ['employees'],
  ANNUAL_REVENUE: ['revenueMinor', 'revenueCurrency'],
  OWNER: ['ownerId'],
};

/** Snapshot values are JSON: revenue goes in as a string and comes back as a bigint. */
const toJson = (row: AccountModel) => Object.fromEntries(RESTORABLE.map((column) => [column, typeof row[column] === 'bigint' ? row[column].toString() : row[column]]));
const fromJson = (values: Record<string, unknown>) => ({ ...values, revenueMinor: values.revenueMinor == null ? null : BigInt(values.revenueMinor as string) });

export interface AccountMergeService {
  merge(tenantId: string, actor: Actor, input: AccountMergeInput): Promise<AccountMergeResult>;
  /** Reverses a merge made less than 30 days ago; CONFLICT when expired or already undone. */
  undo(tenantId: string, actor: Actor, mergeId: string): Promise<AccountModel>;
}

export function createAccountMergeService({ prisma, onCommit, now = () => new Date() }: { prisma: PrismaClient; onCommit: () => void; now?: () => Date }): AccountMergeService {
  return {
    async merge(tenantId, actor, input) {
      const { survivorId, mergedIds, keep } = parseMergeRequest(input, MAX_MERGED_ACCOUNTS, 'accounts');

      const result = await withTenantTransaction(prisma, tenantId, async (tx) => {
        const rows = await tx.account.findMany({ where: { id: { in: [survivorId, ...mergedIds] }, deletedAt: null } });
        const byId = new Map(rows.map((row) => [row.id, row]));
        for (const id of [survivorId, ...mergedIds]) if (!byId.has(id)) throw notFound('Account', id);
        const survivor = byId.get(survivorId)!;
        const merged = mergedIds.map((id) => byId.get(id)!);
        const mergedSet = new Set(mergedIds);

        const data: Record<string, unknown> = {};
        for (const column of ['domain', 'industry', 'employees', 'ownerId'] as const) {
          if (survivor[column] === null) data[column] = merged.find((row) => row[column] !== null)?.[column] ?? null;
        }
        if (survivor.revenueMinor === null) {
          const withRevenue = merged.find((row) => row.revenueMinor !== null);
          if (withRevenue) Object.assign(data, { revenueMinor: withRevenue.revenueMinor, revenueCurrency: withRevenue.revenueCurrency });
        }
        for (const choice of keep) {
          const source = byId.get(choice.fromId.toLowerCase())!;
          for (const column of COLUMNS[choice.field]) data[column] = source[column];
        }
        // The survivor cannot stay under an account that goes to the trash with this merge.
        if (survivor.parentId && mergedSet.has(survivor.parentId)) {
          const grandparent = byId.get(survivor.parentId)!.parentId;
          data.parentId = grandparent && grandparent !== survivorId && !mergedSet.has(grandparent) ? grandparent : null;
        }

        const links = await tx.accountContact.findMany({ where: { accountId: { in: [survivorId, ...mergedIds] } } });
        const linked = new Set(links.filter((link) => link.accountId === survivorId).map((link) => link.contactId));
        const addedContactIds: string[] = [];
        for (const link of links) {
          if (link.accountId === survivorId || linked.has(link.contactId)) continue;
          linked.add(link.contactId);
          addedContactIds.push(link.contactId);
          await tx.accountContact.create({ data: { tenantId, accountId: survivorId, contactId: link.contactId, role: link.role, isPrimary: false } });
        }
        const children = await tx.account.findMany({ where: { parentId: { in: mergedIds }, id: { notIn: [survivorId, ...mergedIds] } }, select: { id: true, parentId: true } });
        if (children.length) await tx.account.updateMany({ where: { id: { in: children.map((child) => child.id) } }, data: { parentId: survivorId } });

        const snapshot: Snapshot = { survivor: toJson(survivor), addedContactIds, movedChildren: children.map((child) => ({ id: child.id, parentId: child.parentId! })) };
        const updated = await tx.account.update({ where: { id: survivorId }, data });
        await tx.account.updateMany({ where: { id: { in: mergedIds } }, data: { deletedAt: now() } });
        const mergeId = randomUUID();
        const undoableUntil = new Date(now().getTime() + ACCOUNT_MERGE_UNDO_DAYS * 24 * 3600 * 1000);
        await tx.accountMerge.create({ data: { id: mergeId, tenantId, survivorId, mergedIds, snapshot: snapshot as object, undoableUntil } });
        await appendOutbox(
          tx,
          createEvent<AccountMergedPayload>({ type: ACCOUNT_MERGED, tenantId, actor, aggregateId: survivorId, payload: { mergeId, survivorId, mergedIds } }),
        );
        return { mergeId, survivor: updated, undoableUntil };
      });
      onCommit();
      return result;
    },

    async undo(tenantId, actor, mergeId) {
      if (!isUuid(mergeId)) throw notFound('Merge', mergeId);
      const survivor = await withTenantTransaction(prisma, tenantId, async (tx) => {
        const merge = await tx.accountMerge.findFirst({ where: { id: mergeId } });
        if (!merge) throw notFound('Merge', mergeId);
        if (merge.undoneAt) throw conflict('This merge has already been undone');
        if (merge.undoableUntil <= now()) throw conflict(`Merges can only be undone within ${ACCOUNT_MERGE_UNDO_DAYS} days`);
        const snapshot = merge.snapshot as unknown as Snapshot;
        if (!(await tx.account.findFirst({ where: { id: merge.survivorId }, select: { id: true } }))) throw conflict('The surviving account no longer exists');
        if (snapshot.addedContactIds.length) {
          await tx.accountContact.deleteMany({ where: { accountId: merge.survivorId, contactId: { in: snapshot.addedContactIds } } });
        }
        for (const child of snapshot.movedChildren) {
          await tx.account.updateMany({ where: { id: child.id, parentId: merge.survivorId }, data: { parentId: child.parentId } });
        }
        await tx.account.updateMany({ where: { id: { in: merge.mergedIds } }, data: { deletedAt: null } });
        const restored = await tx.account.update({ where: { id: merge.survivorId }, data: fromJson(snapshot.survivor) as never });
        await tx.accountMerge.update({ where: { id: mergeId }, data: { undoneAt: now() } });
        await appendOutbox(
          tx,
          createEvent<AccountMergedPayload>({
            type: ACCOUNT_MERGE_UNDONE,
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
