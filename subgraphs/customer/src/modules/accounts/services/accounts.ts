/**
 * Accounts: companies the tenant sells to. Creating one records `customer.account.created`
 * in the outbox within the same transaction.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { forTenant, withTenantTransaction } from '@crm/db';
import { appendOutbox, createEvent } from '@crm/events';
import { badInput, conflict, notFound, runBatch, type BatchResult } from '@crm/runtime';
import type { PrismaClient } from '../../../__generated__/prisma/client.ts';
import type { AccountModel } from '../../../__generated__/prisma/models.ts';
import type { Actor, TenantDb } from '../../../context.ts';
import { revenueInput } from '../../../lib/contact-details.ts';
import { createAccountMergeService, type AccountMergeService } from './merge.ts';
import { accountSpec } from '../../../lib/entities.ts';
import type { Page, Where } from '@crm/db/list-query';
import { changeTrash, groupCounts, listPage, rowsInOrder, type GroupArgs, type GroupCount, type ListArgs, type OwnershipGuard, type TrashAction } from '../../../lib/records.ts';
import type { CustomFieldInput } from '../../../lib/custom-fields.ts';
import { customFieldValues } from '../../custom-fields/services/values.ts';
import { optionalDomain, optionalText, optionalUuid, parseInput, parsePatch, requiredName } from '../../../lib/validation.ts';

export interface NewAccount {
  name: string;
  domain?: string | null;
  industry?: string | null;
  employees?: number | null;
  /** Annual revenue; null clears it. */
  annualRevenue?: RevenueInput | null;
  /** Parent company (an account of the same tenant). */
  parentId?: string | null;
  ownerId?: string | null;
  /** Custom field values: on create required ones must be given; on update others stay as they are. */
  customFields?: readonly CustomFieldInput[] | null;
}

export interface RevenueInput {
  /** Minor units as a decimal string (cents for USD). */
  amountMinor: string;
  currency: string;
}

/** Deepest account hierarchy accepted. */
export const MAX_HIERARCHY_DEPTH = 20;

export const ACCOUNT_CREATED = 'customer.account.created';
export const ACCOUNT_UPDATED = 'customer.account.updated';

/** One item of `upsertAccounts`: matched by `id`, else by `domain`; omitted fields stay as they are. */
export interface AccountUpsert {
  id?: string | null;
  domain?: string | null;
  name?: string | null;
  industry?: string | null;
  employees?: number | null;
  annualRevenue?: RevenueInput | null;
  parentId?: string | null;
  ownerId?: string | null;
  /** Custom field values: on create required ones must be given; on update others stay as they are. */
  customFields?: readonly CustomFieldInput[] | null;
}

/** Payload of `customer.account.updated` (version 1): the new values of the changed fields. */
export interface AccountUpdatedPayload extends Record<string, unknown> {
  changes: Record<string, unknown>;
}

/** Payload of `customer.account.created` (version 1). */
export interface AccountCreatedPayload extends Record<string, unknown> {
  name: string;
  domain: string | null;
  industry: string | null;
  ownerId: string | null;
}

/** Most accounts one `createMany` call may write. */
export const MAX_BATCH = 1000;

const employees = z
  .number()
  .int('employees must be a whole number')
  .min(0, 'employees must not be negative')
  .max(10_000_000, 'employees must be at most 10,000,000')
  .nullish()
  .transform((value) => value ?? null);

/** Rules for the fields an upsert may set (each checked only when given; CSV imports use them too). */
export const accountPatch = {
  name: requiredName('name'),
  domain: optionalDomain,
  industry: optionalText(100, 'industry'),
  employees,
  annualRevenue: revenueInput,
  parentId: optionalUuid('parentId'),
  ownerId: optionalUuid('ownerId'),
};

const accountInput = z.object(accountPatch);

type Tx = Parameters<Parameters<typeof withTenantTransaction<PrismaClient, unknown>>[2]>[0];

/** Flattens `annualRevenue` into its two columns. */
function columnsOf<T extends { annualRevenue?: { revenueMinor: bigint | null; revenueCurrency: string | null } }>(input: T) {
  const { annualRevenue, ...rest } = input;
  return { ...rest, ...(annualRevenue ?? {}) };
}

