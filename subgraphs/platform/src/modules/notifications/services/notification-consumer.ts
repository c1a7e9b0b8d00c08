/**
 * Subscribes notifications to the sales and customer events (consumer group `platform.notifications`).
 * Delivery is at least once; `NotificationService.consume` makes a repeat a no-op. A handler
 * failure is retried by the bus and, after `maxAttempts`, the event goes to the dead-letter topic.
 */
import { topicOf, subscribeTuned, type BusSubscription, type ConsumerTuning, type EventBus, type EventDomain } from '@crm/events';
import type { Logger } from '@crm/runtime';
import { NOTIFICATIONS_CONSUMER, type NotificationService } from './notifications.ts';

/** Domains whose events notify users. */
export const NOTIFYING_DOMAINS: readonly EventDomain[] = ['sales', 'customer'];

export interface NotificationConsumerDeps extends ConsumerTuning {
  bus: EventBus;
  notifications: NotificationService;
  logger: Logger;
}

export function subscribeNotifications({ bus, notifications, logger, ...tuning }: NotificationConsumerDeps): Promise<BusSubscription> {
  return subscribeTuned(bus, tuning, {
    groupId: NOTIFICATIONS_CONSUMER,
    topics: NOTIFYING_DOMAINS.map(topicOf),
    /**
     * Where a group without a committed offset starts. Default false: notifications are about what
     * happens from now on; a new group does not replay history as a flood of notifications and emails.
     */
    fromBeginning: false,
    handler: async (event) => {
      const result = await notifications.consume(event);
      if (result.outcome === 'processed' && result.created.length) {
        logger.debug({ eventId: event.id, type: event.type, tenantId: event.tenantId, created: result.created.length }, 'notifications written');
      }
    },
  });
}
