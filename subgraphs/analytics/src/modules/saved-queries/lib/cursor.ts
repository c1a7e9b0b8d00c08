/** Opaque cursors of the persisted-query list: the position (createdAt, id) of a row, base64url-encoded. */
import { isUuid } from '../../pipeline-summary/lib/ids.ts';

export interface ListCursor {
  createdAt: Date;
  id: string;
}

export function encodeCursor({ createdAt, id }: ListCursor): string {
  return Buffer.from(JSON.stringify([createdAt.toISOString(), id])).toString('base64url');
}

/** The position a cursor names, or null for anything that is not one of our cursors. */
export function decodeCursor(cursor: string): ListCursor | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (!Array.isArray(value) || value.length !== 2) return null;
    const [time, id] = value as unknown[];
    if (typeof time !== 'string' || !isUuid(id)) return null;
    const createdAt = new Date(time);
    return Number.isNaN(createdAt.getTime()) ? null : { createdAt, id };
  } catch {
    return null;
  }
}
