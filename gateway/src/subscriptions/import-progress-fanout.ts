/**
 * Fans one `customer.import.progressed` event out to the `importProgress` subscribers of that
 * import, and nobody else: subscribers are indexed by `${tenantId}:${importId}`, so an event is
 * only matched against its own tenant and import. Subscribers with the same selection share one
 * rendering per event.
 */
import type { EventEnvelope } from '@crm/events';
import type { Logger } from '@crm/runtime';
import type { ExecutionResult, GraphQLSchema } from '../graphql.ts';
import type { EventQueue } from './event-queue.ts';
import { readImportEvent, renderImportProgress, type ImportProgressPlan } from './import-progress.ts';
import { SubscriberRegistry } from './subscriber-registry.ts';

export interface ImportProgressSubscriber {
  tenantId: string;
  plan: ImportProgressPlan;
  schema: GraphQLSchema;
  queue: EventQueue<ExecutionResult>;
}

export class ImportProgressFanout {
  readonly registry = new SubscriberRegistry<ImportProgressSubscriber>((subscriber) => subscriber.plan.importId);

  constructor(private readonly log: Logger) {}

  /** Delivers one event to the import's subscribers; returns how many messages were queued. Never throws. */
  async deliver(event: EventEnvelope): Promise<number> {
    const reading = readImportEvent(event);
    if (reading.kind === 'malformed') this.log.warn({ eventId: event.id, type: event.type, reason: reading.reason }, 'skipping malformed import event');
    if (reading.kind !== 'progress') return 0;
    const { delivery } = reading;
    const groups = new Map<string, ImportProgressSubscriber[]>();
    for (const subscriber of this.registry.subscribersOf(delivery.tenantId, delivery.importId)) {
      if (subscriber.queue.closed) continue;
      const group = groups.get(subscriber.plan.key);
      if (group) group.push(subscriber);
      else groups.set(subscriber.plan.key, [subscriber]);
    }
    let delivered = 0;
    for (const members of groups.values()) {
      const first = members[0]!;
      try {
        const message = await renderImportProgress(first.schema, first.plan, delivery.progress);
        for (const member of members) if (member.queue.push(message)) delivered++;
      } catch (error) {
        this.log.error({ err: error, eventId: delivery.eventId }, 'could not render import progress');
      }
    }
    return delivered;
  }
}
