/**
 * The sales events the pipeline summary is built from, validated at the door.
 *
 * Every deal event carries the deal's full current state (pipeline, stage, amount, currency) and
 * the pipeline sequence of the change, so each one can be applied on its own as "the deal now
 * looks like this, as of sequence N" — or, for `sales.deal.deleted`, "the deal is gone as of
 * sequence N". Won, lost and reopened deals stay in the summary, in the stage they moved to.
 * Events this read model does not use are ignored; a deal event that does not match its
 * contract is rejected with {@link InvalidEventError}.
 */
import { z } from 'zod';
import type { EventEnvelope } from '@crm/events';

export const DealEventType = {
  CREATED: 'sales.deal.created',
  STAGE_CHANGED: 'sales.deal.stage_changed',
  UPDATED: 'sales.deal.updated',
  WON: 'sales.deal.won',
  LOST: 'sales.deal.lost',
  REOPENED: 'sales.deal.reopened',
  DELETED: 'sales.deal.deleted',
} as const;
export type DealEventType = (typeof DealEventType)[keyof typeof DealEventType];

/** The state of one deal after an event, ready to be stored (or removed, when `deleted`). */
export interface DealChange {
  eventId: string;
  /** The deal was deleted: it leaves the summary. */
  deleted: boolean;
  tenantId: string;
  dealId: string;
  pipelineId: string;
  stageId: string;
  amountMinor: bigint;
  currency: string;
  /** Pipeline sequence of the change; higher means newer. */
  sequence: bigint;
  occurredAt: Date;
}

/** A deal event that breaks its contract. Retrying cannot fix it; it ends in the dead-letter topic. */
export class InvalidEventError extends Error {
  override readonly name = 'InvalidEventError';
  constructor(
    readonly eventId: unknown,
    readonly eventType: unknown,
    readonly issues: string[],
  ) {
    super(`Invalid ${String(eventType)} event ${String(eventId)}: ${issues.join('; ')}`);
  }
}

const INT8_MAX = 9_223_372_036_854_775_807n;

/** A non-negative integer that fits PostgreSQL `bigint`, sent as a string (or a safe number). */
const int8 = z
  .union([z.string().regex(/^\d{1,19}$/, 'expected a non-negative integer string'), z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER)])
  .transform((value) => BigInt(value))
  .refine((value) => value <= INT8_MAX, 'too large');

const id = z.guid();
const currency = z.string().regex(/^[A-Z]{3}$/, 'expected an ISO 4217 code');

const envelope = z.object({
  id,
  tenantId: id,
  aggregateId: z.string(),
  occurredAt: z.iso.datetime({ offset: true }).transform((value) => new Date(value)),
});

const state = { dealId: id, pipelineId: id, amountMinor: int8, currency, sequence: int8 };
/** Events whose `stageId` is the stage the deal stands in after the change. */
const inStage = (deleted: boolean) => z.object({ ...state, stageId: id }).transform(({ stageId, ...rest }) => ({ ...rest, stageId, deleted }));
const payloads = {
  [DealEventType.CREATED]: inStage(false),
  [DealEventType.STAGE_CHANGED]: z.object({ ...state, toStageId: id }).transform(({ toStageId, ...rest }) => ({ ...rest, stageId: toStageId, deleted: false })),
  [DealEventType.UPDATED]: inStage(false),
  [DealEventType.WON]: inStage(false),
  [DealEventType.LOST]: inStage(false),
  [DealEventType.REOPENED]: inStage(false),
  [DealEventType.DELETED]: inStage(true),
} satisfies Record<DealEventType, z.ZodType>;

const isDealEventType = (type: string): type is DealEventType => Object.hasOwn(payloads, type);

function issuesOf(error: z.ZodError, prefix: string): string[] {
  return error.issues.map((issue) => `${[prefix, ...issue.path.map(String)].join('.')}: ${issue.message}`);
}

/**
 * Reads a sales event. Returns the deal's new state, null for event types this read model does
 * not use, and throws {@link InvalidEventError} when a deal event is malformed.
 */
export function parseDealEvent(event: EventEnvelope): DealChange | null {
  if (!isDealEventType(event.type)) return null;
  const head = envelope.safeParse(event);
  const body = payloads[event.type].safeParse(event.payload);
  const issues = [...(head.success ? [] : issuesOf(head.error, 'event')), ...(body.success ? [] : issuesOf(body.error, 'payload'))];
  if (!head.success || !body.success) throw new InvalidEventError(event.id, event.type, issues);
  if (head.data.aggregateId !== body.data.dealId) {
    throw new InvalidEventError(event.id, event.type, ['event.aggregateId: must equal payload.dealId']);
  }
  return { eventId: head.data.id, tenantId: head.data.tenantId, occurredAt: head.data.occurredAt, ...body.data };
}
