/** The timeline kind of an audit action (`<domain>.<aggregate>.<verb>`). */
export type TimelineEntryKind =
  | 'CREATED'
  | 'UPDATED'
  | 'STAGE_CHANGED'
  | 'WON'
  | 'LOST'
  | 'REOPENED'
  | 'DELETED'
  | 'RESTORED'
  | 'MERGED'
  | 'CONVERTED'
  | 'ACTIVITY_LOGGED'
  | 'ACTIVITY_COMPLETED'
  | 'ACTIVITY_DELETED'
  | 'REMINDER_SENT'
  | 'OTHER';

const ACTIVITY_VERBS: Readonly<Record<string, TimelineEntryKind>> = {
  created: 'ACTIVITY_LOGGED',
  completed: 'ACTIVITY_COMPLETED',
  deleted: 'ACTIVITY_DELETED',
  reminder_due: 'REMINDER_SENT',
};

const VERBS: Readonly<Record<string, TimelineEntryKind>> = {
  created: 'CREATED',
  updated: 'UPDATED',
  stage_changed: 'STAGE_CHANGED',
  won: 'WON',
  lost: 'LOST',
  reopened: 'REOPENED',
  deleted: 'DELETED',
  restored: 'RESTORED',
  merged: 'MERGED',
  merge_undone: 'MERGED',
  converted: 'CONVERTED',
};

export function entryKind(action: string): TimelineEntryKind {
  const [, aggregate, verb = ''] = action.split('.');
  if (aggregate === 'activity') return ACTIVITY_VERBS[verb] ?? 'OTHER';
  return VERBS[verb] ?? 'OTHER';
}
