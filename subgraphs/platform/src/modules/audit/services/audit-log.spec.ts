import { describe, expect, it } from 'vitest';
import { createEvent } from '@crm/events';
import { auditEntryOf, relatedRecordIds } from './audit-log.ts';

const TENANT = '0b9a4c1e-7d3f-4a56-9a1b-2c3d4e5f6a7b';
const USER = '1c9a4c1e-7d3f-4a56-9a1b-2c3d4e5f6a7b';

describe('auditEntryOf', () => {
  it('records actor, action, record and the changed fields', () => {
    const event = createEvent({
      type: 'sales.deal.updated',
      tenantId: TENANT,
      actor: { userId: USER, kind: 'user' },
      aggregateId: 'deal-1',
      payload: { changed: { amount: { from: '10', to: '20' } }, requestId: 'req-9', dealId: 'deal-1' },
      occurredAt: new Date('2026-11-26T10:00:00.000Z'),
    });
    expect(auditEntryOf(event)).toEqual({
      tenantId: TENANT,
      eventId: event.id,
      actorId: USER,
      actorKind: 'user',
      action: 'sales.deal.updated',
      recordType: 'deal',
      recordId: 'deal-1',
      changes: { amount: { from: '10', to: '20' } },
      requestId: 'req-9',
      occurredAt: new Date('2026-11-26T10:00:00.000Z'),
      relatedIds: [],
    });
  });

  it('keeps the whole payload when no fields are named, and leaves unknown actors and requests empty', () => {
    const event = createEvent({ type: 'integration.webhook.delivered', tenantId: TENANT, actor: { userId: null, kind: 'system' }, aggregateId: 'w-1', payload: { status: 200 } });
    expect(auditEntryOf(event)).toMatchObject({ actorId: null, actorKind: 'system', recordType: 'webhook', changes: { status: 200 }, requestId: null });
    const odd = createEvent({ type: 'customer.lead.scored', tenantId: TENANT, actor: { userId: 'not-a-uuid', kind: 'apikey' }, aggregateId: 'l-1', payload: { changed: 'nope' } });
    expect(auditEntryOf(odd)).toMatchObject({ actorId: null, actorKind: 'apikey', changes: { changed: 'nope' } });
  });

  it('relates an activity to its record and a deal to its account, once each, lowercased', () => {
    const [activity, deal, account] = ['2c9a4c1e-7d3f-4a56-9a1b-2c3d4e5f6a7b', '3c9a4c1e-7d3f-4a56-9a1b-2c3d4e5f6a7b', '4c9a4c1e-7d3f-4a56-9a1b-2c3d4e5f6a7b'];
    const logged = createEvent({ type: 'sales.activity.created', tenantId: TENANT, actor: { userId: USER, kind: 'user' }, aggregateId: activity, payload: { activityId: activity, recordType: 'DEAL', recordId: deal.toUpperCase() } });
    expect(relatedRecordIds(logged)).toEqual([deal]);
    const created = createEvent({ type: 'sales.deal.created', tenantId: TENANT, actor: { userId: USER, kind: 'user' }, aggregateId: deal, payload: { dealId: deal, accountId: account, contactId: account, leadId: 'nope' } });
    expect(auditEntryOf(created).relatedIds).toEqual([account]);
  });
});
