/**
 * Opaque cursors for lists ordered by (time, id): newest-first pages of audit entries,
 * notifications, saved queries. A cursor is the position of the last row of a page,
 * base64url-encoded JSON `[iso time, uuid]`; anything else decodes to null (the caller answers
 * BAD_USER_INPUT).
 */
export interface KeysetPosition {
  at: Date;
  id: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function encodeKeysetCursor({ at, id }: KeysetPosition): string {
  return Buffer.from(JSON.stringify([at.toISOString(), id])).toString('base64url');
}

/** The position a cursor names, or null for anything that is not one of these cursors. */
export function decodeKeysetCursor(cursor: string): KeysetPosition | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (!Array.isArray(value) || value.length !== 2) return null;
    const [time, id] = value as unknown[];
    if (typeof time !== 'string' || typeof id !== 'string' || !UUID.test(id)) return null;
    const at = new Date(time);
    return Number.isNaN(at.getTime()) ? null : { at, id };
  } catch {
    return null;
  }
}
