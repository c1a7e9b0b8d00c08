/**
 * Which domain events notify whom. Pure: the consumer supplies what it knows (the deal's owner
 * from earlier events, the actor's name) and writes what comes out.
 *
 * | event                                   | recipient                   | kind     |
 * |-----------------------------------------|-----------------------------|----------|
 * | `sales.deal.created` with an owner      | the owner                   | ASSIGNED |
 * | `sales.deal.updated` changing `ownerId` | the new owner               | ASSIGNED |
 * | `sales.deal.won`                        | the deal's owner            | DEAL_WON |
 * | `customer.{contact,account,lead}.created` with an owner | the owner   | ASSIGNED |
 * | `customer.{contact,account}.updated` changing `ownerId` | the new owner | ASSIGNED |
 * | `sales.activity.created` mentioning users | each mentioned user | MENTIONED |
 * | `sales.activity.reminder_due`           | the assignee, else the creator | TASK_DUE |
 *
 * Activity notifications point at the record the activity is about (deal, contact, account, lead),
 * so opening one shows the activity in its context.
 * Nobody is notified about their own action: a recipient equal to the event's actor is dropped.
 */
import type { EventEnvelope } from '@crm/events';
import { isUuid } from '../../../lib/arguments.ts';

export type NotificationKind = 'ASSIGNED' | 'MENTIONED' | 'DEAL_WON' | 'TASK_DUE';

export interface NotificationIntent {
  recipientId: string;
  kind: NotificationKind;
  title: string;
  body: string;
  /** GraphQL type of the record, e.g. `Deal`. */
  recordType: string;
  recordId: string;
}

/** What the consumer knows besides the event. */
export interface RuleContext {
  /** Owner of the event's deal as last seen (for `sales.deal.won`); undefined when unknown. */
  dealOwnerId?: string | null;
  /** Display name of the user who acted; null for the system or an API key. */
  actorName: string | null;
}

/** The deal owner to remember after an event (undefined: the event says nothing about the owner). */
export function dealOwnerAfter(event: EventEnvelope): { dealId: string; ownerId: string | null } | undefined {
  const payload = event.payload;
  if (event.type === 'sales.deal.created') return { dealId: event.aggregateId, ownerId: uuidOrNull(payload['ownerId']) };
  if (event.type === 'sales.deal.updated') {
    const change = changeOf(payload['changed'], 'ownerId');
    if (change) return { dealId: event.aggregateId, ownerId: uuidOrNull(change.to) };
  }
  return undefined;
}

/** Whether the consumer needs the deal's owner from earlier events to handle this one. */
export const needsDealOwner = (event: EventEnvelope): boolean => event.type === 'sales.deal.won';

/**
 * Whether an event can notify anyone or changes what the consumer remembers (a deal's owner).
 * The rest (stage changes, renames, most updates) need no transaction at all. Recipients do not
 * depend on the actor's name, only the wording does.
 */
export const concernsNotifications = (event: EventEnvelope): boolean =>
  needsDealOwner(event) || dealOwnerAfter(event) !== undefined || notificationsFor(event, { actorName: null }).length > 0;

const ACTIVITY_RECORDS: Readonly<Record<string, string>> = { DEAL: 'Deal', CONTACT: 'Contact', ACCOUNT: 'Account', LEAD: 'Lead' };

const CUSTOMER_RECORDS: Readonly<Record<string, string>> = { contact: 'Contact', account: 'Account', lead: 'Lead' };

