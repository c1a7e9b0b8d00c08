/**
 * Pipelines: creating a tenant's sales process with its ordered stages, and listing them.
 */
import { randomUUID } from 'node:crypto';
import { withTenantTransaction } from '@crm/db';
import { appendOutbox, createEvent } from '@crm/events';
import { z } from 'zod';
import type { PrismaClient } from '../../../__generated__/prisma/client.ts';
import type { PipelineModel, StageModel } from '../../../__generated__/prisma/models.ts';
import type { Actor, TenantDb } from '../../../context.ts';
import { parseInput, text } from '../../common/lib/input.ts';

export const MAX_STAGES = 50;
/** Pipelines listed at most (a tenant has a handful). */
export const MAX_PIPELINES = 100;

export interface StageInput {
  name: string;
  /** Win probability in percent, 0..100. */
  probability: number;
}

export interface CreatePipelineInput {
  name: string;
  /** Stages in board order; at least one. */
  stages: StageInput[];
}

/** Payload of `sales.pipeline.created`. */
export interface PipelineCreatedPayload extends Record<string, unknown> {
  pipelineId: string;
  name: string;
  stages: Array<{ stageId: string; name: string; position: number; probability: number }>;
}

const createPipelineSchema = z.object({
  name: text(200),
  stages: z
    .array(
      z.object({
        name: text(100),
        probability: z
          .number({ error: 'must be a number' })
          .int({ error: 'must be a whole number' })
          .min(0, { error: 'must be between 0 and 100' })
          .max(100, { error: 'must be between 0 and 100' }),
      }),
    )
    .min(1, { error: 'must contain at least one stage' })
    .max(MAX_STAGES, { error: `must contain at most ${MAX_STAGES} stages` }),
});

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
}

export function createPipelineService(deps: PipelineServiceDeps): PipelineService {
  return {
    async create(tenantId, actor, input) {
      const valid = parseInput(createPipelineSchema, input);
      const pipelineId = randomUUID();
      const pipeline = await withTenantTransaction(deps.prisma, tenantId, async (tx) => {
        const created = await tx.pipeline.create({
          data: {
            id: pipelineId,
            tenantId,
            name: valid.name,
            stages: {
              create: valid.stages.map((stage, position) => ({ tenantId, name: stage.name, probability: stage.probability, position })),
            },
          },
          include: { stages: { orderBy: { position: 'asc' } } },
        });
        await appendOutbox(
          tx,
          createEvent<PipelineCreatedPayload>({
            type: 'sales.pipeline.created',
            tenantId,
            actor,
            aggregateId: created.id,
            payload: {
              pipelineId: created.id,
              name: created.name,
              stages: created.stages.map((s) => ({ stageId: s.id, name: s.name, position: s.position, probability: s.probability })),
            },
          }),
        );
        return created;
      });
      deps.eventsCommitted();
      return pipeline;
    },

    list(db) {
      return db.pipeline.findMany({ orderBy: [{ createdAt: 'asc' }, { id: 'asc' }], take: MAX_PIPELINES });
    },
  };
}
