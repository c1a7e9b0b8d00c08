/**
 * Subscribes the erasure saga's customer side to the answers of the other subgraphs (consumer
 * group `customer.personal-data`, topics of sales and platform).
 */
import { subscribeApplying, topicOf, type BusSubscription, type ConsumerTuning, type EventBus } from '@crm/events';
import type { Logger } from '@crm/runtime';
import { PERSONAL_DATA_CONSUMER, type PersonalDataService } from './personal-data.ts';

export interface PersonalDataConsumerDeps extends ConsumerTuning {
  bus: EventBus;
  service: PersonalDataService;
  logger: Logger;
}

export function subscribePersonalDataAnswers({ bus, service, logger, ...tuning }: PersonalDataConsumerDeps): Promise<BusSubscription> {
  return subscribeApplying(bus, tuning, {
    groupId: PERSONAL_DATA_CONSUMER,
    topics: [topicOf('sales'), topicOf('platform')],
    apply: (event) => service.applyAnswer(event),
    logger,
    consumed: 'erasure answer consumed',
  });
}
