/**
 * Mentions and reminders of activities, as pure rules.
 *
 * A body mentions a user with `@[Display name](user:<user id>)` (what the web app's editor writes);
 * each mentioned user is notified once. A reminder goes out at `remindAt` when one is given, and
 * otherwise at `dueAt` for tasks, meetings and calls due in the future.
 */
import type { ActivityModel } from '../../../__generated__/prisma/models.ts';

/** Most users one activity may mention. */
export const MAX_MENTIONS = 20;

const MENTION = /@\[[^\]\n]{1,200}\]\(user:([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\)/gi;

/** The users a body mentions, lowercased, in order of first mention, without repeats. */
export function mentionedUserIds(body: string | null | undefined): string[] {
  if (!body) return [];
  const ids: string[] = [];
  for (const match of body.matchAll(MENTION)) {
    const id = match[1]!.toLowerCase();
    if (!ids.includes(id)) ids.push(id);
  }
  return ids;
}

/** Types reminded at their due time when no reminder time is given. */
const REMINDED_WHEN_DUE: ReadonlySet<ActivityModel['type']> = new Set(['TASK', 'MEETING', 'CALL']);

/** When to remind; null for no reminder. An explicit `remindAt` wins; a past due time gets none. */
export function reminderTime(activity: { type: ActivityModel['type']; dueAt: Date | null; remindAt: Date | null }, now: Date): Date | null {
  if (activity.remindAt) return activity.remindAt;
  if (activity.dueAt && REMINDED_WHEN_DUE.has(activity.type) && activity.dueAt.getTime() > now.getTime()) return activity.dueAt;
  return null;
}
