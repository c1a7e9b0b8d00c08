import { randomUUID } from 'node:crypto';
import { currentTraceparent, inSpan, linkTo, SpanKind, tracingActive } from '@crm/runtime';

/** Envelope of every domain event (BRIEF.md). `type` is `<domain>.<aggregate>.<past_tense>`. */
export interface EventEnvelope<P = Record<string, unknown>> {
  id: string; // uuid
  type: string; // e.g. 'sales.deal.stage_changed'
  version: number; // schema version of `payload`
  tenantId: string;
  actor: EventActor;
  aggregateId: string;
  occurredAt: string; // ISO-8601
  payload: P;
  /**
   * W3C `traceparent` of the span the event was created in (absent when tracing is off); a
   * consumer's span links to it, so a trace shows what an event led to.
   */
  traceparent?: string;
}

/** Who caused the event: a signed-in user, an API key, or the system itself (jobs, workflows). */
export interface EventActor {
  userId: string | null;
  kind: 'user' | 'system' | 'apikey';
}

/** The domains that publish events, one topic each. */
export type EventDomain = 'customer' | 'sales' | 'analytics' | 'platform' | 'integration';

export type CreateEventInput<P extends Record<string, unknown>> = Omit<EventEnvelope<P>, 'id' | 'occurredAt' | 'version' | 'traceparent'> & {
  version?: number;
  occurredAt?: Date;
};

const EVENT_TYPE = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*){2,}$/;
const ACTOR_KINDS: ReadonlySet<string> = new Set(['user', 'system', 'apikey']);

/** Builds an event with a fresh id, `occurredAt` = now (unless given) and version 1 (unless given). */
export function createEvent<P extends Record<string, unknown>>(input: CreateEventInput<P>): EventEnvelope<P> {
  if (!EVENT_TYPE.test(input.type)) {
    throw new TypeError(`Event type "${input.type}" must look like <domain>.<aggregate>.<past_tense_verb>`);
  }
  if (!input.tenantId) throw new TypeError('Event tenantId is required');
  if (!input.aggregateId) throw new TypeError('Event aggregateId is required');
  const version = input.version ?? 1;
  if (!Number.isInteger(version) || version < 1) throw new TypeError(`Event version must be a positive integer, got ${version}`);
  const traceparent = currentTraceparent();
  return {
    id: randomUUID(),
    type: input.type,
    version,
    tenantId: input.tenantId,
    actor: { userId: input.actor.userId, kind: input.actor.kind },
    aggregateId: input.aggregateId,
    occurredAt: (input.occurredAt ?? new Date()).toISOString(),
    payload: input.payload,
    ...(traceparent ? { traceparent } : {}),
  };
}

/** Kafka topic of a domain's events: `crm.<domain>.events`. */
export function topicOf(domain: EventDomain): string {
  return `crm.${domain}.events`;
}

/** Dead-letter topic of a topic: `<topic>.dlq`. */
export function dlqTopicOf(topic: string): string {
  return `${topic}.dlq`;
}

/** Raised when a message on the wire is not a valid event envelope. */
export class MalformedEventError extends Error {
  override readonly name = 'MalformedEventError';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Parses and validates a serialized envelope; throws `MalformedEventError` when it is not one. */
export function parseEvent(raw: string): EventEnvelope {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (error) {
    throw new MalformedEventError(`Event is not valid JSON: ${(error as Error).message}`);
  }
  if (!isRecord(value)) throw new MalformedEventError('Event is not a JSON object');
  const { id, type, version, tenantId, actor, aggregateId, occurredAt, payload } = value;
  const problems: string[] = [];
  if (typeof id !== 'string' || !id) problems.push('id');
  if (typeof type !== 'string' || !type) problems.push('type');
  if (typeof version !== 'number' || !Number.isInteger(version)) problems.push('version');
  if (typeof tenantId !== 'string' || !tenantId) problems.push('tenantId');
  if (typeof aggregateId !== 'string' || !aggregateId) problems.push('aggregateId');
  if (typeof occurredAt !== 'string' || Number.isNaN(Date.parse(occurredAt))) problems.push('occurredAt');
  if (!isRecord(payload)) problems.push('payload');
  if (value['traceparent'] !== undefined && typeof value['traceparent'] !== 'string') problems.push('traceparent');
  if (
    !isRecord(actor) ||
    typeof actor.kind !== 'string' ||
    !ACTOR_KINDS.has(actor.kind) ||
    (actor.userId !== null && typeof actor.userId !== 'string')
  ) {
    problems.push('actor');
  }
  if (problems.length > 0) throw new MalformedEventError(`Event has invalid fields: ${problems.join(', ')}`);
  return value as unknown as EventEnvelope;
}

/** Serializes an envelope for the wire (JSON). */
export function serializeEvent(event: EventEnvelope): string {
  return JSON.stringify(event);
}

/**
 * Runs a consumer's handling of one event in a CONSUMER span (`<topic> process`) that starts a
 * trace of its own and links to the span that created the event (`traceparent`). Without tracing
 * it only runs `handle`.
 */
export function traceConsume<T>(groupId: string, topic: string, event: EventEnvelope, handle: () => Promise<T>): Promise<T> {
  if (!tracingActive()) return handle();
  const link = linkTo(event.traceparent);
  return inSpan(
    'crm.events',
    `${topic} process`,
    {
      kind: SpanKind.CONSUMER,
      root: true,
      links: link ? [link] : [],
      attributes: { 'messaging.destination.name': topic, 'messaging.consumer.group.name': groupId, 'messaging.message.id': event.id, 'crm.event.type': event.type },
    },
    handle,
  );
}
