/**
 * Pipelines: a tenant's sales processes with their ordered stages — creating them, adding,
 * renaming, reordering and archiving stages.
 *
 * Stage changes take the pipeline lock (as every deal write does), so a board never shows a
 * half-applied reorder, and archiving a stage moves its deals in the same transaction, each move
 * recorded in the deal's history, on the board journal and as a `sales.deal.stage_changed` event.
 * Active stages always hold positions 0..n-1; archived ones keep a negative position.
 */
import { randomUUID } from 'node:crypto';
import { createEvent, type EventEnvelope } from '@crm/events';
import { badInput, notFound } from '@crm/runtime';
import { z } from 'zod';
import type { PrismaClient } from '../../../__generated__/prisma/client.ts';
import type { PipelineModel, StageModel } from '../../../__generated__/prisma/models.ts';
import type { Actor, TenantDb } from '../../../context.ts';
import { id, isId, parseInput, text } from '../../common/lib/input.ts';
import { commitDealChange, writeWithEvents, type Tx } from '../../deals/services/deal-changes.ts';
import { dealStageChanged } from '../../deals/lib/deal-events.ts';
import { lockPipeline } from './board-sequence.ts';

export const MAX_STAGES = 50;
/** Pipelines listed at most (a tenant has a handful). */
export const MAX_PIPELINES = 100;
/** Longest rotting period a stage may have (ten years). */
export const MAX_ROTTING_DAYS = 3650;

export type StageKind = StageModel['kind'];

export interface StageInput {
  name: string;
  /** Win probability in percent, 0..100. */
  probability: number;
  /** OPEN when omitted. */
  kind?: StageKind | null;
  /** Days before a deal standing here is flagged stale; null = never. */
  rottingDays?: number | null;
}

export interface CreatePipelineInput {
  name: string;
  /** Stages in board order; at least one, at least one OPEN, at most one WON and one LOST. */
  stages: StageInput[];
}

/** Omitted (undefined) fields stay as they are; `rottingDays: null` removes the rotting period. */
export interface UpdateStageInput {
  name?: string | null;
  probability?: number | null;
  rottingDays?: number | null;
}

export interface AddStageInput extends StageInput {
  pipelineId: string;
  /** Zero-based position among the active stages; at the end when omitted. */
  position?: number | null;
}

/** A stage as pipeline events describe it. */
export interface StageSnapshot {
  stageId: string;
  name: string;
  position: number;
  probability: number;
  kind: StageKind;
  rottingDays: number | null;
}

/** Payload of `sales.pipeline.created`. */
export interface PipelineCreatedPayload extends Record<string, unknown> {
  pipelineId: string;
  name: string;
  stages: StageSnapshot[];
}

/** What happened to a pipeline's stages. */
export type StagesChange = {
  pipelineId: string;
  change: 'added' | 'renamed' | 'updated' | 'reordered' | 'archived';
  stageId: string | null;
  /** For `archived`: where its deals went. */
  movedDealsTo?: string;
};

/** Payload of `sales.pipeline.stages_changed`: what happened and the active stages after it, in board order. */
export type PipelineStagesChangedPayload = StagesChange & { stages: StageSnapshot[] };

const probability = () =>
  z
    .number({ error: 'must be a number' })
    .int({ error: 'must be a whole number' })
    .min(0, { error: 'must be between 0 and 100' })
    .max(100, { error: 'must be between 0 and 100' });

const stageFields = {
  name: text(100),
  probability: probability(),
  kind: z.enum(['OPEN', 'WON', 'LOST'], { error: 'must be OPEN, WON or LOST' }).nullish(),
  rottingDays: z
    .number({ error: 'must be a number' })
    .int({ error: 'must be a whole number' })
    .min(1, { error: `must be between 1 and ${MAX_ROTTING_DAYS}` })
    .max(MAX_ROTTING_DAYS, { error: `must be between 1 and ${MAX_ROTTING_DAYS}` })
    .nullish(),
};

const createPipelineSchema = z.object({
  name: text(200),
  stages: z
    .array(z.object(stageFields))
    .min(1, { error: 'must contain at least one stage' })
    .max(MAX_STAGES, { error: `must contain at most ${MAX_STAGES} stages` }),
});

