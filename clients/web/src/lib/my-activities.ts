/**
 * The signed-in user's to-do list: open activities assigned to them that are overdue or due
 * before the end of today (in the browser's time zone), soonest first. The activities API lists
 * activities per record, so the list is built from the deals of every pipeline.
 */

export interface ActivityLike {
  id: string;
  dueAt?: string | null;
  completedAt?: string | null;
  assignee?: { id: string } | null;
}

export interface DealWithActivities<A extends ActivityLike> {
  id: string;
  name: string;
  activities: readonly A[];
}

export interface DueActivity<A extends ActivityLike> {
  activity: A;
  deal: { id: string; name: string };
}

export interface DueActivities<A extends ActivityLike> {
  overdue: Array<DueActivity<A>>;
  today: Array<DueActivity<A>>;
}

/** Midnight at the end of `now`'s day, local time. */
export function endOfDay(now: Date): Date {
  const end = new Date(now);
  end.setHours(24, 0, 0, 0);
  return end;
}

function dueTime(activity: ActivityLike): number | null {
  if (!activity.dueAt) return null;
  const time = Date.parse(activity.dueAt);
  return Number.isNaN(time) ? null : time;
}

/** Splits the user's open activities into overdue and due later today; each list soonest first. */
export function dueActivities<A extends ActivityLike>(deals: Iterable<DealWithActivities<A>>, userId: string, now: Date): DueActivities<A> {
  const result: DueActivities<A> = { overdue: [], today: [] };
  const nowTime = now.getTime();
  const end = endOfDay(now).getTime();
  const seen = new Set<string>();
  for (const deal of deals) {
    for (const activity of deal.activities) {
      const due = dueTime(activity);
      if (due === null || activity.completedAt || activity.assignee?.id !== userId || seen.has(activity.id)) continue;
      seen.add(activity.id);
      const item = { activity, deal: { id: deal.id, name: deal.name } };
      if (due < nowTime) result.overdue.push(item);
      else if (due < end) result.today.push(item);
    }
  }
  const byDue = (a: DueActivity<A>, b: DueActivity<A>) => (dueTime(a.activity) ?? 0) - (dueTime(b.activity) ?? 0);
  result.overdue.sort(byDue);
  result.today.sort(byDue);
  return result;
}
