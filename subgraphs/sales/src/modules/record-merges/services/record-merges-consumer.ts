/** Subscribes the record-merge handler to the customer events (consumer group `sales.record-merges`). */
import { subscribeApplying, topicOf, type BusSubscription, type ConsumerTuning, type EventBus } from '@crm/events';
import type { Logger } from '@crm/runtime';
import { RECORD_MERGES_CONSUMER, type RecordMergeHandler } from './record-merges.ts';

export interface RecordMergesConsumerDeps extends ConsumerTuning {
  bus: EventBus;
  handler: RecordMergeHandler;
  logger: Logger;
}

export function subscribeRecordMerges({ bus, handler, logger, ...tuning }: RecordMergesConsumerDeps): Promise<BusSubscription> {
  return subscribeApplying(bus, tuning, { groupId: RECORD_MERGES_CONSUMER, topics: [topicOf('customer')], apply: handler.apply, logger, consumed: 'customer merge consumed' });
}
