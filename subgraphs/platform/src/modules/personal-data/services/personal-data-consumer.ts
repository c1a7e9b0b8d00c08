/** Subscribes the platform step of personal-data erasures to the customer events (group `platform.personal-data`). */
import { subscribeApplying, topicOf, type BusSubscription, type ConsumerTuning, type EventBus } from '@crm/events';
import type { Logger } from '@crm/runtime';
import { PERSONAL_DATA_CONSUMER, type PlatformPersonalData } from './personal-data.ts';

export interface PlatformPersonalDataConsumerDeps extends ConsumerTuning {
  bus: EventBus;
  handler: PlatformPersonalData;
  logger: Logger;
}

export function subscribePlatformPersonalData({ bus, handler, logger, ...tuning }: PlatformPersonalDataConsumerDeps): Promise<BusSubscription> {
  return subscribeApplying(bus, tuning, { groupId: PERSONAL_DATA_CONSUMER, topics: [topicOf('customer')], apply: handler.apply, logger, consumed: 'erasure request consumed' });
}
