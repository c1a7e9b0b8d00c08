/** Subscribes the customer side of the lead-conversion saga to the sales events (consumer group `customer.lead-conversion`). */
import { subscribeApplying, topicOf, type BusSubscription, type ConsumerTuning, type EventBus } from '@crm/events';
import type { Logger } from '@crm/runtime';
import { LEAD_CONVERSION_CONSUMER, type DealStepHandler } from './deal-step.ts';

export interface LeadConversionConsumerDeps extends ConsumerTuning {
  bus: EventBus;
  handler: DealStepHandler;
  logger: Logger;
}

export function subscribeLeadConversion({ bus, handler, logger, ...tuning }: LeadConversionConsumerDeps): Promise<BusSubscription> {
  return subscribeApplying(bus, tuning, { groupId: LEAD_CONVERSION_CONSUMER, topics: [topicOf('sales')], apply: handler.apply, logger, consumed: 'sales event consumed' });
}
