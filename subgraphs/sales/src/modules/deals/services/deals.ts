/**
 * Deals: creating them on a pipeline, editing them, and moving them between stages.
 *
 * Every change runs in one tenant transaction that also advances the pipeline's board sequence
 * and appends the domain event to the outbox, so a committed change always has its event and
 * an event always describes a committed change.
 */
import { randomUUID } from 'node:crypto';
import { withTenantTransaction, type TxClient } from '@crm/db';
import { appendOutbox, type EventEnvelope } from '@crm/events';
import { badInput, notFound } from '@crm/runtime';
import { z } from 'zod';
import type { PrismaClient } from '../../../__generated__/prisma/client.ts';
import type { DealModel, StageModel } from '../../../__generated__/prisma/models.ts';
import type { Actor, TenantDb } from '../../../context.ts';
import { id, isId, parseInput, text } from '../../common/lib/input.ts';
import { advanceBoardSequence } from '../../pipelines/services/board-sequence.ts';
import { dealCreated, dealStageChanged, dealUpdated, diffDeal } from '../lib/deal-events.ts';
import { formatAmount, MoneyError, parseAmount, parseCurrency } from '../lib/money.ts';
import { DEAL_ORDER } from './deal-queries.ts';

export interface CreateDealInput {
  pipelineId: string;
  /** Stage to place the deal in; the pipeline's first stage when omitted. */
  stageId?: string | null;
  name: string;
  /** Decimal string, e.g. "1250.50". */
  amount: string;
  /** ISO 4217 code. */
  currency: string;
  ownerId?: string | null;
  accountId?: string | null;
}

/** Omitted (undefined) fields stay as they are; `null` clears `ownerId` / `accountId`. */
export interface UpdateDealInput {
  name?: string | null;
  amount?: string | null;
  currency?: string | null;
  ownerId?: string | null;
  accountId?: string | null;
}

/** Deals created per transaction by `createMany`. */
export const CREATE_MANY_CHUNK = 250;

const optionalId = () => id().nullish();
const requiredString = (what: string) =>
  z.string({ error: (issue) => (issue.input === null ? 'cannot be null' : `must be ${what}`) });

const createDealSchema = z.object({
  pipelineId: id(),
  stageId: optionalId(),
  name: text(200),
  amount: requiredString('a decimal string'),
  currency: requiredString('a currency code'),
  ownerId: optionalId(),
  accountId: optionalId(),
});

const updateDealSchema = z.object({
  name: text(200).optional(),
  amount: requiredString('a decimal string').optional(),
  currency: requiredString('a currency code').optional(),
  ownerId: optionalId(),
  accountId: optionalId(),
});

/** Runs a money check; a refusal becomes BAD_USER_INPUT naming the field relative to `prefix` (e.g. `inputs[3].amount`). */
function checked<T>(check: () => T, prefix?: string): T {
  try {
    return check();
  } catch (error) {
    if (!(error instanceof MoneyError)) throw error;
    const field = prefix ? `${prefix}.${error.field}` : error.field;
    throw badInput(prefix ? `${prefix}.${error.message}` : error.message, field);
  }
}

function money(amount: string, currency: string, prefix?: string): { amountMinor: bigint; currency: string } {
  return checked(() => {
    const code = parseCurrency(currency);
    return { amountMinor: parseAmount(amount, code), currency: code };
  }, prefix);
}

type ValidDeal = Omit<z.output<typeof createDealSchema>, 'amount' | 'currency'> & { amountMinor: bigint; currency: string };

function validateCreate(input: CreateDealInput, prefix?: string): ValidDeal {
  const { amount, currency, ...rest } = parseInput(createDealSchema, input, prefix);
  return { ...rest, ...money(amount, currency, prefix) };
}

type Tx = TxClient<PrismaClient>;

/** Locks the deal's row for the rest of the transaction and returns it (null when the tenant has no such deal). */
async function lockDeal(tx: Tx, tenantId: string, dealId: string): Promise<DealModel | null> {
  const rows = await tx.$queryRaw<DealModel[]>`
    SELECT * FROM "Deal" WHERE "id" = ${dealId}::uuid AND "tenantId" = ${tenantId}::uuid FOR UPDATE`;
  return rows[0] ?? null;
}

export interface DealServiceDeps {
  prisma: PrismaClient;
  /** Called after a transaction that appended outbox events has committed. */
  eventsCommitted: () => void;
}

