import { describe, expect, it } from 'vitest';
import { activityByRep, UNASSIGNED, type RepActivityLike } from './dashboard-activity.ts';

const now = new Date('2026-11-26T12:00:00Z');
const ada = { id: 'u1', name: 'Ada' };
const max = { id: 'u2', name: 'Max' };
const activity = (id: string, createdAt: string, assignee: { id: string; name: string } | null, completedAt: string | null = null): RepActivityLike => ({
  id,
  createdAt,
  assignee,
  completedAt,
});

describe('activityByRep', () => {
  it('counts activities of the last 30 days per assignee, busiest first, done and open', () => {
    const deals = [
      { activities: [activity('a1', '2026-11-25T09:00:00Z', ada, '2026-11-25T10:00:00Z'), activity('a2', '2026-11-01T09:00:00Z', max)] },
      { activities: [activity('a3', '2026-11-20T09:00:00Z', ada), activity('a4', '2026-10-20T09:00:00Z', max), activity('a5', '2026-11-26T11:00:00Z', null)] },
    ];
    expect(activityByRep(deals, now)).toEqual([
      { id: 'u1', name: 'Ada', total: 2, done: 1, open: 1 },
      { id: 'u2', name: 'Max', total: 1, done: 0, open: 1 },
      { id: null, name: UNASSIGNED, total: 1, done: 0, open: 1 },
    ]);
  });

  it('counts an activity listed on two deals once and skips future or unreadable times', () => {
    const shared = activity('a1', '2026-11-25T09:00:00Z', ada);
    const deals = [{ activities: [shared, activity('a2', '2026-11-27T09:00:00Z', ada), activity('a3', 'not a date', ada)] }, { activities: [shared] }];
    expect(activityByRep(deals, now)).toEqual([{ id: 'u1', name: 'Ada', total: 1, done: 0, open: 1 }]);
  });

  it('honours another window and breaks ties by name', () => {
    const deals = [{ activities: [activity('a1', '2026-11-24T09:00:00Z', max), activity('a2', '2026-11-25T09:00:00Z', ada), activity('a3', '2026-11-10T09:00:00Z', ada)] }];
    expect(activityByRep(deals, now, 7).map((r) => [r.name, r.total])).toEqual([
      ['Ada', 1],
      ['Max', 1],
    ]);
    expect(activityByRep([], now)).toEqual([]);
  });
});
