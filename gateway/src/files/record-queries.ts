/** The root query that reads one record of each kind by id, as any caller would (`deal(id:)`, `contact(id:)`…). */
export const RECORD_QUERIES = {
  CONTACT: 'contact',
  ACCOUNT: 'account',
  LEAD: 'lead',
  DEAL: 'deal',
  ACTIVITY: 'activity',
} as const;