export interface DealService {
  /** Creates a deal; emits `sales.deal.created`. Unknown pipeline, foreign stage or bad money → BAD_USER_INPUT. */
  create(tenantId: string, actor: Actor, input: CreateDealInput): Promise<DealModel>;
  /**
   * Creates many deals quickly (seeding, imports): one transaction and one insert per
   * {@link CREATE_MANY_CHUNK} deals, still one `sales.deal.created` event each. Returns them in input order.
   * All inputs are validated before anything is written (errors name `inputs[i].<field>`).
   */
  createMany(tenantId: string, actor: Actor, inputs: readonly CreateDealInput[]): Promise<DealModel[]>;
  /** Changes the given fields; emits `sales.deal.updated` unless nothing changed. Unknown deal → NOT_FOUND. */
  update(tenantId: string, actor: Actor, dealId: string, input: UpdateDealInput): Promise<DealModel>;
  /**
   * Moves a deal to another stage of its pipeline; emits `sales.deal.stage_changed`.
   * Unknown deal → NOT_FOUND; unknown stage or a stage of another pipeline → BAD_USER_INPUT;
   * its current stage → unchanged, no event.
   */
  move(tenantId: string, actor: Actor, dealId: string, stageId: string): Promise<DealModel>;
  /** The first `first` deals of a pipeline, oldest first. */
  listByPipeline(db: TenantDb, pipelineId: string, first: number): Promise<DealModel[]>;
}