/** The notifications one event causes (at most one per recipient). */
export function notificationsFor(event: EventEnvelope, context: RuleContext): NotificationIntent[] {
  const by = context.actorName ? ` by ${context.actorName}` : '';
  const payload = event.payload;
  const intents: NotificationIntent[] = [];
  const add = (recipientId: string | null, intent: Omit<NotificationIntent, 'recipientId'>) => {
    if (recipientId && recipientId !== event.actor.userId?.toLowerCase()) intents.push({ recipientId, ...intent });
  };

  const [domain, aggregate, verb] = event.type.split('.');
  if (domain === 'sales' && aggregate === 'activity') {
    const recordType = ACTIVITY_RECORDS[String(payload['recordType'])];
    const recordId = uuidOrNull(payload['recordId']);
    const subject = typeof payload['subject'] === 'string' ? payload['subject'] : 'an activity';
    if (!recordType || !recordId) return intents;
    if (verb === 'created' && Array.isArray(payload['mentionedUserIds'])) {
      const body = `${context.actorName ?? 'Someone'} mentioned you in ${String(payload['type'] ?? 'an activity').toLowerCase()} "${subject}".`;
      for (const mentioned of payload['mentionedUserIds'].map(uuidOrNull)) {
        add(mentioned, { kind: 'MENTIONED', title: `You were mentioned: ${subject}`.slice(0, 200), body: body.slice(0, 1000), recordType, recordId });
      }
    } else if (verb === 'reminder_due') {
      const due = typeof payload['dueAt'] === 'string' ? ` It is due ${payload['dueAt'].slice(0, 16).replace('T', ' ')} UTC.` : '';
      const recipient = uuidOrNull(payload['assigneeId']) ?? uuidOrNull(payload['createdById']);
      add(recipient, { kind: 'TASK_DUE', title: `Reminder: ${subject}`.slice(0, 200), body: `Reminder about "${subject}".${due}`.slice(0, 1000), recordType, recordId });
    }
  } else if (domain === 'sales' && aggregate === 'deal') {
    const dealId = event.aggregateId;
    if (verb === 'created' || verb === 'updated') {
      const owner = dealOwnerAfter(event);
      if (owner) add(owner.ownerId, { kind: 'ASSIGNED', title: 'A deal was assigned to you', body: `A deal was assigned to you${by}.`, recordType: 'Deal', recordId: dealId });
    } else if (verb === 'won') {
      add(context.dealOwnerId ?? null, { kind: 'DEAL_WON', title: 'Your deal was won', body: `Your deal was marked won${by}.`, recordType: 'Deal', recordId: dealId });
    }
  } else if (domain === 'customer' && aggregate && CUSTOMER_RECORDS[aggregate]) {
    const recordType = CUSTOMER_RECORDS[aggregate]!;
    const noun = aggregate;
    let ownerId: string | null = null;
    let name: string | null = null;
    if (verb === 'created') {
      ownerId = uuidOrNull(payload['ownerId']);
      name = displayName(payload);
    } else if (verb === 'updated') {
      const changes = payload['changes'];
      if (changes !== null && typeof changes === 'object' && 'ownerId' in changes) {
        ownerId = uuidOrNull((changes as Record<string, unknown>)['ownerId']);
        name = displayName(changes as Record<string, unknown>);
      }
    }
    const article = /^[aeiou]/.test(noun) ? 'An' : 'A';
    const title = name ? `${capitalize(noun)} assigned to you: ${name}` : `${article} ${noun} was assigned to you`;
    add(ownerId, { kind: 'ASSIGNED', title: title.slice(0, 200), body: `${article} ${noun} was assigned to you${by}.`, recordType, recordId: event.aggregateId });
  }
  return intents;
}

function changeOf(changed: unknown, field: string): { from: unknown; to: unknown } | undefined {
  if (changed === null || typeof changed !== 'object') return undefined;
  const change = (changed as Record<string, unknown>)[field];
  if (change === null || typeof change !== 'object') return undefined;
  const { from, to } = change as Record<string, unknown>;
  return { from, to };
}

const uuidOrNull = (value: unknown): string | null => (isUuid(value) ? value.toLowerCase() : null);

/** The record's name as events carry it: `name`, or a contact's first and last name. */
function displayName(values: Record<string, unknown>): string | null {
  if (typeof values['name'] === 'string' && values['name'].trim()) return values['name'].trim();
  const parts = [values['firstName'], values['lastName']].filter((part): part is string => typeof part === 'string' && part.trim() !== '');
  return parts.length ? parts.join(' ').trim() : null;
}

const capitalize = (word: string) => word.charAt(0).toUpperCase() + word.slice(1);
