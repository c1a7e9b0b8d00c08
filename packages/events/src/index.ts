/**
 * @crm/events — event envelope, transactional outbox, Kafka relay and idempotent consumers.
 * See README.md for the outbox tables every subgraph schema contains.
 */
export {
  createEvent,
  topicOf,
  dlqTopicOf,
  parseEvent,
  serializeEvent,
  MalformedEventError,
  type EventEnvelope,
  type EventActor,
  type EventDomain,
  type CreateEventInput,
} from './envelope.ts';
export {
  byAggregate,
  DEFAULT_MAX_ATTEMPTS,
  DEFAULT_RETRY_BACKOFF_MS,
  subscribeApplying,
  subscribeTuned,
  type ApplyingConsumer,
  type ConsumerLag,
  type ConsumerTuning,
  type EventBus,
  type OrderingKey,
  type PublishOptions,
  type EventHandlerMeta,
  type EventLogger,
  type SubscribeOptions,
  type BusSubscription,
} from './bus.ts';
export { createKafkaBus, EVENT_HEADERS, DLQ_HEADERS, type KafkaBusOptions } from './kafka-bus.ts';
export { createInProcessBus, type InProcessBus, type InProcessBusOptions, type DeadLetter } from './in-process-bus.ts';
export {
  appendOutbox,
  markProcessed,
  createOutboxRelay,
  type RawSql,
  type TransactionalSql,
  type TransactionLimits,
  type OutboxRelay,
  type OutboxRelayOptions,
} from './outbox.ts';
