/**
 * Subscribes the pipeline summary to the sales events (consumer group `analytics.pipeline-summary`).
 * At-least-once delivery is made exactly-once in effect by the projection; a handler failure is
 * retried by the bus and, after `maxAttempts`, the event goes to the dead-letter topic so later
 * events keep flowing.
 */
import { topicOf, subscribeTuned, type BusSubscription, type ConsumerTuning, type EventBus } from '@crm/events';
import type { Logger } from '@crm/runtime';
import { PIPELINE_SUMMARY_CONSUMER, type DealProjection } from './deal-projection.ts';

export interface PipelineSummaryConsumerDeps extends ConsumerTuning {
  bus: EventBus;
  projection: DealProjection;
  logger: Logger;
}

export function subscribePipelineSummary({ bus, projection, logger, ...tuning }: PipelineSummaryConsumerDeps): Promise<BusSubscription> {
  return subscribeTuned(bus, tuning, {
    groupId: PIPELINE_SUMMARY_CONSUMER,
    topics: [topicOf('sales')],
    /**
     * Where a group with no committed offset starts. Default true (a new deployment builds the read
     * model from the retained history). Short-lived groups (test stacks) start at the end instead.
     */
    fromBeginning: true,
    handler: async (event, meta) => {
      const outcome = await projection.apply(event);
      logger.debug({ eventId: event.id, type: event.type, tenantId: event.tenantId, partition: meta.partition, offset: meta.offset, outcome }, 'sales event consumed');
    },
  });
}
