import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { mentionedUserIds, reminderTime } from './reminders.ts';

describe('mentions', () => {
  it('reads each mentioned user once, in order, lowercased', () => {
    const [ada, max] = [randomUUID(), randomUUID()];
    const body = `Ask @[Ada Admin](user:${ada.toUpperCase()}) and @[Max](user:${max}), then @[Ada](user:${ada}) again.`;
    expect(mentionedUserIds(body)).toEqual([ada, max]);
  });

  it('ignores text that only looks like a mention', () => {
    expect(mentionedUserIds('mail @ada or @[Ada](user:not-an-id) or [Ada](user:00000000-0000-0000-0000-000000000000)')).toEqual([]);
    expect(mentionedUserIds(null)).toEqual([]);
  });
});

describe('reminder time', () => {
  const now = new Date('2026-11-26T12:00:00Z');
  const later = new Date('2026-11-27T09:00:00Z');
  const earlier = new Date('2026-11-25T09:00:00Z');

  it('takes the explicit time first', () => {
    expect(reminderTime({ type: 'NOTE', dueAt: null, remindAt: later }, now)).toEqual(later);
  });

  it('reminds tasks, meetings and calls when they fall due in the future', () => {
    expect(reminderTime({ type: 'TASK', dueAt: later, remindAt: null }, now)).toEqual(later);
    expect(reminderTime({ type: 'CALL', dueAt: earlier, remindAt: null }, now)).toBeNull();
    expect(reminderTime({ type: 'EMAIL', dueAt: later, remindAt: null }, now)).toBeNull();
    expect(reminderTime({ type: 'MEETING', dueAt: null, remindAt: null }, now)).toBeNull();
  });
});