/** JSON-safe copy of changed values for events (revenue in minor units as a string). */
function eventValues(values: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(values).map(([key, value]) => [key, typeof value === 'bigint' ? value.toString() : value]));
}

/**
 * BAD_USER_INPUT (field `parentId`) unless `parentId` is a live account of the tenant whose chain of
 * parents does not reach `accountId` (no cycles) and is at most {@link MAX_HIERARCHY_DEPTH} deep.
 */
export async function checkParent(tx: Tx, parentId: string, accountId: string | null, field: string): Promise<void> {
  let current: string | null = parentId;
  for (let depth = 0; current; depth++) {
    if (current === accountId) throw badInput(`${field}: an account cannot be its own ancestor`, field);
    if (depth >= MAX_HIERARCHY_DEPTH) throw badInput(`${field}: hierarchies are at most ${MAX_HIERARCHY_DEPTH} levels deep`, field);
    const row: { parentId: string | null; deletedAt: Date | null } | null = await tx.account.findFirst({ where: { id: current }, select: { parentId: true, deletedAt: true } });
    if (!row || (depth === 0 && row.deletedAt)) throw badInput(`${field}: no such account: ${parentId}`, field);
    current = row.parentId;
  }
}

export interface AccountsService {
  /** Validates and creates one account; BAD_USER_INPUT names the invalid field. */
  create(tenantId: string, actor: Actor, input: NewAccount): Promise<AccountModel>;
  /** Creates up to 1,000 accounts in one transaction (all or nothing), in input order. */
  createMany(tenantId: string, actor: Actor, inputs: NewAccount[]): Promise<AccountModel[]>;
  /** The tenant's live accounts, newest first. */
  list(db: TenantDb, options: { first: number; scope?: Where }): Promise<AccountModel[]>;
  /** One Relay page: filtered, ordered, at most 100 rows. */
  page(db: TenantDb, args: ListArgs): Promise<Page<AccountModel>>;
  /** Counts per industry or owner. */
  groups(db: TenantDb, args: GroupArgs): Promise<GroupCount[]>;
  /**
   * Creates or updates up to 100 accounts, each in its own transaction; failures are reported per
   * item (BAD_USER_INPUT, NOT_FOUND, or CONFLICT when a domain matches several live accounts).
   */
  upsertMany(tenantId: string, actor: Actor, inputs: AccountUpsert[], guard?: OwnershipGuard): Promise<BatchResult<AccountModel>[]>;
  /** Moves to or out of the trash, or purges; returns the rows (none when purged). */
  trash(tenantId: string, actor: Actor, action: TrashAction, ids: readonly string[]): Promise<AccountModel[]>;
  /** Merges duplicate accounts into a survivor (see merge.ts). */
  merge: AccountMergeService['merge'];
  /** Undoes an account merge within 30 days. */
  undoMerge: AccountMergeService['undo'];
}

export interface AccountsServiceDeps {
  prisma: PrismaClient;
  /** Called after each committed write (publishes the outbox at once). */
  onCommit: () => void;
}

