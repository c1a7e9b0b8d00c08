/**
 * One `notificationReceived` subscription: what the subscriber asked for, and how a
 * `platform.notification.created` event becomes the message they receive.
 *
 * `Notification` is a platform type made of plain fields, all carried by the event's payload, so
 * the subscriber's selection is executed over the payload itself (aliases, fragments,
 * `@skip`/`@include` and `__typename` behave as in any response) and no federated fetch is needed.
 * A selection of a field the payload does not carry is refused when subscribing (BAD_USER_INPUT),
 * so a field added to `Notification` later is never silently delivered as null.
 */
import { topicOf, type EventEnvelope } from '@crm/events';
import { badInput } from '../errors.ts';
import { execute, getOperationAST, type DocumentNode, type ExecutionResult, type GraphQLError, type GraphQLSchema } from '../graphql.ts';
import { collectFields, fragmentsOf } from './board-subscription.ts';
import { readSubscriptionRoot, undeliverableField } from './subscription-root.ts';

export const NOTIFICATION_FIELD = 'notificationReceived';
/** Event type of a new notification (platform outbox, topic `crm.platform.events`). */
export const NOTIFICATION_CREATED = 'platform.notification.created';
export const PLATFORM_EVENTS_TOPIC = topicOf('platform');

/** Fields of `Notification` the event payload carries. */
const DELIVERABLE_FIELDS: ReadonlySet<string> = new Set(['__typename', 'id', 'kind', 'title', 'body', 'recordType', 'recordId', 'read', 'readAt', 'createdAt']);

export interface NotificationSubscriptionPlan {
  document: DocumentNode;
  operationName: string | undefined;
  variableValues: Record<string, unknown>;
  /** Same key, same messages: the printed document, operation name and variables. */
  key: string;
}

/** A new notification for one user, read from its event. */
export interface NotificationDelivery {
  tenantId: string;
  recipientId: string;
  eventId: string;
  notification: Record<string, unknown>;
}

export type NotificationEventReading = { kind: 'notification'; delivery: NotificationDelivery } | { kind: 'ignored' } | { kind: 'malformed'; reason: string };

/** The root field a subscription document subscribes to (null when it names no operation or field). */
export function subscriptionRootField(document: DocumentNode, operationName: string | undefined): string | null {
  const operation = getOperationAST(document, operationName);
  if (!operation || operation.operation !== 'subscription') return null;
  return collectFields(operation.selectionSet, fragmentsOf(document))[0]?.name.value ?? null;
}

/** Reads a validated `notificationReceived` subscription document. */
export function planNotificationSubscription(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | undefined,
  rawVariables: Record<string, unknown> | null | undefined,
): NotificationSubscriptionPlan | readonly GraphQLError[] {
  const read = readSubscriptionRoot(schema, document, operationName, rawVariables, NOTIFICATION_FIELD);
  if (!('root' in read)) return read;
  const unknown = undeliverableField(read, DELIVERABLE_FIELDS);
  if (unknown) return [badInput(`Notification.${unknown.name.value} cannot be delivered live; ask for it with the notifications query`)];
  return { document, operationName, variableValues: read.variableValues, key: read.key };
}

const text = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);

/** Reads one platform event as a notification for its recipient. */
export function readNotificationEvent(event: EventEnvelope): NotificationEventReading {
  if (event.type !== NOTIFICATION_CREATED) return { kind: 'ignored' };
  const recipientId = text(event.payload['recipientId']);
  const notification = event.payload['notification'];
  if (!recipientId || notification === null || typeof notification !== 'object' || !text((notification as Record<string, unknown>)['id'])) {
    return { kind: 'malformed', reason: 'payload needs recipientId and a notification with an id' };
  }
  return { kind: 'notification', delivery: { tenantId: event.tenantId, recipientId, eventId: event.id, notification: notification as Record<string, unknown> } };
}

/** The message one subscriber receives for one notification. */
export async function renderNotification(schema: GraphQLSchema, plan: NotificationSubscriptionPlan, notification: Record<string, unknown>): Promise<ExecutionResult> {
  const source = { ...notification, read: notification['readAt'] !== null && notification['readAt'] !== undefined };
  return execute({
    schema,
    document: plan.document,
    operationName: plan.operationName,
    variableValues: plan.variableValues,
    rootValue: { [NOTIFICATION_FIELD]: source },
  });
}
