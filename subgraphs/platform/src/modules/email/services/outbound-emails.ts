/** The tenant's outgoing e-mails and their delivery state, for tenant admins. */
import { z } from 'zod';
import { encodeKeysetCursor } from '@crm/db';
import type { Prisma } from '../../../__generated__/prisma/client.ts';
import type { OutboundEmailModel } from '../../../__generated__/prisma/models.ts';
import type { TenantDb } from '../../../context.ts';
import { parseInput } from '../../../lib/arguments.ts';
import { afterCursor, firstArgument, type KeysetPage } from '../../../lib/connection.ts';

const listQuery = z.object({
  status: z.enum(['PENDING', 'SENDING', 'SENT', 'FAILED']).nullish(),
  first: firstArgument(50),
  after: z.string().nullish(),
});
export type OutboundEmailQuery = z.input<typeof listQuery>;

export interface OutboundEmailService {
  /** A page of the tenant's e-mails, newest first. */
  list(db: TenantDb, query: OutboundEmailQuery): Promise<KeysetPage<OutboundEmailModel>>;
}

export function createOutboundEmailService(): OutboundEmailService {
  return {
    async list(db, query) {
      const { status, first, after } = parseInput(listQuery, query);
      const cursor = afterCursor(after);
      const where: Prisma.OutboundEmailWhereInput = {
        ...(status ? { status } : {}),
        ...(cursor ? { OR: [{ createdAt: { lt: cursor.at } }, { createdAt: cursor.at, id: { lt: cursor.id } }] } : {}),
      };
      const rows = await db.outboundEmail.findMany({ where, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], take: first + 1 });
      return {
        rows: rows.slice(0, first),
        hasNextPage: rows.length > first,
        hasPreviousPage: !!cursor,
        cursorOf: (email) => encodeKeysetCursor({ at: email.createdAt, id: email.id }),
      };
    },
  };
}
