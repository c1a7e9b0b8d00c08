/**
 * Request-scoped DataLoaders: whatever number of deals, stages or pipelines a request resolves,
 * each type costs one SQL statement per tick. Every query runs through the tenant-scoped client
 * (and row-level security), and rows are re-checked against the caller's tenant, so an id of
 * another tenant resolves to null. A caller without a tenant sees nothing.
 */
import DataLoader from 'dataloader';
import type { PrismaClient } from './__generated__/prisma/client.ts';
import type {
  ActivityModel,
  DealCollaboratorModel,
  DealContactModel,
  DealLineItemModel,
  DealModel,
  DealStageChangeModel,
  PipelineModel,
  ProductModel,
  StageModel,
} from './__generated__/prisma/models.ts';
import { firstActivitiesByDeal } from './modules/activities/services/activities.ts';
import type { TenantDb } from './context.ts';
import { isId } from './modules/common/lib/input.ts';
import { firstDealsByParent, type DealParent } from './modules/deals/services/deal-queries.ts';

/** A parent's list of deals, limited to `first`. */
export interface DealPageKey {
  id: string;
  first: number;
}

export interface Loaders {
  /** Live deals only: a deleted deal resolves to null. */
  dealById: DataLoader<string, DealModel | null>;
  /**
   * `dealById` for a read that shows the deal's stage too: the deal and its stage are read in one
   * transaction, and the deal and stage loaders are primed.
   */
  dealWithStageById: DataLoader<string, DealModel | null>;
  /** The stages `dealWithStageById` read, by id. */
  dealStages: ReadonlyMap<string, StageModel>;
  stageById: DataLoader<string, StageModel | null>;
  pipelineById: DataLoader<string, PipelineModel | null>;
  /** Stages of a pipeline in board order. */
  stagesByPipelineId: DataLoader<string, StageModel[]>;
  dealsByPipelineId: DataLoader<DealPageKey, DealModel[]>;
  dealsByAccountId: DataLoader<DealPageKey, DealModel[]>;
  /** A deal's stage history, oldest first. */
  stageHistoryByDealId: DataLoader<string, DealStageChangeModel[]>;
  /** Live activities, by id. */
  activityById: DataLoader<string, ActivityModel | null>;
  /** A deal's first 100 live activities, oldest first. */
  activitiesByDealId: DataLoader<string, ActivityModel[]>;
  /** Products by id, archived ones included (deal lines keep naming them). */
  productById: DataLoader<string, ProductModel | null>;
  /** A deal's lines in order. */
  lineItemsByDealId: DataLoader<string, DealLineItemModel[]>;
  /** A deal's collaborators in the order they were added. */
  collaboratorsByDealId: DataLoader<string, DealCollaboratorModel[]>;
  /** A deal's contacts, primary first, then in the order they were added. */
  contactsByDealId: DataLoader<string, DealContactModel[]>;
}

export interface LoaderDeps {
  tenantId: string | null;
  db: TenantDb | null;
  prisma: PrismaClient;
}

type Row = { id: string; tenantId: string };

/** Loads rows by id with one `findMany`, answering in key order with null for missing or foreign rows. */
function byId<T extends Row>(tenantId: string | null, find: ((ids: string[]) => Promise<T[]>) | null) {
  return new DataLoader<string, T | null>(async (keys) => {
    const ids = [...new Set(keys.filter(isId))];
    if (tenantId === null || find === null || ids.length === 0) return keys.map(() => null);
    const rows = await find(ids);
    const found = new Map(rows.filter((row) => row.tenantId === tenantId).map((row) => [row.id, row]));
    return keys.map((key) => found.get(key) ?? null);
  });
}

/** Rows of many deals with one `findMany`, grouped by deal in the order the query returned them. */
function byDeal<T extends { dealId: string; tenantId: string }>(tenantId: string | null, find: ((ids: string[]) => Promise<T[]>) | null) {
  return new DataLoader<string, T[]>(async (keys) => {
    const ids = [...new Set(keys.filter(isId))];
    if (tenantId === null || find === null || ids.length === 0) return keys.map(() => []);
    const grouped = new Map<string, T[]>();
    for (const row of await find(ids)) {
      if (row.tenantId !== tenantId) continue;
      const list = grouped.get(row.dealId);
      if (list) list.push(row);
      else grouped.set(row.dealId, [row]);
    }
    return keys.map((key) => grouped.get(key) ?? []);
  });
}

function dealPages(deps: LoaderDeps, parent: DealParent) {
  return new DataLoader<DealPageKey, DealModel[], string>(
    async (keys) => {
      const { tenantId } = deps;
      if (tenantId === null) return keys.map(() => []);
      // Normally every key asks for the same page size: one statement. Otherwise one per size.
      const sizes = [...new Set(keys.map((key) => key.first))];
      const pages = new Map<number, Map<string, DealModel[]>>();
      await Promise.all(
        sizes.map(async (first) => {
          const ids = [...new Set(keys.filter((key) => key.first === first && isId(key.id)).map((key) => key.id))];
          pages.set(first, await firstDealsByParent(deps.prisma, tenantId, parent, ids, first));
        }),
      );
      return keys.map((key) => pages.get(key.first)?.get(key.id) ?? []);
    },
    { cacheKeyFn: (key) => `${key.first}:${key.id}` },
  );
}

