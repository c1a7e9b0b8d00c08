/**
 * Batch deal writes: create, update or upsert up to 100 deals, each on its own (atomic per item),
 * with the caller's permissions checked per item (a refused item is FORBIDDEN, the others proceed).
 * The accounts and owners the items name are checked in one request for the whole batch; an item
 * naming one that is not the tenant's is BAD_USER_INPUT (`inputs.<i>.accountId`), the others proceed.
 */
import { badInput, MAX_BATCH_ITEMS } from '@crm/runtime';
import { referenceKey, refusedReference, type Reference } from '../../../references.ts';
import type { DealModel } from '../../../__generated__/prisma/models.ts';
import type { Actor, TenantDb } from '../../../context.ts';
import { isId } from '../../common/lib/input.ts';
import { runBatch, type BatchResult } from '@crm/runtime';
import type { CreateDealInput, DealService, UpdateDealInput } from './deals.ts';

/** The caller's permissions, as the batch needs them (see context.ts). */
export interface DealBatchAccess {
  /** FORBIDDEN unless the caller may update the deal (and hand it to `ownerId` when given). */
  authorizeUpdate(dealId: string, ownerId: string | null | undefined): Promise<void>;
  /** The owner a new deal gets (FORBIDDEN for an owner outside the caller's scope). */
  ownerOfNew(requested: string | null | undefined): string | null;
  /** The `referenceKey`s of the referenced records that are not the tenant's: one check for all of them. */
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
  const refused = referencesOf(fields).find((reference) => reference.id && missing.has(referenceKey(reference.type, reference.id)));
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
  /** The caller's tenant-scoped client, to check an upsert's stage and pipeline before writing. */
  db: TenantDb;
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
      await deps.access.authorizeUpdate(item.id, item.input.ownerId);
      refuseForeign(missing, item.input);
      return { outcome: 'UPDATED', record: await deps.deals.update(deps.tenantId, deps.actor, item.id, item.input, { version: item.expectedVersion }) };
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
  await deps.access.authorizeUpdate(id, fields.ownerId);
  refuseForeign(missing, fields);
  const move = await checkUpsertMove(deps.db, id, pipelineId, stageId);
  const changes = Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as UpdateDealInput;
  let record: DealModel | null = null;
  let version = expectedVersion;
  if (Object.keys(changes).length > 0 || !move) {
    record = await deps.deals.update(deps.tenantId, deps.actor, id, changes, { version });
    version = record.version;
  }
  if (move) record = await deps.deals.move(deps.tenantId, deps.actor, id, stageId!, { version });
  return { outcome: 'UPDATED', record: record! };
}

/**
 * Checks an upsert's `pipelineId` and `stageId` against the deal before anything is written, so
 * an item that would fail to move changes nothing. True when the deal is to move to another stage.
 */
async function checkUpsertMove(db: TenantDb, id: string, pipelineId: string | null | undefined, stageId: string | null | undefined): Promise<boolean> {
  if (pipelineId == null && stageId == null) return false;
  if (pipelineId != null && !isId(pipelineId)) throw badInput('pipelineId must be an id (uuid)', 'pipelineId');
  if (stageId != null && !isId(stageId)) throw badInput('stageId must be an id (uuid)', 'stageId');
  if (!isId(id)) return false; // the update reports it
  const deal = await db.deal.findFirst({ where: { id, deletedAt: null }, select: { pipelineId: true, stageId: true, status: true } });
  if (!deal) return false; // the update reports NOT_FOUND
  if (pipelineId != null && pipelineId !== deal.pipelineId) throw badInput('pipelineId cannot change: a deal stays in its pipeline', 'pipelineId');
  if (stageId == null || stageId === deal.stageId) return false;
  const stage = await db.stage.findFirst({ where: { id: stageId }, select: { pipelineId: true, kind: true, archivedAt: true } });
  if (!stage || stage.pipelineId !== deal.pipelineId || stage.archivedAt) throw badInput('stageId is not an active stage of the deal\'s pipeline', 'stageId');
  if (stage.kind !== 'OPEN') throw badInput('stageId is a won or lost stage: use markDealWon / markDealLost', 'stageId');
  if (deal.status !== 'OPEN') throw badInput('stageId: a won or lost deal is moved with reopenDeal', 'stageId');
  return true;
}
