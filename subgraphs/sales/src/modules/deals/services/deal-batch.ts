/**
 * Batch deal writes: create, update or upsert up to 100 deals, each on its own (atomic per item),
 * with the caller's permissions checked per item (a refused item is FORBIDDEN, the others proceed).
 * The accounts and owners the items name are checked in one request for the whole batch; an item
 * naming one that is not the tenant's is BAD_USER_INPUT (`inputs.<i>.accountId`), the others proceed.
 */
import { badInput, MAX_BATCH_ITEMS, recordKey } from '@crm/runtime';
import { refusedReference, type Reference } from '../../../references.ts';
import type { DealModel } from '../../../__generated__/prisma/models.ts';
import type { Actor } from '../../../context.ts';
import { runBatch, type BatchResult } from '@crm/runtime';
import type { DealGuard } from './deal-changes.ts';
import type { CreateDealInput, DealService, UpdateDealInput } from './deals.ts';

/** The caller's permissions, as the batch needs them (see context.ts). */
export interface DealBatchAccess {
  /**
   * The check of the caller's right to update a deal, decided by the write on the deal as read
   * under its lock (see `lockDealForChange`). Handing it to `ownerId`, when given, is checked at once (FORBIDDEN).
   */
  updateGuard(ownerId: string | null | undefined): DealGuard;
  /** The owner a new deal gets (FORBIDDEN for an owner outside the caller's scope). */
  ownerOfNew(requested: string | null | undefined): string | null;
  /** The `recordKey`s of the referenced records that are not the tenant's: one check for all of them. */
  missingReferences(references: readonly Pick<Reference, 'type' | 'id'>[]): Promise<Set<string>>;
}

/** The accounts and owners an item sets (null clears, undefined leaves as is: neither is checked). */
const referencesOf = (fields: { accountId?: string | null; ownerId?: string | null }): Reference[] => [
  { type: 'ACCOUNT', id: fields.accountId, field: 'accountId' },
  { type: 'USER', id: fields.ownerId, field: 'ownerId' },
];

/** Checks every item's references at once (nothing asked for a batch that sets none, or one over the item limit). */
async function missingOf(deps: DealBatchDeps, items: readonly { accountId?: string | null; ownerId?: string | null }[]): Promise<Set<string>> {
  if (items.length > MAX_BATCH_ITEMS) return new Set();
  return deps.access.missingReferences(items.flatMap(referencesOf));
}

/** BAD_USER_INPUT (reported per item) when the item names a record that is not the tenant's. */
function refuseForeign(missing: Set<string>, fields: { accountId?: string | null; ownerId?: string | null }): void {
  const refused = referencesOf(fields).find((reference) => reference.id && missing.has(recordKey(reference.type, reference.id)));
  if (refused) throw refusedReference(refused);
}

export interface UpsertDealItem {
  id?: string | null;
  expectedVersion?: number | null;
  pipelineId?: string | null;
  stageId?: string | null;
  name?: string | null;
  amount?: string | null;
  currency?: string | null;
  ownerId?: string | null;
  accountId?: string | null;
  expectedCloseDate?: string | null;
}

export interface UpdateDealsItem {
  id: string;
  input: UpdateDealInput & { ownerId?: string | null };
  expectedVersion?: number | null;
}

export interface DealBatchDeps {
  deals: DealService;
  tenantId: string;
  actor: Actor;
  access: DealBatchAccess;
  onInternal?: (error: unknown) => void;
}

const field = (path: string) => (index: number, name: string | null) => (name ? `inputs.${index}.${path}${name}` : `inputs.${index}`);

export async function createDeals(deps: DealBatchDeps, inputs: readonly CreateDealInput[]): Promise<BatchResult<DealModel>[]> {
  const missing = await missingOf(deps, inputs);
  return runBatch(
    inputs,
    async (input) => {
      const ownerId = deps.access.ownerOfNew(input.ownerId);
      refuseForeign(missing, input);
      return { outcome: 'CREATED', record: await deps.deals.create(deps.tenantId, deps.actor, { ...input, ownerId }) };
    },
    { fieldOf: field(''), onInternal: deps.onInternal },
  );
}

export async function updateDeals(deps: DealBatchDeps, items: readonly UpdateDealsItem[]): Promise<BatchResult<DealModel>[]> {
  const missing = await missingOf(deps, items.map((item) => item.input));
  return runBatch(
    items,
    async (item) => {
      const guard = deps.access.updateGuard(item.input.ownerId);
      refuseForeign(missing, item.input);
      return { outcome: 'UPDATED', record: await deps.deals.update(deps.tenantId, deps.actor, item.id, item.input, { version: item.expectedVersion }, guard) };
    },
    { fieldOf: (index, name) => (name === 'expectedVersion' || name === 'id' ? `inputs.${index}.${name}` : field('input.')(index, name)), onInternal: deps.onInternal },
  );
}

export async function upsertDeals(deps: DealBatchDeps, items: readonly UpsertDealItem[]): Promise<BatchResult<DealModel>[]> {
  const missing = await missingOf(deps, items);
  return runBatch(items, (item) => upsertOne(deps, item, missing), { fieldOf: field(''), onInternal: deps.onInternal });
}

async function upsertOne(deps: DealBatchDeps, item: UpsertDealItem, missing: Set<string>): Promise<{ outcome: 'CREATED' | 'UPDATED'; record: DealModel }> {
  const { id, expectedVersion, pipelineId, stageId, ...fields } = item;
  if (!id) {
    if (expectedVersion != null) throw badInput('expectedVersion is only allowed with id', 'expectedVersion');
    for (const name of ['pipelineId', 'name', 'amount', 'currency'] as const) {
      if (item[name] == null) throw badInput(`${name} is required to create a deal`, name);
    }
    const ownerId = deps.access.ownerOfNew(fields.ownerId);
    refuseForeign(missing, fields);
    const input: CreateDealInput = {
      pipelineId: pipelineId!,
      stageId,
      name: fields.name!,
      amount: fields.amount!,
      currency: fields.currency!,
      ownerId,
      accountId: fields.accountId,
      expectedCloseDate: fields.expectedCloseDate,
    };
    return { outcome: 'CREATED', record: await deps.deals.create(deps.tenantId, deps.actor, input) };
  }
  const guard = deps.access.updateGuard(fields.ownerId);
  refuseForeign(missing, fields);
  const changes = Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as UpdateDealInput;
  return { outcome: 'UPDATED', record: await deps.deals.updateAndMove(deps.tenantId, deps.actor, id, changes, { pipelineId, stageId }, { version: expectedVersion }, guard) };
}
