/**
 * Fans one sales event out to the board subscribers of its tenant and pipeline.
 *
 * Subscribers are indexed by `${tenantId}:${pipelineId}`, so an event is only ever matched
 * against its own tenant.
 *
 * Authorization is per subscriber and per event: the deal is resolved through the federated
 * query path with the subscriber's own identity (the access probe of their deal query). When it
 * does not resolve (another owner for a Sales Rep), that subscriber does not get the event; the
 * others still do. A transient failure (a busy or unavailable subgraph) is retried a bounded
 * number of times; if the deal still cannot be resolved the event is withheld (fail closed) and
 * the client recovers it with `pipelineBoardChanges`. A deleted deal cannot be resolved any more: DEAL_DELETED goes
 * with `deal: null` to every subscriber of the board, who were all allowed to see the pipeline
 * and only learn the id of a card that is gone.
 *
 * Work is shared: subscribers are grouped by (user, roles, printed subscription and variables).
 * Each group costs one federated fetch and one rendering per event, whatever its size; the
 * message is then pushed to every member's queue. Consecutive events are prepared concurrently
 * (`accept`) and queued in stream order per board.
 */
import type { EventEnvelope } from '@crm/events';
import type { Identity, Logger } from '@crm/runtime';
import type { ExecutionResult, GraphQLSchema } from '../graphql.ts';
import { readBoardEvent, type BoardChange } from './board-event.ts';
import { ACCESS_PROBE, DEAL_ID_VARIABLE, renderBoardEvent, type BoardSubscriptionPlan, type FederatedRequest, type FederatedResult } from './board-subscription.ts';
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

/** What one event cost: federated fetches, renderings and messages queued (for tests and metrics). */
export interface DeliveryStats {
  fetches: number;
  renders: number;
  delivered: number;
  /** Subscribers the deal did not resolve for. */
  withheld: number;
}

export interface FanoutOptions {
  /** Further attempts at resolving a deal after a transient failure (e.g. a busy subgraph). Default 2. */
  retries?: number;
  /** Wait before the first retry, ms; each further one waits 4 times longer. Default 250. */
  retryDelayMs?: number;
}

/** Answers that settle whether the subscriber may read the deal: no point asking again. */
const FINAL_CODES = new Set(['FORBIDDEN', 'NOT_FOUND', 'UNAUTHENTICATED', 'BAD_USER_INPUT', 'GRAPHQL_VALIDATION_FAILED']);

/** An event's rendered messages, waiting for their turn to be queued. */
interface Staged {
  stats: DeliveryStats;
  messages: Array<{ members: BoardSubscriber[]; message: ExecutionResult }>;
}

/** Who a subscriber is, as far as authorization goes. */
export const identityKey = (identity: Identity): string => [identity.tenantId ?? '', identity.userId ?? '', [...identity.roles].sort().join(',')].join('\u0000');

export class BoardFanout {
  readonly registry = new SubscriberRegistry<BoardSubscriber>((subscriber) => subscriber.pipelineId);

  private readonly retries: number;
  private readonly retryDelayMs: number;

  constructor(
    private readonly run: RunFederated,
    private readonly log: Logger,
    options: FanoutOptions = {},
  ) {
    this.retries = options.retries ?? 2;
    this.retryDelayMs = options.retryDelayMs ?? 250;
  }

  /** Per board, the promise that settles once its latest event is queued. */
  private readonly tails = new Map<string, Promise<void>>();
  private inFlight = 0;

  /**
   * Hands over the next event of the stream. Its deal is resolved and its messages rendered at
   * once, concurrently with the events before it, but they are queued only after those of earlier
   * events of the same board, so every subscriber receives its board's events in stream order
   * (a slow event of one board never holds up another board). Resolves when the caller may hand
   * over the next event: at once, or when `maxInFlight` events are being prepared, after they are queued.
   */
  async accept(event: EventEnvelope, maxInFlight = 64): Promise<void> {
    const pipelineId = event.payload['pipelineId'];
    const board = `${event.tenantId}:${typeof pipelineId === 'string' ? pipelineId : ''}`;
    const staged = this.stage(event);
    this.inFlight++;
    const previous = this.tails.get(board) ?? Promise.resolve();
    const tail: Promise<void> = previous
      .then(() => staged)
      .then((ready) => void this.push(ready))
      .catch((error: unknown) => this.log.error({ err: error, eventId: event.id }, 'board event delivery failed'))
      .finally(() => {
        this.inFlight--;
        if (this.tails.get(board) === tail) this.tails.delete(board);
      });
    this.tails.set(board, tail);
    if (this.inFlight >= maxInFlight) await this.drained();
  }

