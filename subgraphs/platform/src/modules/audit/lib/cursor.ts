/** Opaque cursors of the audit log: the position (time, id) of an entry, base64url-encoded. */
import { isUuid } from '../../../lib/arguments.ts';

export interface AuditCursor {
  occurredAt: Date;
  id: string;
}

export function encodeCursor({ occurredAt, id }: AuditCursor): string {
  return Buffer.from(JSON.stringify([occurredAt.toISOString(), id])).toString('base64url');
}

/** The position a cursor names, or null for anything that is not one of our cursors. */
export function decodeCursor(cursor: string): AuditCursor | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (!Array.isArray(value) || value.length !== 2) return null;
    const [time, id] = value as unknown[];
    if (typeof time !== 'string' || !isUuid(id)) return null;
    const occurredAt = new Date(time);
    return Number.isNaN(occurredAt.getTime()) ? null : { occurredAt, id };
  } catch {
    return null;
  }
}
