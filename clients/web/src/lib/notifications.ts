/** Pure rules of the notifications bell: where a notification leads, and how the list takes a live one. */

const RECORD_PATHS: Record<string, string> = { Deal: 'deals', Contact: 'contacts', Account: 'accounts', Lead: 'leads' };

/** The app path of the record a notification is about, or null for a record type the app has no page for. */
export function recordHref(recordType: string, recordId: string): string | null {
  const collection = RECORD_PATHS[recordType];
  return collection ? `/${collection}/${encodeURIComponent(recordId)}` : null;
}

export interface BellItem {
  id: string;
  read: boolean;
  createdAt: string;
}

export interface BellState<T extends BellItem> {
  items: T[];
  unread: number;
}

/**
 * The bell after a notification arrives live: newest first, at most `max` kept, and counted as
 * unread only the first time it is seen (a redelivered or already-listed one changes nothing).
 */
export function receive<T extends BellItem>(state: BellState<T>, incoming: T, max: number): BellState<T> {
  if (state.items.some((item) => item.id === incoming.id)) return state;
  const items = [incoming, ...state.items].sort((a, b) => b.createdAt.localeCompare(a.createdAt)).slice(0, max);
  return { items, unread: state.unread + (incoming.read ? 0 : 1) };
}

/** The bell after some notifications were marked read. */
export function markRead<T extends BellItem>(state: BellState<T>, ids: ReadonlySet<string>): BellState<T> {
  let newlyRead = 0;
  const items = state.items.map((item) => {
    if (!ids.has(item.id) || item.read) return item;
    newlyRead += 1;
    return { ...item, read: true };
  });
  return { items, unread: Math.max(0, state.unread - newlyRead) };
}

/** The bell's badge text: nothing at zero, `99+` past 99. */
export function badgeText(unread: number): string {
  if (unread <= 0) return '';
  return unread > 99 ? '99+' : String(unread);
}
