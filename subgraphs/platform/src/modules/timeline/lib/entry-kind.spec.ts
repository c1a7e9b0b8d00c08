import { describe, expect, it } from 'vitest';
import { entryKind } from './entry-kind.ts';

describe('entryKind', () => {
  it('names record changes and activities', () => {
    expect(entryKind('sales.deal.stage_changed')).toBe('STAGE_CHANGED');
    expect(entryKind('customer.contact.merge_undone')).toBe('MERGED');
    expect(entryKind('sales.activity.created')).toBe('ACTIVITY_LOGGED');
    expect(entryKind('sales.activity.reminder_due')).toBe('REMINDER_SENT');
    expect(entryKind('customer.lead.created')).toBe('CREATED');
  });

  it('calls anything else OTHER', () => {
    expect(entryKind('sales.activity.snoozed')).toBe('OTHER');
    expect(entryKind('customer.lead.scored')).toBe('OTHER');
    expect(entryKind('odd')).toBe('OTHER');
  });
});
