/** Relay connections of the platform's newest-first, keyset-paged lists (audit log, timelines, notifications). */
import { decodeKeysetCursor, type KeysetPosition } from '@crm/db';
import { badInput } from '@crm/runtime';
import { z } from 'zod';

/** One page of rows, newest first. */
export interface KeysetPage<T> {
  rows: T[];
  hasNextPage: boolean;
  /** Whether `after` was given (there are newer rows before this page). */
  hasPreviousPage: boolean;
  cursorOf(row: T): string;
}

/** `first` from 1 to 100 (default `fallback`), the message naming the argument. */
export const firstArgument = (fallback: number) =>
  z
    .number()
    .int()
    .min(1, 'first must be between 1 and 100')
    .max(100, 'first must be between 1 and 100')
    .nullish()
    .transform((first) => first ?? fallback);

/** The decoded `after` cursor; BAD_USER_INPUT when it is not one of ours. */
export function afterCursor(after: string | null | undefined): KeysetPosition | null {
  if (!after) return null;
  const cursor = decodeKeysetCursor(after);
  if (!cursor) throw badInput('after is not a valid cursor', 'after');
  return cursor;
}

export function connectionOf<T>(page: KeysetPage<T>) {
  const edges = page.rows.map((node) => ({ cursor: page.cursorOf(node), node }));
  return {
    edges,
    pageInfo: {
      hasNextPage: page.hasNextPage,
      hasPreviousPage: page.hasPreviousPage,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
  };
}
