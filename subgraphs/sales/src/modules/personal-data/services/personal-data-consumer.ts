/** Subscribes the sales step of personal-data erasures to the customer events (group `sales.personal-data`). */
import { subscribeApplying, topicOf, type BusSubscription, type ConsumerTuning, type EventBus } from '@crm/events';
import type { Logger } from '@crm/runtime';
import { PERSONAL_DATA_CONSUMER, type SalesPersonalData } from './personal-data.ts';

export interface SalesPersonalDataConsumerDeps extends ConsumerTuning {
  bus: EventBus;
  handler: SalesPersonalData;
  logger: Logger;
}

export function subscribeSalesPersonalData({ bus, handler, logger, ...tuning }: SalesPersonalDataConsumerDeps): Promise<BusSubscription> {
  return subscribeApplying(bus, tuning, { groupId: PERSONAL_DATA_CONSUMER, topics: [topicOf('customer')], apply: handler.apply, logger, consumed: 'erasure request consumed' });
}
