/**
 * Subscribes the audit log to the events of every domain (consumer group `platform.audit`).
 * Delivery is at least once; `AuditLogService.record` makes a repeat a no-op. A handler failure is
 * retried by the bus and, after `maxAttempts`, the event goes to the dead-letter topic.
 */
import { topicOf, subscribeTuned, type BusSubscription, type ConsumerTuning, type EventBus, type EventDomain } from '@crm/events';
import type { Logger } from '@crm/runtime';
import { AUDIT_CONSUMER, type AuditLogService } from './audit-log.ts';

/** Every domain that publishes events. */
export const AUDITED_DOMAINS: readonly EventDomain[] = ['platform', 'customer', 'sales', 'analytics', 'integration'];

/**
 * Events that change no record anyone acted on: a notification delivered to a user follows from
 * an audited change and would only repeat it.
 */
export const UNAUDITED_TYPES: ReadonlySet<string> = new Set(['platform.notification.created']);

export interface AuditConsumerDeps extends ConsumerTuning {
  bus: EventBus;
  auditLog: AuditLogService;
  logger: Logger;
}

export function subscribeAuditLog({ bus, auditLog, logger, ...tuning }: AuditConsumerDeps): Promise<BusSubscription> {
  return subscribeTuned(bus, tuning, {
    groupId: AUDIT_CONSUMER,
    topics: AUDITED_DOMAINS.map(topicOf),
    /** Where a group without a committed offset starts. Default true: the whole retained history is audited. */
    fromBeginning: true,
    handler: async (event) => {
      if (UNAUDITED_TYPES.has(event.type)) return;
      const outcome = await auditLog.record(event);
      logger.debug({ eventId: event.id, type: event.type, tenantId: event.tenantId, outcome }, 'event audited');
    },
  });
}
