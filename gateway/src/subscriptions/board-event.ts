/**
 * Sales deal events as pipeline board changes (`Subscription.pipelineBoard`).
 *
 * | event type                 | board event  | fromStageId  | toStageId    |
 * |----------------------------|--------------|--------------|--------------|
 * | `sales.deal.created`       | DEAL_CREATED | null         | `stageId`    |
 * | `sales.deal.stage_changed` | DEAL_MOVED   | `fromStageId`| `toStageId`  |
 * | `sales.deal.updated`       | DEAL_UPDATED | null         | `stageId`    |
 *
 * `toStageId` is always the stage the deal stands in after the change.
 */
import { topicOf, type EventEnvelope } from '@crm/events';

/** Topic of the sales subgraph's events. */
export const SALES_EVENTS_TOPIC = topicOf('sales');

export type PipelineBoardEventType = 'DEAL_CREATED' | 'DEAL_MOVED' | 'DEAL_UPDATED';

const BOARD_EVENT_TYPES: Readonly<Record<string, PipelineBoardEventType>> = {
  'sales.deal.created': 'DEAL_CREATED',
  'sales.deal.stage_changed': 'DEAL_MOVED',
  'sales.deal.updated': 'DEAL_UPDATED',
};

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
  const moved = type === 'DEAL_MOVED';
  const fromStageId = moved ? text(payload['fromStageId']) : null;
  const toStageId = moved ? text(payload['toStageId']) : text(payload['stageId']);
  if (moved && (!fromStageId || !toStageId)) return { kind: 'malformed', reason: 'a stage change needs fromStageId and toStageId' };
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
