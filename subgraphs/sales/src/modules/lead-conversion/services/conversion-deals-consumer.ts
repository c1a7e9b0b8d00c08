/**
 * Subscribes the deal step of lead conversions to the customer events (consumer group
 * `sales.lead-conversion`). A handler failure is retried by the bus and, after `maxAttempts`,
 * the event goes to the dead-letter topic so later events keep flowing.
 */
import { topicOf, subscribeTuned, type BusSubscription, type ConsumerTuning, type EventBus } from '@crm/events';
import type { Logger } from '@crm/runtime';
import { LEAD_CONVERSION_DEALS_CONSUMER, type ConversionDealHandler } from './conversion-deals.ts';

export interface ConversionDealsConsumerDeps extends ConsumerTuning {
  bus: EventBus;
  handler: ConversionDealHandler;
  logger: Logger;
}

export function subscribeConversionDeals({ bus, handler, logger, ...tuning }: ConversionDealsConsumerDeps): Promise<BusSubscription> {
  return subscribeTuned(bus, tuning, {
    groupId: LEAD_CONVERSION_DEALS_CONSUMER,
    topics: [topicOf('customer')],
    /** Where a group with no committed offset starts. Default true (no conversion request is missed). */
    fromBeginning: true,
    handler: async (event, meta) => {
      const outcome = await handler.apply(event);
      if (outcome !== 'ignored') {
        logger.debug({ eventId: event.id, type: event.type, tenantId: event.tenantId, partition: meta.partition, offset: meta.offset, outcome }, 'customer event consumed');
      }
    },
  });
}