const updateStageSchema = z.object({
  name: stageFields.name.optional(),
  probability: probability().optional(),
  rottingDays: stageFields.rottingDays,
});

const addStageSchema = z.object({
  pipelineId: id(),
  ...stageFields,
  position: z.number({ error: 'must be a number' }).int({ error: 'must be a whole number' }).min(0, { error: 'must not be negative' }).nullish(),
});

/** Refuses a stage list without an open stage or with two stages of the same closing kind. */
function checkKinds(kinds: ReadonlyArray<StageKind>, field: string): void {
  if (!kinds.includes('OPEN')) throw badInput(`${field} must contain at least one OPEN stage`, field);
  for (const kind of ['WON', 'LOST'] as const) {
    if (kinds.filter((k) => k === kind).length > 1) throw badInput(`${field} may contain at most one ${kind} stage`, field);
  }
}

const snapshot = (s: StageModel): StageSnapshot => ({
  stageId: s.id,
  name: s.name,
  position: s.position,
  probability: s.probability,
  kind: s.kind,
  rottingDays: s.rottingDays,
});

/** Positions far above any real one, used while stages are renumbered (positions are unique per pipeline). */
const PARKED = 1_000_000;

export interface PipelineServiceDeps {
  prisma: PrismaClient;
  /** Called after a transaction that appended outbox events has committed. */
  eventsCommitted: () => void;
}

export interface PipelineService {
  /** Creates a pipeline and its stages (positions 0..n-1 in the given order); emits `sales.pipeline.created`. */
  create(tenantId: string, actor: Actor, input: CreatePipelineInput): Promise<PipelineModel & { stages: StageModel[] }>;
  /** The tenant's pipelines, oldest first. */
  list(db: TenantDb): Promise<PipelineModel[]>;
  /** Adds a stage; unknown pipeline → NOT_FOUND, a second WON/LOST stage or a bad position → BAD_USER_INPUT. */
  addStage(tenantId: string, actor: Actor, input: AddStageInput): Promise<StageModel>;
  renameStage(tenantId: string, actor: Actor, stageId: string, name: string): Promise<StageModel>;
  /** Changes name, probability or rotting period; unknown stage → NOT_FOUND; no change → no event. */
  updateStage(tenantId: string, actor: Actor, stageId: string, input: UpdateStageInput): Promise<StageModel>;
  /** Puts the active stages in the given order; `stageIds` must list each exactly once. */
  reorderStages(tenantId: string, actor: Actor, pipelineId: string, stageIds: readonly string[]): Promise<PipelineModel>;
  /** Archives a stage after moving its deals to `moveDealsTo` (active, same pipeline, same kind). */
  archiveStage(tenantId: string, actor: Actor, stageId: string, moveDealsTo: string): Promise<StageModel>;
}

