/**
 * Subscribes the customer side of the lead-conversion saga to the sales events (consumer group
 * `customer.lead-conversion`). A handler failure is retried by the bus and, after `maxAttempts`,
 * the event goes to the dead-letter topic so later events keep flowing.
 */
import { topicOf, subscribeTuned, type BusSubscription, type ConsumerTuning, type EventBus } from '@crm/events';
import type { Logger } from '@crm/runtime';
import { LEAD_CONVERSION_CONSUMER, type DealStepHandler } from './deal-step.ts';

export interface LeadConversionConsumerDeps extends ConsumerTuning {
  bus: EventBus;
  handler: DealStepHandler;
  logger: Logger;
}

export function subscribeLeadConversion({ bus, handler, logger, ...tuning }: LeadConversionConsumerDeps): Promise<BusSubscription> {
  return subscribeTuned(bus, tuning, {
    groupId: LEAD_CONVERSION_CONSUMER,
    topics: [topicOf('sales')],
    /** Where a group with no committed offset starts. Default true (no answer of sales is missed). */
    fromBeginning: true,
    handler: async (event, meta) => {
      const outcome = await handler.apply(event);
      if (outcome !== 'ignored') {
        logger.debug({ eventId: event.id, type: event.type, tenantId: event.tenantId, partition: meta.partition, offset: meta.offset, outcome }, 'sales event consumed');
      }
    },
  });
}