export function createLoaders(deps: LoaderDeps): Loaders {
  const { tenantId, db } = deps;
  /** Stages read together with their deals (`dealWithStageById`): `stageOfDeal` needs no query for them. */
  const dealStages = new Map<string, StageModel>();
  const loaders: Loaders = {
    dealStages,
    dealById: byId(tenantId, db && ((ids) => db.deal.findMany({ where: { id: { in: ids }, deletedAt: null } }))),
    dealWithStageById: byId(
      tenantId,
      db &&
        (async (ids) =>
          (await db.deal.findMany({ where: { id: { in: ids }, deletedAt: null }, include: { stage: true } })).map(({ stage, ...deal }) => {
            if (stage.tenantId === tenantId) {
              dealStages.set(stage.id, stage);
              loaders.stageById.prime(stage.id, stage);
            }
            loaders.dealById.prime(deal.id, deal);
            return deal;
          })),
    ),
    stageById: byId(tenantId, db && ((ids) => db.stage.findMany({ where: { id: { in: ids } } }))),
    pipelineById: byId(tenantId, db && ((ids) => db.pipeline.findMany({ where: { id: { in: ids } } }))),
    stagesByPipelineId: new DataLoader<string, StageModel[]>(async (keys) => {
      const ids = [...new Set(keys.filter(isId))];
      if (tenantId === null || db === null || ids.length === 0) return keys.map(() => []);
      const stages = await db.stage.findMany({ where: { pipelineId: { in: ids } }, orderBy: [{ pipelineId: 'asc' }, { position: 'asc' }] });
      const grouped = new Map<string, StageModel[]>();
      for (const stage of stages) {
        if (stage.tenantId !== tenantId) continue;
        loaders.stageById.prime(stage.id, stage);
        const list = grouped.get(stage.pipelineId);
        if (list) list.push(stage);
        else grouped.set(stage.pipelineId, [stage]);
      }
      return keys.map((key) => grouped.get(key) ?? []);
    }),
    dealsByPipelineId: dealPages(deps, 'pipelineId'),
    dealsByAccountId: dealPages(deps, 'accountId'),
    stageHistoryByDealId: new DataLoader<string, DealStageChangeModel[]>(async (keys) => {
      const ids = [...new Set(keys.filter(isId))];
      if (tenantId === null || db === null || ids.length === 0) return keys.map(() => []);
      const rows = await db.dealStageChange.findMany({ where: { dealId: { in: ids } }, orderBy: [{ changedAt: 'asc' }, { id: 'asc' }] });
      const grouped = new Map<string, DealStageChangeModel[]>();
      for (const row of rows) {
        if (row.tenantId !== tenantId) continue;
        const list = grouped.get(row.dealId);
        if (list) list.push(row);
        else grouped.set(row.dealId, [row]);
      }
      return keys.map((key) => grouped.get(key) ?? []);
    }),
    activityById: byId(tenantId, db && ((ids) => db.activity.findMany({ where: { id: { in: ids }, deletedAt: null } }))),
    activitiesByDealId: new DataLoader<string, ActivityModel[]>(async (keys) => {
      const ids = [...new Set(keys.filter(isId))];
      if (tenantId === null || ids.length === 0) return keys.map(() => []);
      const grouped = await firstActivitiesByDeal(deps.prisma, tenantId, ids);
      return keys.map((key) => grouped.get(key) ?? []);
    }),
    productById: byId(tenantId, db && ((ids) => db.product.findMany({ where: { id: { in: ids } } }))),
    lineItemsByDealId: byDeal(tenantId, db && ((ids) => db.dealLineItem.findMany({ where: { dealId: { in: ids } }, orderBy: [{ dealId: 'asc' }, { position: 'asc' }] }))),
    collaboratorsByDealId: byDeal(
      tenantId,
      db && ((ids) => db.dealCollaborator.findMany({ where: { dealId: { in: ids } }, orderBy: [{ addedAt: 'asc' }, { userId: 'asc' }] })),
    ),
    contactsByDealId: byDeal(
      tenantId,
      db && ((ids) => db.dealContact.findMany({ where: { dealId: { in: ids } }, orderBy: [{ isPrimary: 'desc' }, { addedAt: 'asc' }, { contactId: 'asc' }] })),
    ),
  };
  return loaders;
}

/** Remembers rows a list already fetched, so resolving them again by id costs nothing. */
export function primeDeals(loaders: Loaders, deals: readonly DealModel[]): void {
  for (const deal of deals) loaders.dealById.prime(deal.id, deal);
}

export function primePipelines(loaders: Loaders, pipelines: readonly PipelineModel[]): void {
  for (const pipeline of pipelines) loaders.pipelineById.prime(pipeline.id, pipeline);
}

/**
 * The stage a deal stands in: read with the deal by `dealWithStageById`, else loaded with all
 * stages of its pipeline (a handful), so a board's deals and the board's columns share one statement.
 */
export async function stageOfDeal(loaders: Loaders, deal: Pick<DealModel, 'pipelineId' | 'stageId'>): Promise<StageModel> {
  return loaders.dealStages.get(deal.stageId) ?? stageInPipeline(loaders, deal.pipelineId, deal.stageId);
}

/**
 * A stage of a pipeline, through the pipeline's stages: a board's deals and their stage history
 * share one stage query per pipeline, whichever of them resolves first.
 */
export async function stageInPipeline(loaders: Loaders, pipelineId: string, stageId: string): Promise<StageModel> {
  const stages = await loaders.stagesByPipelineId.load(pipelineId);
  const stage = stages.find((candidate) => candidate.id === stageId);
  if (!stage) throw new Error(`Stage ${stageId} is referenced but missing`);
  return stage;
}
