/**
 * Deals: creating them on a pipeline, editing them, moving them between stages, winning, losing,
 * reopening and deleting them.
 *
 * Every change runs in one tenant transaction that also advances the pipeline's board sequence,
 * journals the board change, records stage history and appends the domain event to the outbox,
 * so a committed change always has its event and an event always describes a committed change.
 * Writers may pass what they believe the deal looks like (`expectedVersion`, `expectedStageId`):
 * if someone else changed it meanwhile, nothing is written and the call fails with CONFLICT
 * carrying the current values.
 */
import { randomUUID } from 'node:crypto';
import type { EventEnvelope } from '@crm/events';
import { badInput } from '@crm/runtime';
import { z } from 'zod';
import type { Prisma, PrismaClient } from '../../../__generated__/prisma/client.ts';
import type { DealModel, StageModel } from '../../../__generated__/prisma/models.ts';
import type { Actor, TenantDb } from '../../../context.ts';
import { id, isId, parseInput, text } from '../../common/lib/input.ts';
import { advanceBoardSequence, recordBoardChanges, type BoardChangeRecord } from '../../pipelines/services/board-sequence.ts';
import { DealEventType, dealCreated, dealLifecycleEvent, dealStageChanged, dealUpdated, diffDeal } from '../lib/deal-events.ts';
import { parseDate, type Expectation } from '../lib/deal-rules.ts';
import { formatAmount, MoneyError, parseAmount, parseCurrency } from '../lib/money.ts';
import { actorId, commitDealChange, conflictWith, lockDealForChange, writeWithEvents, type DealGuard, type Tx } from './deal-changes.ts';
import { hasLineItems } from '../../line-items/services/line-items.ts';
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
  /** Calendar date `YYYY-MM-DD`. */
  expectedCloseDate?: string | null;
}

/** Omitted (undefined) fields stay as they are; `null` clears `ownerId`, `accountId` and `expectedCloseDate`. */
export interface UpdateDealInput {
  name?: string | null;
  amount?: string | null;
  currency?: string | null;
  ownerId?: string | null;
  accountId?: string | null;
  /** Calendar date `YYYY-MM-DD`. */
  expectedCloseDate?: string | null;
}

/** Deals created per transaction by `createMany`. */
export const CREATE_MANY_CHUNK = 250;

const optionalId = () => id().nullish();
/** A calendar date `YYYY-MM-DD`, parsed to midnight UTC. */
const calendarDate = () =>
  z
    .string({ error: 'must be a date such as "2026-12-31"' })
    .transform((value, ctx) => {
      const date = parseDate(value);
      if (date === null) ctx.addIssue({ code: 'custom', message: 'must be a date such as "2026-12-31"' });
      return date ?? new Date(0);
    });
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
  expectedCloseDate: calendarDate().nullish(),
});

const updateDealSchema = z.object({
  name: text(200).optional(),
  amount: requiredString('a decimal string').optional(),
  currency: requiredString('a currency code').optional(),
  ownerId: optionalId(),
  accountId: optionalId(),
  expectedCloseDate: calendarDate().nullish(),
});

const expectationSchema = z.object({
  version: z.number({ error: 'must be a whole number' }).int({ error: 'must be a whole number' }).min(1, { error: 'must be at least 1' }).nullish(),
  stageId: id().nullish(),
});

/** Checks a writer's expectation; its fields are reported as the mutation's arguments. */
function expectation(expected: Expectation | undefined): Expectation {
  if (!expected) return {};
  const fields = { version: 'expectedVersion', stageId: 'expectedStageId' } as const;
  const result = expectationSchema.safeParse(expected);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const field = fields[issue.path[0] as keyof typeof fields];
  throw badInput(`${field} ${issue.message}`, field);
}

/** The reason a deal was won or lost: trimmed, at most 500 characters. */
const reasonSchema = (required: boolean) => (required ? text(500) : text(500).nullish());

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


export interface DealServiceDeps {
  prisma: PrismaClient;
  /** Called after a transaction that appended outbox events has committed. */
  eventsCommitted: () => void;
}

