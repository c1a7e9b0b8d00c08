/**
 * Activity by rep: activities logged in the last days per assignee, open and done. The API lists
 * activities per record, so the counts are built from the deals' activities (the dashboard reads
 * them per pipeline, as the task list does); activities about contacts, accounts or leads only
 * are not counted.
 */

export interface RepActivityLike {
  id: string;
  createdAt: string;
  completedAt?: string | null;
  assignee?: { id: string; name: string } | null;
}

export interface RepActivityRow {
  /** The assignee's id; null for activities nobody is assigned to. */
  id: string | null;
  name: string;
  total: number;
  done: number;
  open: number;
}

export const UNASSIGNED = 'Unassigned';

/** Activities created within `days` days before `now`, per assignee, busiest first (then by name). */
export function activityByRep(deals: Iterable<{ activities: readonly RepActivityLike[] }>, now: Date, days = 30): RepActivityRow[] {
  const since = now.getTime() - days * 86_400_000;
  const until = now.getTime();
  const seen = new Set<string>();
  const rows = new Map<string, RepActivityRow>();
  for (const deal of deals) {
    for (const activity of deal.activities) {
      const created = Date.parse(activity.createdAt);
      if (Number.isNaN(created) || created < since || created > until || seen.has(activity.id)) continue;
      seen.add(activity.id);
      const key = activity.assignee?.id ?? '';
      const row = rows.get(key) ?? { id: activity.assignee?.id ?? null, name: activity.assignee?.name ?? UNASSIGNED, total: 0, done: 0, open: 0 };
      row.total += 1;
      if (activity.completedAt) row.done += 1;
      else row.open += 1;
      rows.set(key, row);
    }
  }
  return [...rows.values()].sort((a, b) => b.total - a.total || a.name.localeCompare(b.name));
}