export function createAccountsService({ prisma, onCommit }: AccountsServiceDeps): AccountsService {
  async function createMany(tenantId: string, actor: Actor, inputs: NewAccount[]): Promise<AccountModel[]> {
    if (inputs.length > MAX_BATCH) throw badInput(`At most ${MAX_BATCH} accounts per batch`, 'inputs');
    if (inputs.length === 0) return [];
    const rows = inputs.map((input, index) => {
      const data = parseInput(accountInput, input, inputs.length === 1 ? [] : ['inputs', index]);
      return { id: randomUUID(), tenantId, ...columnsOf(data) };
    });
    const created = await withTenantTransaction(prisma, tenantId, async (tx) => {
      const data = [];
      for (const [index, row] of rows.entries()) {
        if (row.parentId) await checkParent(tx, row.parentId, null, inputs.length === 1 ? 'parentId' : `inputs.${index}.parentId`);
        const prefix = inputs.length === 1 ? '' : `inputs.${index}.`;
        data.push({ ...row, customFields: await customFieldValues(tx, 'account', inputs[index]!.customFields, { creating: true, prefix }) });
      }
      const accounts = await tx.account.createManyAndReturn({ data });
      await appendOutbox(
        tx,
        accounts.map((account) =>
          createEvent<AccountCreatedPayload>({
            type: ACCOUNT_CREATED,
            tenantId,
            actor,
            aggregateId: account.id,
            payload: { name: account.name, domain: account.domain, industry: account.industry, ownerId: account.ownerId },
          }),
        ),
      );
      return accounts;
    });
    onCommit();
    const byId = new Map(created.map((account) => [account.id, account]));
    return rows.map((row) => byId.get(row.id)!);
  }

  const merges = createAccountMergeService({ prisma, onCommit });
  return {
    merge: (tenantId, actor, input) => merges.merge(tenantId, actor, input),
    undoMerge: (tenantId, actor, mergeId) => merges.undo(tenantId, actor, mergeId),
    async create(tenantId, actor, input) {
      const [account] = await createMany(tenantId, actor, [input]);
      return account!;
    },
    createMany,
    list(db, { first, scope }) {
      return db.account.findMany({ where: { AND: [scope ?? {}, { deletedAt: null }] }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], take: first });
    },
    page: (db, args) => listPage<AccountModel>(db, 'account', accountSpec, args),
    groups: (db, args) => groupCounts(db, 'account', accountSpec, args),
    async upsertMany(tenantId, actor, inputs, guard) {
      const results = await runBatch(inputs, async (input, index) => {
        const path = ['inputs', index];
        const at = (field: string) => `${path.join('.')}.${field}`;
        const id = parseInput(optionalUuid('id'), input.id, [...path, 'id']);
        const patch = parsePatch(accountPatch, input as Record<string, unknown>, path);
        return withTenantTransaction(prisma, tenantId, async (tx) => {
          let existing: AccountModel | null = null;
          if (id) {
            existing = await tx.account.findFirst({ where: { id } });
            if (!existing) throw notFound('Account', id);
          } else if (patch.domain) {
            const matches = await tx.account.findMany({ where: { domain: patch.domain, deletedAt: null }, take: 2 });
            if (matches.length > 1) throw conflict(`${at('domain')}: several accounts have the domain ${patch.domain}; pass id`, { field: at('domain') });
            existing = matches[0] ?? null;
          }
          if (patch.parentId) await checkParent(tx, patch.parentId, existing?.id ?? null, at('parentId'));
          const customFields = await customFieldValues(tx, 'account', input.customFields, {
            creating: !existing,
            current: existing?.customFields,
            prefix: `${path.join('.')}.`,
          });
          guard?.ownerExists(patch.ownerId, at('ownerId'));
          if (existing) {
            guard?.change(existing, patch.ownerId);
            if (existing.deletedAt) throw conflict(`Account ${existing.id} is in the trash; restore it first`, { field: at('id') });
            const changes = { ...columnsOf(patch), ...(customFields ? { customFields } : {}) };
            const updated = await tx.account.update({ where: { id: existing.id }, data: changes });
            await appendOutbox(
              tx,
              createEvent<AccountUpdatedPayload>({ type: ACCOUNT_UPDATED, tenantId, actor, aggregateId: existing.id, payload: { changes: eventValues(changes) } }),
            );
            return { outcome: 'UPDATED' as const, record: updated };
          }
          if (!patch.name) throw badInput(`${at('name')}: name is required to create an account`, at('name'));
          const owner = guard ? { ownerId: guard.create(patch.ownerId) } : {};
          const created = await tx.account.create({ data: { id: randomUUID(), tenantId, ...columnsOf(patch), ...owner, name: patch.name, customFields } });
          await appendOutbox(
            tx,
            createEvent<AccountCreatedPayload>({
              type: ACCOUNT_CREATED,
              tenantId,
              actor,
              aggregateId: created.id,
              payload: { name: created.name, domain: created.domain, industry: created.industry, ownerId: created.ownerId },
            }),
          );
          return { outcome: 'CREATED' as const, record: created };
        });
      });
      onCommit();
      return results;
    },
    async trash(tenantId, actor, action, ids) {
      const changed = await changeTrash({ prisma, onCommit }, tenantId, actor, 'account', action, ids);
      return action === 'purged' ? [] : rowsInOrder<AccountModel>(forTenant(prisma, tenantId), 'account', changed);
    },
  };
}