export interface DealService {
  /** Creates a deal; emits `sales.deal.created`. Unknown pipeline, foreign or archived stage, won/lost stage or bad money → BAD_USER_INPUT. */
  create(tenantId: string, actor: Actor, input: CreateDealInput): Promise<DealModel>;
  /**
   * Creates many deals quickly (seeding, imports): one transaction and one insert per
   * {@link CREATE_MANY_CHUNK} deals, still one `sales.deal.created` event each. Returns them in input order.
   * All inputs are validated before anything is written (errors name `inputs[i].<field>`).
   */
  createMany(tenantId: string, actor: Actor, inputs: readonly CreateDealInput[]): Promise<DealModel[]>;
  // `guard` (see `lockDealForChange`): the caller's right to change the deal, decided on the deal as read under its lock.
  /** Changes the given fields; emits `sales.deal.updated` unless nothing changed. Unknown deal → NOT_FOUND; stale expectation → CONFLICT. */
  update(tenantId: string, actor: Actor, dealId: string, input: UpdateDealInput, expected?: Expectation, guard?: DealGuard): Promise<DealModel>;
  /**
   * Moves an open deal to another open stage of its pipeline; emits `sales.deal.stage_changed`.
   * Unknown deal → NOT_FOUND; unknown, archived, won/lost stage or a stage of another pipeline → BAD_USER_INPUT;
   * a closed deal or a stale expectation → CONFLICT; its current stage → unchanged, no event.
   */
  move(tenantId: string, actor: Actor, dealId: string, stageId: string, expected?: Expectation, guard?: DealGuard): Promise<DealModel>;
  /**
   * An upsert's change of an existing deal, all or nothing in one transaction: `update`, then a
   * move to `target.stageId` when it names another stage (`sales.deal.updated`, then
   * `sales.deal.stage_changed`). `target.pipelineId`, when given, must be the deal's (a deal stays
   * in its pipeline); a target stage that is not an active open stage of it, or a won or lost deal
   * to move, → BAD_USER_INPUT `stageId`.
   */
  updateAndMove(
    tenantId: string,
    actor: Actor,
    dealId: string,
    input: UpdateDealInput,
    target: { pipelineId?: string | null; stageId?: string | null },
    expected?: Expectation,
    guard?: DealGuard,
  ): Promise<DealModel>;
  /** Marks an open deal won or lost: moves it to the pipeline's WON / LOST stage; emits `sales.deal.won` / `sales.deal.lost`. */
  close(tenantId: string, actor: Actor, dealId: string, outcome: 'WON' | 'LOST', reason: string | null | undefined, expected?: Expectation, guard?: DealGuard): Promise<DealModel>;
  /** Reopens a won or lost deal into an open stage of its pipeline; emits `sales.deal.reopened`. */
  reopen(tenantId: string, actor: Actor, dealId: string, stageId: string, expected?: Expectation, guard?: DealGuard): Promise<DealModel>;
  /** Soft-deletes a deal (gone from lists and references); emits `sales.deal.deleted`. Returns the deal as deleted. */
  remove(tenantId: string, actor: Actor, dealId: string, expected?: Expectation, guard?: DealGuard): Promise<DealModel>;
  /** The first `first` live deals of a pipeline, oldest first. */
  listByPipeline(db: TenantDb, pipelineId: string, first: number, scope?: Prisma.DealWhereInput): Promise<DealModel[]>;
}

