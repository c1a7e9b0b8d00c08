import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createEvent } from '@crm/events';
import { concernsNotifications, dealOwnerAfter, needsDealOwner, notificationsFor } from './rules.ts';

const TENANT = randomUUID();
const [ADMIN, REP] = [randomUUID(), randomUUID()];
const DEAL = randomUUID();
const event = (type: string, actor: string | null, payload: Record<string, unknown>, aggregateId = DEAL) =>
  createEvent({ type, tenantId: TENANT, actor: actor ? { userId: actor, kind: 'user' } : { userId: null, kind: 'system' }, aggregateId, payload });

describe('notification rules', () => {
  it('assigns a created deal to its owner, unless the owner created it', () => {
    const created = (actor: string) => event('sales.deal.created', actor, { dealId: DEAL, ownerId: REP.toUpperCase() });
    expect(notificationsFor(created(ADMIN), { actorName: 'Ana' })).toEqual([
      { recipientId: REP, kind: 'ASSIGNED', title: 'A deal was assigned to you', body: 'A deal was assigned to you by Ana.', recordType: 'Deal', recordId: DEAL },
    ]);
    expect(notificationsFor(created(REP), { actorName: 'Rep' })).toEqual([]);
    expect(dealOwnerAfter(created(ADMIN))).toEqual({ dealId: DEAL, ownerId: REP });
  });

  it('follows owner changes and notifies a won deal’s known owner', () => {
    const updated = event('sales.deal.updated', ADMIN, { changed: { ownerId: { from: ADMIN, to: REP } } });
    expect(notificationsFor(updated, { actorName: null }).map((n) => [n.recipientId, n.kind, n.body])).toEqual([[REP, 'ASSIGNED', 'A deal was assigned to you.']]);
    const renamed = event('sales.deal.updated', ADMIN, { changed: { name: { from: 'a', to: 'b' } } });
    expect(dealOwnerAfter(renamed)).toBeUndefined();
    expect(notificationsFor(renamed, { actorName: null })).toEqual([]);

    const won = event('sales.deal.won', ADMIN, { dealId: DEAL });
    expect(needsDealOwner(won)).toBe(true);
    expect(notificationsFor(won, { dealOwnerId: REP, actorName: 'Ana' }).map((n) => [n.kind, n.title])).toEqual([['DEAL_WON', 'Your deal was won']]);
    expect(notificationsFor(won, { dealOwnerId: ADMIN, actorName: 'Ana' })).toEqual([]);
    expect(notificationsFor(won, { actorName: 'Ana' })).toEqual([]);
  });

  it('assigns customer records with their names, and ignores events about something else', () => {
    const contact = event('customer.contact.created', ADMIN, { firstName: 'Jane', lastName: 'Doe', ownerId: REP }, randomUUID());
    expect(notificationsFor(contact, { actorName: null })[0]).toMatchObject({ recordType: 'Contact', title: 'Contact assigned to you: Jane Doe' });
    const lead = event('customer.lead.updated', ADMIN, { changes: { ownerId: REP, name: 'Big' } }, randomUUID());
    expect(notificationsFor(lead, { actorName: null })[0]).toMatchObject({ recordType: 'Lead', title: 'Lead assigned to you: Big' });
    expect(notificationsFor(event('customer.account.updated', ADMIN, { changes: { ownerId: 'not-a-user' } }), { actorName: null })).toEqual([]);
    expect(notificationsFor(event('sales.deal.stage_changed', ADMIN, { ownerId: REP }), { actorName: null })).toEqual([]);
    expect(notificationsFor(event('customer.tag.created', ADMIN, { ownerId: REP }), { actorName: null })).toEqual([]);
  });

  it('notifies users mentioned in an activity, except its author, pointing at the record it is about', () => {
    const contactId = randomUUID();
    const note = event('sales.activity.created', ADMIN, { activityId: randomUUID(), type: 'NOTE', subject: 'Pricing call', recordType: 'CONTACT', recordId: contactId, mentionedUserIds: [REP, ADMIN] }, randomUUID());
    expect(notificationsFor(note, { actorName: 'Ana' })).toEqual([
      { recipientId: REP, kind: 'MENTIONED', title: 'You were mentioned: Pricing call', body: 'Ana mentioned you in note "Pricing call".', recordType: 'Contact', recordId: contactId },
    ]);
  });

  it('reminds the assignee of a due activity, or its creator when nobody is assigned', () => {
    const due = (assigneeId: string | null) =>
      event('sales.activity.reminder_due', null, { activityId: randomUUID(), type: 'TASK', subject: 'Send quote', recordType: 'DEAL', recordId: DEAL, assigneeId, createdById: ADMIN, dueAt: '2026-11-27T09:30:00.000Z' }, randomUUID());
    expect(notificationsFor(due(REP), { actorName: null })).toEqual([
      { recipientId: REP, kind: 'TASK_DUE', title: 'Reminder: Send quote', body: 'Reminder about "Send quote". It is due 2026-11-27 09:30 UTC.', recordType: 'Deal', recordId: DEAL },
    ]);
    expect(notificationsFor(due(null), { actorName: null }).map((n) => n.recipientId)).toEqual([ADMIN]);
    const malformed = event('sales.activity.reminder_due', null, { recordType: 'WEBHOOK', recordId: DEAL, assigneeId: REP }, randomUUID());
    expect(notificationsFor(malformed, { actorName: null })).toEqual([]);
  });

  it('tells which events concern notifications at all, so the rest skip the transaction', () => {
    expect(concernsNotifications(event('sales.deal.stage_changed', ADMIN, { pipelineId: randomUUID(), fromStageId: randomUUID(), toStageId: randomUUID() }))).toBe(false);
    expect(concernsNotifications(event('sales.deal.updated', ADMIN, { changed: { name: { from: 'A', to: 'B' } } }))).toBe(false);
    expect(concernsNotifications(event('sales.deal.updated', ADMIN, { changed: { ownerId: { from: ADMIN, to: REP } } }))).toBe(true);
    // the owner is remembered even when nobody is notified (the owner created the deal)
    expect(concernsNotifications(event('sales.deal.created', REP, { ownerId: REP }))).toBe(true);
    expect(concernsNotifications(event('sales.deal.won', ADMIN, {}))).toBe(true);
    expect(concernsNotifications(event('customer.contact.created', ADMIN, { ownerId: REP, firstName: 'Ada' }, randomUUID()))).toBe(true);
    expect(concernsNotifications(event('customer.contact.updated', ADMIN, { changes: { firstName: 'Ada' } }, randomUUID()))).toBe(false);
  });
});
