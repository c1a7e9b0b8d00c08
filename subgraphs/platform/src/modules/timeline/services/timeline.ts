/**
 * Record timelines, read from the audit log: the entries about the record itself and those that
 * name it as related (an activity about it, a deal of an account, a conversion of a lead), newest
 * first, with a (time, id) cursor.
 */
import { z } from 'zod';
import { encodeKeysetCursor } from '@crm/db';
import type { AuditEntryModel } from '../../../__generated__/prisma/models.ts';
import type { TenantDb } from '../../../context.ts';
import { parseInput } from '../../../lib/arguments.ts';
import { afterCursor, firstArgument, type KeysetPage } from '../../../lib/connection.ts';

const timelineQuery = z.object({
  first: firstArgument(20),
  after: z.string().nullish(),
});
export type TimelineQuery = z.input<typeof timelineQuery>;

export type TimelinePage = KeysetPage<AuditEntryModel>;

export interface TimelineService {
  /** A page of one record's timeline, newest first. */
  page(db: TenantDb, recordId: string, query: TimelineQuery): Promise<TimelinePage>;
}

export function createTimelineService(): TimelineService {
  return {
    async page(db, recordId, query) {
      const { first, after } = parseInput(timelineQuery, query);
      const cursor = afterCursor(after);
      const id = recordId.toLowerCase();
      const rows = await db.auditEntry.findMany({
        where: {
          AND: [
            { OR: [{ recordId: id }, { relatedIds: { has: id } }] },
            cursor ? { OR: [{ occurredAt: { lt: cursor.at } }, { occurredAt: cursor.at, id: { lt: cursor.id } }] } : {},
          ],
        },
        orderBy: [{ occurredAt: 'desc' }, { id: 'desc' }],
        take: first + 1,
      });
      return {
        rows: rows.slice(0, first),
        hasNextPage: rows.length > first,
        hasPreviousPage: !!cursor,
        cursorOf: (entry) => encodeKeysetCursor({ at: entry.occurredAt, id: entry.id }),
      };
    },
  };
}
