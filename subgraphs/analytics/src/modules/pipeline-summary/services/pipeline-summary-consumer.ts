/**
 * Subscribes the pipeline summary to the sales events (consumer group `analytics.pipeline-summary`).
 * At-least-once delivery is made exactly-once in effect by the projection; a handler failure is
 * retried by the bus and, after `maxAttempts`, the event goes to the dead-letter topic so later
 * events keep flowing.
 */
import { topicOf, type BusSubscription, type EventBus } from '@crm/events';
import type { Logger } from '@crm/runtime';
import { PIPELINE_SUMMARY_CONSUMER, type DealProjection } from './deal-projection.ts';

export interface ConsumerTuning {
  /**
   * Consumer group. Default `analytics.pipeline-summary`. Override only to keep several independent
   * stacks that share one Kafka cluster (e.g. parallel test runs) from splitting each other's partitions.
   */
  groupId?: string;
  /**
   * Where a group with no committed offset starts. Default true (a new deployment builds the read
   * model from the retained history). Short-lived groups (test stacks) start at the end instead.
   */
  fromBeginning?: boolean;
  /** Attempts before an event is dead-lettered. Default: the bus default (5). */
  maxAttempts?: number;
  /** Base backoff between attempts, ms. Default: the bus default. */
  retryBackoffMs?: number;
}

export interface PipelineSummaryConsumerDeps extends ConsumerTuning {
  bus: EventBus;
  projection: DealProjection;
  logger: Logger;
}

export function subscribePipelineSummary({ bus, projection, logger, ...tuning }: PipelineSummaryConsumerDeps): Promise<BusSubscription> {
  return bus.subscribe({
    groupId: tuning.groupId ?? PIPELINE_SUMMARY_CONSUMER,
    topics: [topicOf('sales')],
    fromBeginning: tuning.fromBeginning ?? true,
    ...(tuning.maxAttempts !== undefined ? { maxAttempts: tuning.maxAttempts } : {}),
    ...(tuning.retryBackoffMs !== undefined ? { retryBackoffMs: tuning.retryBackoffMs } : {}),
    handler: async (event, meta) => {
      const outcome = await projection.apply(event);
      logger.debug({ eventId: event.id, type: event.type, tenantId: event.tenantId, partition: meta.partition, offset: meta.offset, outcome }, 'sales event consumed');
    },
  });
}
