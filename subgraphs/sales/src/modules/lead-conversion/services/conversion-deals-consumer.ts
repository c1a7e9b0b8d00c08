/** Subscribes the deal step of lead conversions to the customer events (consumer group `sales.lead-conversion`). */
import { subscribeApplying, topicOf, type BusSubscription, type ConsumerTuning, type EventBus } from '@crm/events';
import type { Logger } from '@crm/runtime';
import { LEAD_CONVERSION_DEALS_CONSUMER, type ConversionDealHandler } from './conversion-deals.ts';

export interface ConversionDealsConsumerDeps extends ConsumerTuning {
  bus: EventBus;
  handler: ConversionDealHandler;
  logger: Logger;
}

export function subscribeConversionDeals({ bus, handler, logger, ...tuning }: ConversionDealsConsumerDeps): Promise<BusSubscription> {
  return subscribeApplying(bus, tuning, { groupId: LEAD_CONVERSION_DEALS_CONSUMER, topics: [topicOf('customer')], apply: handler.apply, logger, consumed: 'customer event consumed' });
}
