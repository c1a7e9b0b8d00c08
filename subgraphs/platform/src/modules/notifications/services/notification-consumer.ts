/**
 * Subscribes notifications to the sales and customer events (consumer group `platform.notifications`).
 * Delivery is at least once; `NotificationService.consume` makes a repeat a no-op. A handler
 * failure is retried by the bus and, after `maxAttempts`, the event goes to the dead-letter topic.
 */
import { topicOf, type BusSubscription, type EventBus, type EventDomain } from '@crm/events';
import type { Logger } from '@crm/runtime';
import { NOTIFICATIONS_CONSUMER, type NotificationService } from './notifications.ts';

/** Domains whose events notify users. */
export const NOTIFYING_DOMAINS: readonly EventDomain[] = ['sales', 'customer'];

export interface NotificationConsumerTuning {
  /** Consumer group. Default `platform.notifications`. Override only to keep stacks sharing one Kafka cluster apart. */
  groupId?: string;
  /**
   * Where a group without a committed offset starts. Default false: notifications are about what
   * happens from now on; a new group does not replay history as a flood of notifications and emails.
   */
  fromBeginning?: boolean;
  /** Attempts before an event is dead-lettered. Default: the bus default (5). */
  maxAttempts?: number;
  /** Base backoff between attempts, ms. Default: the bus default. */
  retryBackoffMs?: number;
}

export interface NotificationConsumerDeps extends NotificationConsumerTuning {
  bus: EventBus;
  notifications: NotificationService;
  logger: Logger;
}

export function subscribeNotifications({ bus, notifications, logger, ...tuning }: NotificationConsumerDeps): Promise<BusSubscription> {
  return bus.subscribe({
    groupId: tuning.groupId ?? NOTIFICATIONS_CONSUMER,
    topics: NOTIFYING_DOMAINS.map(topicOf),
    fromBeginning: tuning.fromBeginning ?? false,
    ...(tuning.maxAttempts !== undefined ? { maxAttempts: tuning.maxAttempts } : {}),
    ...(tuning.retryBackoffMs !== undefined ? { retryBackoffMs: tuning.retryBackoffMs } : {}),
    handler: async (event) => {
      const result = await notifications.consume(event);
      if (result.outcome === 'processed' && result.created.length) {
        logger.debug({ eventId: event.id, type: event.type, tenantId: event.tenantId, created: result.created.length }, 'notifications written');
      }
    },
  });
}