  /** Resolves once every event handed over so far is queued. */
  async drained(): Promise<void> {
    while (this.tails.size) await Promise.all(this.tails.values());
  }

  /** Delivers one event by itself; never throws (a failed group is logged, the others still receive). */
  async deliver(event: EventEnvelope): Promise<DeliveryStats> {
    return this.push(await this.stage(event));
  }

  /** Resolves the deal once per subscriber group and renders each group's message. */
  private async stage(event: EventEnvelope): Promise<Staged> {
    const stats: DeliveryStats = { fetches: 0, renders: 0, delivered: 0, withheld: 0 };
    const reading = readBoardEvent(event);
    if (reading.kind === 'malformed') this.log.warn({ eventId: event.id, type: event.type, reason: reading.reason }, 'skipping malformed board event');
    if (reading.kind !== 'change') return { stats, messages: [] };
    const change = reading.change;
    const groups = new Map<string, BoardSubscriber[]>();
    for (const subscriber of this.registry.subscribersOf(change.tenantId, change.pipelineId)) {
      if (subscriber.queue.closed) continue;
      const key = `${identityKey(subscriber.identity)}\u0000${subscriber.plan.key}`;
      const group = groups.get(key);
      if (group) group.push(subscriber);
      else groups.set(key, [subscriber]);
    }
    const fetches = new Map<string, Promise<FederatedResult>>();
    const messages = await Promise.all(
      [...groups.values()].map(async (members): Promise<Staged['messages'][number] | null> => {
        const first = members[0]!;
        try {
          let deals: FederatedResult | null = null;
          if (change.type !== 'DEAL_DELETED') {
            deals = await this.dealFor(first, change, fetches, stats);
            if (!readable(deals)) {
              if (deals.errors?.length) this.log.warn({ eventId: change.eventId, code: deals.errors[0]?.extensions?.['code'] }, 'withholding a board event whose deal could not be resolved');
              stats.withheld += members.length;
              return null;
            }
          }
          const message = await renderBoardEvent(first.schema, first.plan, change, deals);
          stats.renders++;
          return { members, message };
        } catch (error) {
          this.log.error({ err: error, eventId: change.eventId }, 'could not render a board event');
          return null;
        }
      }),
    );
    return { stats, messages: messages.filter((m) => m !== null) };
  }

  private push({ stats, messages }: Staged): DeliveryStats {
    for (const { members, message } of messages) {
      for (const member of members) if (member.queue.push(message)) stats.delivered++;
    }
    return stats;
  }

  /**
   * Resolves the deal as the subscriber; repeats after a transient failure, so a busy subgraph
   * delays the event instead of withholding it (later events of the board wait for it, in order).
   */
  private async fetch(request: FederatedRequest, identity: Identity, eventId: string): Promise<FederatedResult> {
    for (let attempt = 0; ; attempt++) {
      const result = await this.run(request, { ...identity, requestId: `event-${eventId}` }).catch((error: unknown): FederatedResult => {
        this.log.error({ err: error, eventId }, 'could not resolve the deal of a board event');
        return { errors: [{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] };
      });
      if (attempt >= this.retries || !transient(result)) return result;
      await new Promise((resolve) => setTimeout(resolve, this.retryDelayMs * 4 ** attempt));
    }
  }

  private dealFor(subscriber: BoardSubscriber, change: BoardChange, shared: Map<string, Promise<FederatedResult>>, stats: DeliveryStats): Promise<FederatedResult> {
    const { dealQuery } = subscriber.plan;
    const { identity } = subscriber;
    const variables = { ...dealQuery.variables, [DEAL_ID_VARIABLE]: change.dealId };
    const key = [identityKey(identity), dealQuery.query, JSON.stringify(variables)].join('\u0000');
    let pending = shared.get(key);
    if (!pending) {
      stats.fetches++;
      pending = this.fetch({ query: dealQuery.query, variables }, identity, change.eventId);
      shared.set(key, pending);
    }
    return pending;
  }
}

/** A failed fetch worth repeating: the deal did not resolve and an error other than a final answer says why. */
function transient(result: FederatedResult): boolean {
  return !readable(result) && !!result.errors?.length && !result.errors.some((error) => FINAL_CODES.has(String(error.extensions?.['code'])));
}

/** Whether the subscriber's access probe resolved the deal. */
function readable(result: FederatedResult): boolean {
  const probe = result.data?.[ACCESS_PROBE];
  return typeof probe === 'object' && probe !== null;
}
