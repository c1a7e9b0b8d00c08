/**
 * Sales deal events as pipeline board changes (`Subscription.pipelineBoard`).
 *
 * | event type                 | board event   | fromStageId                | toStageId                |
 * |----------------------------|---------------|----------------------------|--------------------------|
 * | `sales.deal.created`       | DEAL_CREATED  | null                       | `stageId`                |
 * | `sales.deal.stage_changed` | DEAL_MOVED    | `fromStageId`              | `toStageId`              |
 * | `sales.deal.updated`       | DEAL_UPDATED  | null                       | `stageId`                |
 * | `sales.deal.won`           | DEAL_WON      | `fromStageId` (or null)    | `toStageId` ?? `stageId` |
 * | `sales.deal.lost`          | DEAL_LOST     | `fromStageId` (or null)    | `toStageId` ?? `stageId` |
 * | `sales.deal.reopened`      | DEAL_REOPENED | `fromStageId` (or null)    | `toStageId` ?? `stageId` |
 * | `sales.deal.deleted`       | DEAL_DELETED  | `fromStageId` ?? `stageId` | null                     |
 *
 * `toStageId` is always the stage the deal stands in after the change (null once it is deleted);
 * `fromStageId` is the stage it left, when it left one. A board client removes the card from
 * `fromStageId` and places it in `toStageId`.
 */
import { topicOf, type EventEnvelope } from '@crm/events';

/** Topic of the sales subgraph's events. */
export const SALES_EVENTS_TOPIC = topicOf('sales');

export type PipelineBoardEventType = 'DEAL_CREATED' | 'DEAL_MOVED' | 'DEAL_UPDATED' | 'DEAL_WON' | 'DEAL_LOST' | 'DEAL_REOPENED' | 'DEAL_DELETED';

const BOARD_EVENT_TYPES: Readonly<Record<string, PipelineBoardEventType>> = {
  'sales.deal.created': 'DEAL_CREATED',
  'sales.deal.stage_changed': 'DEAL_MOVED',
  'sales.deal.updated': 'DEAL_UPDATED',
  'sales.deal.won': 'DEAL_WON',
  'sales.deal.lost': 'DEAL_LOST',
  'sales.deal.reopened': 'DEAL_REOPENED',
  'sales.deal.deleted': 'DEAL_DELETED',
};

/** Outcome changes: the deal may also have changed stage (into a won/lost stage, or back out of it). */
const OUTCOMES: ReadonlySet<PipelineBoardEventType> = new Set(['DEAL_WON', 'DEAL_LOST', 'DEAL_REOPENED']);

/** A board change, with the tenant it belongs to. */
export interface BoardChange {
  tenantId: string;
  eventId: string;
  type: PipelineBoardEventType;
  sequence: string;
  pipelineId: string;
  dealId: string;
  fromStageId: string | null;
  toStageId: string | null;
  occurredAt: string;
}

/** The result of reading an event: a board change, nothing (not a board event), or a malformed payload. */
export type BoardEventReading = { kind: 'change'; change: BoardChange } | { kind: 'ignored' } | { kind: 'malformed'; reason: string };

const text = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);
const sequenceOf = (value: unknown): string | null =>
  typeof value === 'string' && /^\d+$/.test(value) ? value : typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? String(value) : null;

function stagesOf(type: PipelineBoardEventType, payload: Record<string, unknown>): { fromStageId: string | null; toStageId: string | null } | { reason: string } {
  if (type === 'DEAL_MOVED') {
    const fromStageId = text(payload['fromStageId']);
    const toStageId = text(payload['toStageId']);
    return fromStageId && toStageId ? { fromStageId, toStageId } : { reason: 'a stage change needs fromStageId and toStageId' };
  }
  if (type === 'DEAL_DELETED') {
    const fromStageId = text(payload['fromStageId']) ?? text(payload['stageId']);
    return fromStageId ? { fromStageId, toStageId: null } : { reason: 'a deletion needs the stageId the deal stood in' };
  }
  if (OUTCOMES.has(type)) {
    const toStageId = text(payload['toStageId']) ?? text(payload['stageId']);
    return toStageId ? { fromStageId: text(payload['fromStageId']), toStageId } : { reason: 'an outcome change needs stageId or toStageId' };
  }
  return { fromStageId: null, toStageId: text(payload['stageId']) };
}

/** Reads one sales event as a board change. */
export function readBoardEvent(event: EventEnvelope): BoardEventReading {
  const type = BOARD_EVENT_TYPES[event.type];
  if (!type) return { kind: 'ignored' };
  const payload = event.payload;
  const dealId = text(payload['dealId']);
  const pipelineId = text(payload['pipelineId']);
  const sequence = sequenceOf(payload['sequence']);
  if (!dealId || !pipelineId || sequence === null) {
    return { kind: 'malformed', reason: 'payload needs dealId, pipelineId and a decimal sequence' };
  }
  const stages = stagesOf(type, payload);
  if ('reason' in stages) return { kind: 'malformed', reason: stages.reason };
  const { fromStageId, toStageId } = stages;
  return {
    kind: 'change',
    change: {
      tenantId: event.tenantId,
      eventId: event.id,
      type,
      sequence,
      pipelineId,
      dealId,
      fromStageId,
      toStageId,
      occurredAt: event.occurredAt,
    },
  };
}