export function createPipelineService(deps: PipelineServiceDeps): PipelineService {
  const write = <T>(tenantId: string, fn: (tx: Tx, events: EventEnvelope[]) => Promise<T>) =>
    writeWithEvents(deps.prisma, tenantId, deps.eventsCommitted, fn);

  const activeStages = (tx: Tx, tenantId: string, pipelineId: string) =>
    tx.stage.findMany({ where: { tenantId, pipelineId, archivedAt: null }, orderBy: { position: 'asc' } });

  /** Gives the stages positions 0..n-1 in the order of `ids`. */
  async function place(tx: Tx, tenantId: string, pipelineId: string, ids: readonly string[]): Promise<void> {
    await tx.$executeRaw`
      UPDATE "Stage" SET "position" = "position" + ${PARKED}
      WHERE "tenantId" = ${tenantId}::uuid AND "pipelineId" = ${pipelineId}::uuid AND "archivedAt" IS NULL`;
    await tx.$executeRaw`
      UPDATE "Stage" AS s SET "position" = o.ord - 1
      FROM unnest(${[...ids]}::uuid[]) WITH ORDINALITY AS o(id, ord)
      WHERE s."id" = o.id AND s."tenantId" = ${tenantId}::uuid AND s."pipelineId" = ${pipelineId}::uuid`;
  }

  /** Locks the pipeline (NOT_FOUND when the tenant has none with that id). */
  async function lock(tx: Tx, tenantId: string, pipelineId: string): Promise<void> {
    if (!isId(pipelineId) || !(await lockPipeline(tx, tenantId, pipelineId))) throw notFound('Pipeline', pipelineId);
  }

  /** A stage of the tenant with its pipeline locked; NOT_FOUND otherwise. */
  async function lockedStage(tx: Tx, tenantId: string, stageId: string): Promise<StageModel> {
    const seen = isId(stageId) ? await tx.stage.findFirst({ where: { id: stageId, tenantId } }) : null;
    if (!seen) throw notFound('Stage', stageId);
    await lock(tx, tenantId, seen.pipelineId);
    return (await tx.stage.findFirst({ where: { id: stageId, tenantId } }))!;
  }

  async function stagesChanged(
    tx: Tx,
    tenantId: string,
    actor: Actor,
    events: EventEnvelope[],
    change: StagesChange,
  ): Promise<void> {
    const stages = await activeStages(tx, tenantId, change.pipelineId);
    events.push(
      createEvent<PipelineStagesChangedPayload>({
        type: 'sales.pipeline.stages_changed',
        tenantId,
        actor,
        aggregateId: change.pipelineId,
        payload: { ...change, stages: stages.map(snapshot) },
      }),
    );
  }

  return {
    async create(tenantId, actor, input) {
      const valid = parseInput(createPipelineSchema, input);
      checkKinds(valid.stages.map((stage) => stage.kind ?? 'OPEN'), 'stages');
      const pipelineId = randomUUID();
      return write(tenantId, async (tx, events) => {
        const created = await tx.pipeline.create({
          data: {
            id: pipelineId,
            tenantId,
            name: valid.name,
            stages: {
              create: valid.stages.map((stage, position) => ({
                tenantId,
                name: stage.name,
                probability: stage.probability,
                kind: stage.kind ?? 'OPEN',
                rottingDays: stage.rottingDays ?? null,
                position,
              })),
            },
          },
          include: { stages: { orderBy: { position: 'asc' } } },
        });
        events.push(
          createEvent<PipelineCreatedPayload>({
            type: 'sales.pipeline.created',
            tenantId,
            actor,
            aggregateId: created.id,
            payload: { pipelineId: created.id, name: created.name, stages: created.stages.map(snapshot) },
          }),
        );
        return created;
      });
    },

    list(db) {
      return db.pipeline.findMany({ orderBy: [{ createdAt: 'asc' }, { id: 'asc' }], take: MAX_PIPELINES });
    },

    async addStage(tenantId, actor, input) {
      const valid = parseInput(addStageSchema, input, 'input');
      const kind = valid.kind ?? 'OPEN';
      return write(tenantId, async (tx, events) => {
        await lock(tx, tenantId, valid.pipelineId);
        const stages = await activeStages(tx, tenantId, valid.pipelineId);
        if (stages.length >= MAX_STAGES) throw badInput(`input.pipelineId already has ${MAX_STAGES} stages, the most a pipeline may have`, 'input.pipelineId');
        if (kind !== 'OPEN' && stages.some((stage) => stage.kind === kind)) {
          throw badInput(`input.kind: the pipeline already has a ${kind} stage`, 'input.kind');
        }
        const position = valid.position ?? stages.length;
        if (position > stages.length) throw badInput(`input.position must be between 0 and ${stages.length}`, 'input.position');
        const stage = await tx.stage.create({
          data: {
            tenantId,
            pipelineId: valid.pipelineId,
            name: valid.name,
            probability: valid.probability,
            kind,
            rottingDays: valid.rottingDays ?? null,
            position: 2 * PARKED,
          },
        });
        const order = stages.map((s) => s.id);
        order.splice(position, 0, stage.id);
        await place(tx, tenantId, valid.pipelineId, order);
        await stagesChanged(tx, tenantId, actor, events, { pipelineId: valid.pipelineId, change: 'added', stageId: stage.id });
        return (await tx.stage.findFirst({ where: { id: stage.id, tenantId } }))!;
      });
    },

    async renameStage(tenantId, actor, stageId, name) {
      const newName = parseInput(text(100), name, 'name');
      return write(tenantId, async (tx, events) => {
        const stage = await lockedStage(tx, tenantId, stageId);
        if (stage.name === newName) return stage;
        const renamed = await tx.stage.update({ where: { id: stage.id, tenantId }, data: { name: newName } });
        await stagesChanged(tx, tenantId, actor, events, { pipelineId: stage.pipelineId, change: 'renamed', stageId: stage.id });
        return renamed;
      });
    },

    async updateStage(tenantId, actor, stageId, input) {
      const valid = parseInput(updateStageSchema, input, 'input');
      return write(tenantId, async (tx, events) => {
        const stage = await lockedStage(tx, tenantId, stageId);
        const next = {
          name: valid.name ?? stage.name,
          probability: valid.probability ?? stage.probability,
          rottingDays: valid.rottingDays === undefined ? stage.rottingDays : valid.rottingDays,
        };
        if (next.name === stage.name && next.probability === stage.probability && next.rottingDays === stage.rottingDays) return stage;
        const updated = await tx.stage.update({ where: { id: stage.id, tenantId }, data: next });
        await stagesChanged(tx, tenantId, actor, events, { pipelineId: stage.pipelineId, change: 'updated', stageId: stage.id });
        return updated;
      });
    },

    async reorderStages(tenantId, actor, pipelineId, stageIds) {
      const ids = parseInput(z.array(id()), stageIds, 'stageIds');
      return write(tenantId, async (tx, events) => {
        await lock(tx, tenantId, pipelineId);
        const stages = await activeStages(tx, tenantId, pipelineId);
        const active = new Set(stages.map((stage) => stage.id));
        if (ids.length !== active.size || new Set(ids).size !== ids.length || !ids.every((stageId) => active.has(stageId))) {
          throw badInput('stageIds must list every active stage of the pipeline exactly once', 'stageIds');
        }
        const pipeline = (await tx.pipeline.findFirst({ where: { id: pipelineId, tenantId } }))!;
        if (ids.every((stageId, index) => stages[index]!.id === stageId)) return pipeline;
        await place(tx, tenantId, pipelineId, ids);
        await stagesChanged(tx, tenantId, actor, events, { pipelineId, change: 'reordered', stageId: null });
        return pipeline;
      });
    },

    async archiveStage(tenantId, actor, stageId, moveDealsTo) {
      const targetId = parseInput(id(), moveDealsTo, 'moveDealsTo');
      return write(tenantId, async (tx, events) => {
        const stage = await lockedStage(tx, tenantId, stageId);
        if (stage.archivedAt !== null) throw badInput(`id: stage ${stage.id} is already archived`, 'id');
        const target = await tx.stage.findFirst({ where: { id: targetId, tenantId } });
        if (!target || target.pipelineId !== stage.pipelineId) throw badInput('moveDealsTo must be a stage of the same pipeline', 'moveDealsTo');
        if (target.id === stage.id) throw badInput('moveDealsTo must be another stage than the one archived', 'moveDealsTo');
        if (target.archivedAt !== null) throw badInput('moveDealsTo is an archived stage', 'moveDealsTo');
        if (target.kind !== stage.kind) throw badInput(`moveDealsTo must be a ${stage.kind} stage, like the stage archived`, 'moveDealsTo');

        // Each deal is moved like a moveDeal: its own sequence number, history row, board change and event.
        const deals = await tx.deal.findMany({ where: { tenantId, stageId: stage.id, deletedAt: null }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
        const now = new Date();
        for (const deal of deals) {
          await commitDealChange(tx, tenantId, actor, deal, {
            data: {},
            toStageId: target.id,
            board: 'DEAL_MOVED',
            event: (moved) => dealStageChanged(tenantId, actor, stage.id, moved),
          }, events, now);
        }

        const lowest = await tx.stage.findFirst({ where: { tenantId, pipelineId: stage.pipelineId }, orderBy: { position: 'asc' } });
        const archived = await tx.stage.update({
          where: { id: stage.id, tenantId },
          data: { archivedAt: now, position: Math.min(lowest!.position, 0) - 1 },
        });
        const remaining = (await activeStages(tx, tenantId, stage.pipelineId)).map((s) => s.id);
        await place(tx, tenantId, stage.pipelineId, remaining);
        await stagesChanged(tx, tenantId, actor, events, { pipelineId: stage.pipelineId, change: 'archived', stageId: stage.id, movedDealsTo: target.id });
        return archived;
      });
    },
  };
}