export function createDealService(deps: DealServiceDeps): DealService {
  const { prisma } = deps;
  const write = <T>(tenantId: string, fn: (tx: Tx, events: EventEnvelope[]) => Promise<T>) => writeWithEvents(prisma, tenantId, deps.eventsCommitted, fn);

  /**
   * An active stage of the pipeline that deals can be placed in: the given one, or the first open
   * stage. Anything else → BAD_USER_INPUT naming `field`.
   */
  async function openStageFor(tx: Tx, tenantId: string, pipelineId: string, stageId: string | null | undefined, field: string): Promise<StageModel> {
    const stage = stageId
      ? await tx.stage.findFirst({ where: { id: stageId, tenantId } })
      : await tx.stage.findFirst({ where: { pipelineId, tenantId, kind: 'OPEN', archivedAt: null }, orderBy: { position: 'asc' } });
    if (!stage || stage.pipelineId !== pipelineId) throw badInput(`${field} must be a stage of the deal's pipeline`, field);
    if (stage.archivedAt !== null) throw badInput(`${field} is an archived stage`, field);
    if (stage.kind !== 'OPEN') {
      throw badInput(`${field} is a ${stage.kind.toLowerCase()} stage: use markDeal${stage.kind === 'WON' ? 'Won' : 'Lost'} to close a deal`, field);
    }
    return stage;
  }

  /** An update's input, checked before any transaction opens (a new currency parsed). */
  function parseUpdate(input: UpdateDealInput) {
    const valid = parseInput(updateDealSchema, input);
    return { valid, newCurrency: valid.currency === undefined ? undefined : checked(() => parseCurrency(valid.currency!)) };
  }

  /** Changes the given fields of `current` (read under its pipeline lock); unchanged → `current`, no event. */
  async function applyUpdate(tx: Tx, tenantId: string, actor: Actor, current: DealModel, { valid, newCurrency }: ReturnType<typeof parseUpdate>, events: EventEnvelope[]): Promise<DealModel> {
    const currency = newCurrency ?? current.currency;
    // A new currency without a new amount keeps the amount's figure ("10.50" USD → "10.50" EUR).
    const amountMinor =
      valid.amount === undefined && currency === current.currency
        ? current.amountMinor
        : checked(() => parseAmount(valid.amount ?? formatAmount(current.amountMinor, current.currency), currency));
    // While a deal has line items its amount is theirs (and their prices are in its currency).
    if ((amountMinor !== current.amountMinor || currency !== current.currency) && (await hasLineItems(tx, tenantId, current.id))) {
      const field = currency !== current.currency ? 'currency' : 'amount';
      throw badInput(`${field} cannot be set on a deal with line items: its amount is derived from them (use setDealLineItems)`, field);
    }
    const next = {
      name: valid.name ?? current.name,
      amountMinor,
      currency,
      ownerId: valid.ownerId === undefined ? current.ownerId : valid.ownerId,
      accountId: valid.accountId === undefined ? current.accountId : valid.accountId,
      expectedCloseDate: valid.expectedCloseDate === undefined ? current.expectedCloseDate : valid.expectedCloseDate,
    };
    const changed = diffDeal(current, next);
    if (Object.keys(changed).length === 0) return current;
    return commitDealChange(tx, tenantId, actor, current, {
      data: next,
      board: 'DEAL_UPDATED',
      event: (deal) => dealUpdated(tenantId, actor, changed, deal),
    }, events);
  }

  /** Moves open `current` (read under its pipeline lock) to `stage`, an open stage of its pipeline. */
  function applyMove(tx: Tx, tenantId: string, actor: Actor, current: DealModel, stage: StageModel, events: EventEnvelope[]): Promise<DealModel> {
    return commitDealChange(tx, tenantId, actor, current, {
      data: {},
      toStageId: stage.id,
      board: 'DEAL_MOVED',
      event: (deal) => dealStageChanged(tenantId, actor, current.stageId, deal),
    }, events);
  }

  /** `update`, and `updateAndMove` when a target stage is given (see {@link DealService}). */
  const updateAndMove: DealService['updateAndMove'] = async (tenantId, actor, dealId, input, target, expected, guard) => {
    const change = parseUpdate(input);
    const pipelineId = target.pipelineId == null ? null : parseInput(id(), target.pipelineId, 'pipelineId');
    const stageId = target.stageId == null ? null : parseInput(id(), target.stageId, 'stageId');
    const expect = expectation(expected);
    return write(tenantId, async (tx, events) => {
      const current = await lockDealForChange(tx, tenantId, dealId, expect, guard);
      if (pipelineId !== null && pipelineId !== current.pipelineId) throw badInput('pipelineId cannot change: a deal stays in its pipeline', 'pipelineId');
      const moves = stageId !== null && stageId !== current.stageId;
      if (moves && current.status !== 'OPEN') throw badInput('stageId: a won or lost deal is moved with reopenDeal', 'stageId');
      const stage = moves ? await openStageFor(tx, tenantId, current.pipelineId, stageId, 'stageId') : null;
      const updated = await applyUpdate(tx, tenantId, actor, current, change, events);
      return stage ? applyMove(tx, tenantId, actor, updated, stage, events) : updated;
    });
  };

  /** The history row of a deal created in `stageId`. */
  const createdHistory = (tenantId: string, actor: Actor, deal: DealModel) => ({
    tenantId,
    dealId: deal.id,
    pipelineId: deal.pipelineId,
    fromStageId: null,
    toStageId: deal.stageId,
    changedById: actorId(actor),
    changedAt: deal.stageEnteredAt,
    secondsInFromStage: null,
  });

  const createdBoardChange = (deal: DealModel, event: EventEnvelope): BoardChangeRecord => ({
    pipelineId: deal.pipelineId,
    sequence: deal.boardSequence,
    type: 'DEAL_CREATED',
    dealId: deal.id,
    fromStageId: null,
    toStageId: deal.stageId,
    occurredAt: new Date(event.occurredAt),
  });

  return {
    async create(tenantId, actor, input) {
      const valid = validateCreate(input);
      return write(tenantId, async (tx, events) => {
        const sequence = await advanceBoardSequence(tx, tenantId, valid.pipelineId);
        if (sequence === null) throw badInput('pipelineId must be a pipeline of the tenant', 'pipelineId');
        const stage = await openStageFor(tx, tenantId, valid.pipelineId, valid.stageId, 'stageId');
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
            expectedCloseDate: valid.expectedCloseDate ?? null,
            boardSequence: sequence,
          },
        });
        await tx.dealStageChange.create({ data: createdHistory(tenantId, actor, deal) });
        const event = dealCreated(tenantId, actor, deal);
        events.push(event);
        await recordBoardChanges(tx, tenantId, [createdBoardChange(deal, event)]);
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
          // Pipelines are locked in id order, so concurrent batches never wait on each other in a cycle.
          const counts = new Map<string, number>();
          for (const deal of chunk) counts.set(deal.pipelineId, (counts.get(deal.pipelineId) ?? 0) + 1);
          const next = new Map<string, bigint>();
          for (const [pipelineId, count] of [...counts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
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
          for (const stage of stages) {
            if (stage.kind === 'OPEN' && stage.archivedAt === null && !firstStage.has(stage.pipelineId)) firstStage.set(stage.pipelineId, stage);
          }

          const rows = chunk.map((deal, offset) => {
            const stage = deal.stageId ? stageById.get(deal.stageId) : firstStage.get(deal.pipelineId);
            const field = `inputs[${start + offset}].stageId`;
            if (!stage || stage.pipelineId !== deal.pipelineId) throw badInput(`${field} must be a stage of the deal's pipeline`, field);
            if (stage.archivedAt !== null) throw badInput(`${field} is an archived stage`, field);
            if (stage.kind !== 'OPEN') throw badInput(`${field} is a ${stage.kind.toLowerCase()} stage: deals are created open`, field);
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
              expectedCloseDate: deal.expectedCloseDate ?? null,
              boardSequence: sequence,
            };
          });
          const inserted = await tx.deal.createManyAndReturn({ data: rows });
          const byId = new Map(inserted.map((deal) => [deal.id, deal]));
          const ordered = rows.map((row) => byId.get(row.id)!);
          await tx.dealStageChange.createMany({ data: ordered.map((deal) => createdHistory(tenantId, actor, deal)) });
          const changes: BoardChangeRecord[] = [];
          for (const deal of ordered) {
            const event = dealCreated(tenantId, actor, deal);
            events.push(event);
            changes.push(createdBoardChange(deal, event));
          }
          await recordBoardChanges(tx, tenantId, changes);
          return ordered;
        });
        created.push(...deals);
      }
      return created;
    },

    async update(tenantId, actor, dealId, input, expected, guard) {
      return updateAndMove(tenantId, actor, dealId, input, {}, expected, guard);
    },

    async move(tenantId, actor, dealId, stageId, expected, guard) {
      const target = parseInput(id(), stageId, 'stageId');
      const expect = expectation(expected);
      return write(tenantId, async (tx, events) => {
        const current = await lockDealForChange(tx, tenantId, dealId, expect, guard);
        if (current.stageId === target) return current;
        if (current.status !== 'OPEN') throw conflictWith(current, `it is ${current.status.toLowerCase()}: reopen it to move it`);
        return applyMove(tx, tenantId, actor, current, await openStageFor(tx, tenantId, current.pipelineId, target, 'stageId'), events);
      });
    },

    updateAndMove,

    async close(tenantId, actor, dealId, outcome, reason, expected, guard) {
      const why = parseInput(reasonSchema(outcome === 'LOST'), reason, 'reason') ?? null;
      const expect = expectation(expected);
      return write(tenantId, async (tx, events) => {
        const current = await lockDealForChange(tx, tenantId, dealId, expect, guard);
        if (current.status !== 'OPEN') throw conflictWith(current, `it is already ${current.status.toLowerCase()}: reopen it first`);
        const stage = await tx.stage.findFirst({
          where: { tenantId, pipelineId: current.pipelineId, kind: outcome, archivedAt: null },
          orderBy: { position: 'asc' },
        });
        if (!stage) throw badInput(`the deal's pipeline has no ${outcome.toLowerCase()} stage: add one with addStage (kind: ${outcome})`, 'id');
        const now = new Date();
        return commitDealChange(tx, tenantId, actor, current, {
          data: { status: outcome, closeReason: why, closedAt: now },
          toStageId: stage.id,
          board: outcome === 'WON' ? 'DEAL_WON' : 'DEAL_LOST',
          event: (deal) =>
            dealLifecycleEvent(outcome === 'WON' ? DealEventType.won : DealEventType.lost, tenantId, actor, deal, { fromStageId: current.stageId, reason: why }),
        }, events, now);
      });
    },

    async reopen(tenantId, actor, dealId, stageId, expected, guard) {
      const target = parseInput(id(), stageId, 'stageId');
      const expect = expectation(expected);
      return write(tenantId, async (tx, events) => {
        const current = await lockDealForChange(tx, tenantId, dealId, expect, guard);
        if (current.status === 'OPEN') throw conflictWith(current, 'it is open: only won or lost deals can be reopened');
        const stage = await openStageFor(tx, tenantId, current.pipelineId, target, 'stageId');
        return commitDealChange(tx, tenantId, actor, current, {
          data: { status: 'OPEN', closeReason: null, closedAt: null },
          toStageId: stage.id,
          board: 'DEAL_REOPENED',
          event: (deal) => dealLifecycleEvent(DealEventType.reopened, tenantId, actor, deal, { fromStageId: current.stageId }),
        }, events);
      });
    },

    async remove(tenantId, actor, dealId, expected, guard) {
      const expect = expectation(expected);
      return write(tenantId, async (tx, events) => {
        const current = await lockDealForChange(tx, tenantId, dealId, expect, guard);
        return commitDealChange(tx, tenantId, actor, current, {
          data: { deletedAt: new Date() },
          board: 'DEAL_DELETED',
          event: (deal) => dealLifecycleEvent(DealEventType.deleted, tenantId, actor, deal),
        }, events);
      });
    },

    listByPipeline(db, pipelineId, first, scope = {}) {
      if (!isId(pipelineId) || first === 0) return Promise.resolve([]);
      return db.deal.findMany({ where: { AND: [scope, { pipelineId, deletedAt: null }] }, orderBy: [...DEAL_ORDER], take: first });
    },
  };
}
