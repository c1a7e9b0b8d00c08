/** How a timeline entry reads: one sentence from its kind, the record it is about and what changed. */

export interface TimelineEntryView {
  kind: string;
  action: string;
  changes: unknown;
  activity: { type: string; subject: string } | null;
}

const NOUNS: Readonly<Record<string, string>> = { deal: 'deal', contact: 'contact', account: 'account', lead: 'lead', activity: 'activity' };

/** Field names as people say them: `expectedCloseDate` → "expected close date". */
export function fieldLabel(field: string): string {
  return field
    .replace(/Minor$/, '')
    .replace(/Id$/, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase();
}

/** The fields an UPDATED entry changed, as a phrase ("amount and owner"); null when unknown. */
export function changedFields(changes: unknown): string | null {
  if (changes === null || typeof changes !== 'object' || Array.isArray(changes)) return null;
  const fields = [...new Set(Object.keys(changes).map(fieldLabel))].filter(Boolean);
  if (fields.length === 0) return null;
  if (fields.length === 1) return fields[0]!;
  return `${fields.slice(0, -1).join(', ')} and ${fields.at(-1)}`;
}

export function describeEntry(entry: TimelineEntryView): string {
  const noun = NOUNS[entry.action.split('.')[1] ?? ''] ?? 'record';
  const activity = entry.activity ? `${entry.activity.type.toLowerCase()} “${entry.activity.subject}”` : 'an activity';
  switch (entry.kind) {
    case 'CREATED':
      return `Created the ${noun}`;
    case 'UPDATED': {
      const fields = changedFields(entry.changes);
      return fields ? `Changed the ${noun}'s ${fields}` : `Changed the ${noun}`;
    }
    case 'STAGE_CHANGED':
      return 'Moved the deal to another stage';
    case 'WON':
      return 'Marked the deal won';
    case 'LOST':
      return 'Marked the deal lost';
    case 'REOPENED':
      return 'Reopened the deal';
    case 'DELETED':
      return `Deleted the ${noun}`;
    case 'RESTORED':
      return `Restored the ${noun}`;
    case 'MERGED':
      return entry.action.endsWith('merge_undone') ? `Undid a merge of ${noun}s` : `Merged duplicate ${noun}s`;
    case 'CONVERTED':
      return 'Converted the lead';
    case 'ACTIVITY_LOGGED':
      return `Logged ${activity}`;
    case 'ACTIVITY_COMPLETED':
      return `Completed ${activity}`;
    case 'ACTIVITY_DELETED':
      return `Deleted ${activity}`;
    case 'REMINDER_SENT':
      return `Reminder sent for ${activity}`;
    default:
      return entry.action;
  }
}