export function createDealService(deps: DealServiceDeps): DealService {
  const { prisma } = deps;

  /** Writes `fn` and its events in one tenant transaction, then lets the relay publish them. */
  async function write<T>(tenantId: string, fn: (tx: Tx, events: EventEnvelope[]) => Promise<T>): Promise<T> {
    let emitted = false;
    const result = await withTenantTransaction(prisma, tenantId, async (tx) => {
      const events: EventEnvelope[] = [];
      const value = await fn(tx, events);
      if (events.length > 0) {
        await appendOutbox(tx, events);
        emitted = true;
      }
      return value;
    });
    if (emitted) deps.eventsCommitted();
    return result;
  }

  async function stageFor(tx: Tx, tenantId: string, pipelineId: string, stageId: string | null | undefined, prefix?: string): Promise<StageModel> {
    const field = prefix ? `${prefix}.stageId` : 'stageId';
    const stage = stageId
      ? await tx.stage.findFirst({ where: { id: stageId, tenantId } })
      : await tx.stage.findFirst({ where: { pipelineId, tenantId }, orderBy: { position: 'asc' } });
    if (!stage || stage.pipelineId !== pipelineId) throw badInput(`${field} must be a stage of the deal's pipeline`, field);
    return stage;
  }

  return {
    async create(tenantId, actor, input) {
      const valid = validateCreate(input);
      return write(tenantId, async (tx, events) => {
        const sequence = await advanceBoardSequence(tx, tenantId, valid.pipelineId);
        if (sequence === null) throw badInput('pipelineId must be a pipeline of the tenant', 'pipelineId');
        const stage = await stageFor(tx, tenantId, valid.pipelineId, valid.stageId);
        const deal = await tx.deal.create({
          data: {
            tenantId,
            pipelineId: valid.pipelineId,
            stageId: stage.id,
            name: valid.name,
            amountMinor: valid.amountMinor,
            currency: valid.currency,
            ownerId: valid.ownerId ?? null,
            accountId: valid.accountId ?? null,
            boardSequence: sequence,
          },
        });
        events.push(dealCreated(tenantId, actor, deal));
        return deal;
      });
    },

    async createMany(tenantId, actor, inputs) {
      const valid = inputs.map((input, index) => validateCreate(input, `inputs[${index}]`));
      const created: DealModel[] = [];
      for (let start = 0; start < valid.length; start += CREATE_MANY_CHUNK) {
        const chunk = valid.slice(start, start + CREATE_MANY_CHUNK);
        const deals = await write(tenantId, async (tx, events) => {
          // One sequence block per pipeline: deals of a pipeline get consecutive numbers in input order.
          const counts = new Map<string, number>();
          for (const deal of chunk) counts.set(deal.pipelineId, (counts.get(deal.pipelineId) ?? 0) + 1);
          const next = new Map<string, bigint>();
          for (const [pipelineId, count] of counts) {
            const last = await advanceBoardSequence(tx, tenantId, pipelineId, count);
            if (last === null) {
              const index = start + chunk.findIndex((deal) => deal.pipelineId === pipelineId);
              throw badInput(`inputs[${index}].pipelineId must be a pipeline of the tenant`, `inputs[${index}].pipelineId`);
            }
            next.set(pipelineId, last - BigInt(count) + 1n);
          }
          const stages = await tx.stage.findMany({
            where: { tenantId, pipelineId: { in: [...counts.keys()] } },
            orderBy: [{ pipelineId: 'asc' }, { position: 'asc' }],
          });
          const stageById = new Map(stages.map((stage) => [stage.id, stage]));
          const firstStage = new Map<string, StageModel>();
          for (const stage of stages) if (!firstStage.has(stage.pipelineId)) firstStage.set(stage.pipelineId, stage);

          const rows = chunk.map((deal, offset) => {
            const stage = deal.stageId ? stageById.get(deal.stageId) : firstStage.get(deal.pipelineId);
            if (!stage || stage.pipelineId !== deal.pipelineId) {
              const field = `inputs[${start + offset}].stageId`;
              throw badInput(`${field} must be a stage of the deal's pipeline`, field);
            }
            const sequence = next.get(deal.pipelineId)!;
            next.set(deal.pipelineId, sequence + 1n);
            return {
              id: randomUUID(),
              tenantId,
              pipelineId: deal.pipelineId,
              stageId: stage.id,
              name: deal.name,
              amountMinor: deal.amountMinor,
              currency: deal.currency,
              ownerId: deal.ownerId ?? null,
              accountId: deal.accountId ?? null,
              boardSequence: sequence,
            };
          });
          const inserted = await tx.deal.createManyAndReturn({ data: rows });
          const byId = new Map(inserted.map((deal) => [deal.id, deal]));
          const ordered = rows.map((row) => byId.get(row.id)!);
          for (const deal of ordered) events.push(dealCreated(tenantId, actor, deal));
          return ordered;
        });
        created.push(...deals);
      }
      return created;
    },

    async update(tenantId, actor, dealId, input) {
      const valid = parseInput(updateDealSchema, input);
      const newCurrency = valid.currency === undefined ? undefined : checked(() => parseCurrency(valid.currency!));
      if (!isId(dealId)) throw notFound('Deal', dealId);
      return write(tenantId, async (tx, events) => {
        const current = await lockDeal(tx, tenantId, dealId);
        if (!current) throw notFound('Deal', dealId);
        const currency = newCurrency ?? current.currency;
        // A new currency without a new amount keeps the amount's figure ("10.50" USD → "10.50" EUR).
        const amountMinor =
          valid.amount === undefined && currency === current.currency
            ? current.amountMinor
            : checked(() => parseAmount(valid.amount ?? formatAmount(current.amountMinor, current.currency), currency));
        const next = {
          name: valid.name ?? current.name,
          amountMinor,
          currency,
          ownerId: valid.ownerId === undefined ? current.ownerId : valid.ownerId,
          accountId: valid.accountId === undefined ? current.accountId : valid.accountId,
        };
        const changed = diffDeal(current, next);
        if (Object.keys(changed).length === 0) return current;
        const sequence = (await advanceBoardSequence(tx, tenantId, current.pipelineId))!;
        const deal = await tx.deal.update({
          where: { id: current.id, tenantId },
          data: { ...next, version: { increment: 1 }, boardSequence: sequence },
        });
        events.push(dealUpdated(tenantId, actor, changed, deal));
        return deal;
      });
    },

    async move(tenantId, actor, dealId, stageId) {
      if (!isId(dealId)) throw notFound('Deal', dealId);
      const target = parseInput(id(), stageId, 'stageId');
      return write(tenantId, async (tx, events) => {
        const current = await lockDeal(tx, tenantId, dealId);
        if (!current) throw notFound('Deal', dealId);
        if (current.stageId === target) return current;
        const stage = await stageFor(tx, tenantId, current.pipelineId, target);
        const sequence = (await advanceBoardSequence(tx, tenantId, current.pipelineId))!;
        const deal = await tx.deal.update({
          where: { id: current.id, tenantId },
          data: { stageId: stage.id, version: { increment: 1 }, boardSequence: sequence },
        });
        events.push(dealStageChanged(tenantId, actor, current.stageId, deal));
        return deal;
      });
    },

    listByPipeline(db, pipelineId, first) {
      if (!isId(pipelineId) || first === 0) return Promise.resolve([]);
      return db.deal.findMany({ where: { pipelineId }, orderBy: [...DEAL_ORDER], take: first });
    },
  };
}
