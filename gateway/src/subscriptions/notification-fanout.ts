/**
 * Fans one `platform.notification.created` event out to the `notificationReceived` subscribers of
 * its recipient, and nobody else: subscribers are indexed by `${tenantId}:${userId}`, so an event
 * is only ever matched against its own tenant and user.
 *
 * Subscribers of the same user with the same selection share one rendering per event.
 */
import type { EventEnvelope } from '@crm/events';
import type { Logger } from '@crm/runtime';
import type { ExecutionResult, GraphQLSchema } from '../graphql.ts';
import type { EventQueue } from './event-queue.ts';
import { readNotificationEvent, renderNotification, type NotificationSubscriptionPlan } from './notification-subscription.ts';
import { SubscriberRegistry } from './subscriber-registry.ts';

export interface NotificationSubscriber {
  tenantId: string;
  userId: string;
  plan: NotificationSubscriptionPlan;
  schema: GraphQLSchema;
  queue: EventQueue<ExecutionResult>;
}

/** What one event cost: renderings and messages queued (for tests and metrics). */
export interface NotificationDeliveryStats {
  renders: number;
  delivered: number;
}

export class NotificationFanout {
  readonly registry = new SubscriberRegistry<NotificationSubscriber>((subscriber) => subscriber.userId);

  constructor(private readonly log: Logger) {}

  /** Delivers one event to its recipient's subscribers; never throws (a failed rendering is logged). */
  async deliver(event: EventEnvelope): Promise<NotificationDeliveryStats> {
    const stats: NotificationDeliveryStats = { renders: 0, delivered: 0 };
    const reading = readNotificationEvent(event);
    if (reading.kind === 'malformed') this.log.warn({ eventId: event.id, type: event.type, reason: reading.reason }, 'skipping malformed notification event');
    if (reading.kind !== 'notification') return stats;
    const { delivery } = reading;
    const groups = new Map<string, NotificationSubscriber[]>();
    for (const subscriber of this.registry.subscribersOf(delivery.tenantId, delivery.recipientId)) {
      if (subscriber.queue.closed) continue;
      const group = groups.get(subscriber.plan.key);
      if (group) group.push(subscriber);
      else groups.set(subscriber.plan.key, [subscriber]);
    }
    for (const members of groups.values()) {
      const first = members[0]!;
      try {
        const message = await renderNotification(first.schema, first.plan, delivery.notification);
        stats.renders++;
        for (const member of members) if (member.queue.push(message)) stats.delivered++;
      } catch (error) {
        this.log.error({ err: error, eventId: delivery.eventId }, 'could not render a notification');
      }
    }
    return stats;
  }
}
