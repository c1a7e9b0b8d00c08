import { describe, expect, it } from 'vitest';
import { dueActivities, endOfDay } from './my-activities.ts';

const me = { id: 'u1' };
const now = new Date(2026, 10, 26, 14, 0, 0);
const at = (hours: number, day = 26) => new Date(2026, 10, day, hours, 0, 0).toISOString();

describe('dueActivities', () => {
  it('keeps my open activities that are overdue or due today, soonest first', () => {
    const deals = [
      {
        id: 'd1',
        name: 'Renewal',
        activities: [
          { id: 'a1', dueAt: at(16), assignee: me },
          { id: 'a2', dueAt: at(9, 20), assignee: me },
          { id: 'a3', dueAt: at(10), assignee: me },
          { id: 'a4', dueAt: at(9, 27), assignee: me }, // tomorrow
          { id: 'a5', dueAt: at(9, 20), assignee: me, completedAt: at(8) }, // done
          { id: 'a6', dueAt: at(9, 20), assignee: { id: 'u2' } }, // a colleague's
          { id: 'a7', dueAt: null, assignee: me }, // no due date
        ],
      },
      { id: 'd2', name: 'Expansion', activities: [{ id: 'a8', dueAt: at(15), assignee: me }] },
    ];
    const due = dueActivities(deals, 'u1', now);
    expect(due.overdue.map((d) => d.activity.id)).toEqual(['a2', 'a3']);
    expect(due.today.map((d) => [d.activity.id, d.deal.name])).toEqual([
      ['a8', 'Expansion'],
      ['a1', 'Renewal'],
    ]);
  });

  it('is empty when nothing is due', () => {
    expect(dueActivities([], 'u1', now)).toEqual({ overdue: [], today: [] });
  });
});

describe('endOfDay', () => {
  it('is the next local midnight', () => {
    expect(endOfDay(now)).toEqual(new Date(2026, 10, 27, 0, 0, 0));
  });
});
