/**
 * Fans one sales event out to the board subscribers of its tenant and pipeline.
 *
 * Subscribers are indexed by `${tenantId}:${pipelineId}`, so an event is only ever matched
 * against its own tenant. The `deal` selection is fetched once per distinct
 * (tenant, user, roles, selection, variables) for the event and shared by everyone in that
 * group; each subscriber then gets exactly the fields they asked for, in event order.
 */
import type { EventEnvelope } from '@crm/events';
import type { Identity, Logger } from '@crm/runtime';
import type { ExecutionResult, GraphQLSchema } from '../graphql.ts';
import { readBoardEvent, type BoardChange } from './board-event.ts';
import { DEAL_ID_VARIABLE, renderBoardEvent, type BoardSubscriptionPlan, type FederatedResult } from './board-subscription.ts';
import type { EventQueue } from './event-queue.ts';
import type { RunFederated } from './federated.ts';
import { SubscriberRegistry } from './subscriber-registry.ts';

export interface BoardSubscriber {
  tenantId: string;
  pipelineId: string;
  identity: Identity;
  plan: BoardSubscriptionPlan;
  schema: GraphQLSchema;
  queue: EventQueue<ExecutionResult>;
}

export class BoardFanout {
  readonly registry = new SubscriberRegistry<BoardSubscriber>();

  constructor(
    private readonly run: RunFederated,
    private readonly log: Logger,
  ) {}

  /** Delivers one event; never throws (a failed subscriber is logged, the others still receive). */
  async deliver(event: EventEnvelope): Promise<void> {
    const reading = readBoardEvent(event);
    if (reading.kind === 'malformed') this.log.warn({ eventId: event.id, type: event.type, reason: reading.reason }, 'skipping malformed board event');
    if (reading.kind !== 'change') return;
    const change = reading.change;
    const subscribers = this.registry.subscribersOf(change.tenantId, change.pipelineId);
    if (!subscribers.length) return;
    const deals = new Map<string, Promise<FederatedResult>>();
    await Promise.all(
      subscribers.map(async (subscriber) => {
        try {
          const result = await renderBoardEvent(subscriber.schema, subscriber.plan, change, await this.dealFor(subscriber, change, deals));
          subscriber.queue.push(result);
        } catch (error) {
          this.log.error({ err: error, eventId: change.eventId }, 'could not render a board event');
        }
      }),
    );
  }

  private dealFor(subscriber: BoardSubscriber, change: BoardChange, shared: Map<string, Promise<FederatedResult>>): Promise<FederatedResult> | null {
    const dealQuery = subscriber.plan.dealQuery;
    if (!dealQuery) return null;
    const { identity } = subscriber;
    const variables = { ...dealQuery.variables, [DEAL_ID_VARIABLE]: change.dealId };
    const key = [change.tenantId, identity.userId ?? '', [...identity.roles].sort().join(','), dealQuery.query, JSON.stringify(variables)].join('\u0000');
    let pending = shared.get(key);
    if (!pending) {
      pending = this.run({ query: dealQuery.query, variables }, { ...identity, requestId: `event-${change.eventId}` }).catch((error: unknown) => {
        this.log.error({ err: error, eventId: change.eventId }, 'could not resolve the deal of a board event');
        return { errors: [{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] };
      });
      shared.set(key, pending);
    }
    return pending;
  }
}
