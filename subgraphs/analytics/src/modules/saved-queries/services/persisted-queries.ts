/**
 * Named persisted queries: the safelist BI tools run through `GET /bi/queries/<name-or-id>` on the
 * gateway. Registering and deleting are for tenant admins and sales managers; anyone of the tenant
 * may list and read them (running one still applies the caller's own permissions). Names are
 * unique per tenant. Each write records `analytics.persisted_query.registered` / `.deleted` in
 * the outbox in the same transaction.
 */
import { randomUUID } from 'node:crypto';
import { decodeKeysetCursor, encodeKeysetCursor, withTenantTransaction } from '@crm/db';
import { appendOutbox, createEvent, type EventEnvelope } from '@crm/events';
import { badInput, conflict, forbidden, notFound, type Identity } from '@crm/runtime';
import { Prisma, type PrismaClient } from '../../../__generated__/prisma/client.ts';
import type { PersistedQueryModel } from '../../../__generated__/prisma/models.ts';
import { isUuid } from '../../pipeline-summary/lib/ids.ts';
import type { TenantDb } from '../../pipeline-summary/services/pipeline-summary.ts';
import { checkDocument, checkName } from '../lib/document.ts';

export const PERSISTED_QUERY_REGISTERED = 'analytics.persisted_query.registered';
export const PERSISTED_QUERY_DELETED = 'analytics.persisted_query.deleted';
export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 100;

/** Roles that may register and delete persisted queries. */
const MANAGING_ROLES = new Set(['SYSTEM_ADMIN', 'TENANT_ADMIN', 'SALES_MANAGER']);

/** Payload of `analytics.persisted_query.registered` and `.deleted` (version 1). */
export interface PersistedQueryEventPayload extends Record<string, unknown> {
  name: string;
  sha256: string;
}

export interface PersistedQueryPage {
  nodes: PersistedQueryModel[];
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  cursorOf(node: PersistedQueryModel): string;
}

export interface PersistedQueriesService {
  /** Checks name and document and stores them; FORBIDDEN, BAD_USER_INPUT or CONFLICT otherwise. */
  register(tenantId: string, identity: Identity, input: { name: string; document: string }): Promise<PersistedQueryModel>;
  /** Deletes one; FORBIDDEN for other roles, NOT_FOUND when the tenant has none with this id. */
  delete(tenantId: string, identity: Identity, id: string): Promise<true>;
  /** A page of the tenant's queries, newest first. */
  list(db: TenantDb, args: { first?: number | null; after?: string | null }): Promise<PersistedQueryPage>;
  /** One query by id (a UUID) or name, or null. */
  find(db: TenantDb, nameOrId: string): Promise<PersistedQueryModel | null>;
}

export function canManagePersistedQueries(identity: Identity): boolean {
  return identity.roles.some((role) => MANAGING_ROLES.has(role.toUpperCase()));
}

function actorOf(identity: Identity): EventEnvelope['actor'] {
  return { userId: identity.userId, kind: 'user' };
}

const isUniqueViolation = (error: unknown) => error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002';

export function createPersistedQueriesService({ prisma, onCommit }: { prisma: PrismaClient; onCommit?: () => void }): PersistedQueriesService {
  return {
    async register(tenantId, identity, input) {
      if (!canManagePersistedQueries(identity)) throw forbidden('Only tenant admins and sales managers may register persisted queries');
      const name = checkName(input.name, isUuid);
      const checked = checkDocument(input.document);
      const id = randomUUID();
      try {
        const created = await withTenantTransaction(prisma, tenantId, async (tx) => {
          const row = await tx.persistedQuery.create({
            data: {
              id,
              tenantId,
              name,
              document: checked.document,
              sha256: checked.sha256,
              operationName: checked.operationName,
              createdBy: isUuid(identity.userId) ? identity.userId : null,
            },
          });
          await appendOutbox(
            tx,
            createEvent<PersistedQueryEventPayload>({
              type: PERSISTED_QUERY_REGISTERED,
              tenantId,
              actor: actorOf(identity),
              aggregateId: id,
              payload: { name, sha256: checked.sha256 },
            }),
          );
          return row;
        });
        onCommit?.();
        return created;
      } catch (error) {
        if (isUniqueViolation(error)) throw conflict(`A persisted query named "${name}" already exists`, { field: 'input.name' });
        throw error;
      }
    },

    async delete(tenantId, identity, id) {
      if (!canManagePersistedQueries(identity)) throw forbidden('Only tenant admins and sales managers may delete persisted queries');
      if (!isUuid(id)) throw notFound('Persisted query', id);
      await withTenantTransaction(prisma, tenantId, async (tx) => {
        const row = await tx.persistedQuery.findFirst({ where: { tenantId, id }, select: { name: true, sha256: true } });
        const { count } = row ? await tx.persistedQuery.deleteMany({ where: { tenantId, id } }) : { count: 0 };
        if (!row || count === 0) throw notFound('Persisted query', id);
        await appendOutbox(
          tx,
          createEvent<PersistedQueryEventPayload>({
            type: PERSISTED_QUERY_DELETED,
            tenantId,
            actor: actorOf(identity),
            aggregateId: id,
            payload: { name: row.name, sha256: row.sha256 },
          }),
        );
      });
      onCommit?.();
      return true;
    },

    async list(db, args) {
      const first = args.first ?? DEFAULT_PAGE_SIZE;
      if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE) throw badInput(`first must be between 0 and ${MAX_PAGE_SIZE}`, 'first');
      const cursor = args.after ? decodeKeysetCursor(args.after) : null;
      if (args.after && !cursor) throw badInput('after is not a valid cursor', 'after');
      const rows = await db.persistedQuery.findMany({
        where: cursor ? { OR: [{ createdAt: { lt: cursor.at } }, { createdAt: cursor.at, id: { lt: cursor.id } }] } : {},
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
        take: first + 1,
      });
      return {
        nodes: rows.slice(0, first),
        hasNextPage: rows.length > first,
        hasPreviousPage: cursor !== null,
        cursorOf: (node) => encodeKeysetCursor({ at: node.createdAt, id: node.id }),
      };
    },

    find(db, nameOrId) {
      return db.persistedQuery.findFirst({ where: isUuid(nameOrId) ? { id: nameOrId } : { name: nameOrId } });
    },
  };
}
