import { byAggregate, type OrderingKey } from '@crm/events';

/**
 * Sales events are ordered per pipeline board: every event that carries a `pipelineId` (deal
 * created, moved, updated, won, lost, reopened, deleted) shares its board's Kafka key, so a
 * board's subscribers and read models see its changes in board-sequence order across deals.
 * A deal never leaves its pipeline, so its own events stay in order too. Other events (e.g.
 * activities) are ordered per aggregate.
 */
export const boardOrder: OrderingKey = (event) => {
  const pipelineId = event.payload['pipelineId'];
  return typeof pipelineId === 'string' && pipelineId !== '' ? `board:${event.tenantId}:${pipelineId}` : byAggregate(event);
};
