import { describe, expect, it } from 'vitest';
import { changedFields, describeEntry, fieldLabel } from './timeline.ts';

describe('timeline entries', () => {
  it('names changed fields the way people say them', () => {
    expect(fieldLabel('expectedCloseDate')).toBe('expected close date');
    expect(fieldLabel('amountMinor')).toBe('amount');
    expect(fieldLabel('ownerId')).toBe('owner');
    expect(changedFields({ amountMinor: {}, ownerId: {}, name: {} })).toBe('amount, owner and name');
    expect(changedFields({ currency: {} })).toBe('currency');
    expect(changedFields([])).toBeNull();
  });

  it('describes record changes and activities', () => {
    expect(describeEntry({ kind: 'UPDATED', action: 'sales.deal.updated', changes: { amountMinor: {} }, activity: null })).toBe("Changed the deal's amount");
    expect(describeEntry({ kind: 'CREATED', action: 'customer.account.created', changes: {}, activity: null })).toBe('Created the account');
    expect(describeEntry({ kind: 'ACTIVITY_LOGGED', action: 'sales.activity.created', changes: {}, activity: { type: 'CALL', subject: 'Intro' } })).toBe('Logged call “Intro”');
    expect(describeEntry({ kind: 'ACTIVITY_COMPLETED', action: 'sales.activity.completed', changes: {}, activity: null })).toBe('Completed an activity');
    expect(describeEntry({ kind: 'MERGED', action: 'customer.contact.merge_undone', changes: {}, activity: null })).toBe('Undid a merge of contacts');
    expect(describeEntry({ kind: 'OTHER', action: 'customer.lead.scored', changes: {}, activity: null })).toBe('customer.lead.scored');
  });
});
