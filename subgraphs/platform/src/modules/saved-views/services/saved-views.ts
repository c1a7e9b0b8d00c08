/**
 * Saved list views: a user's named filter, order and columns for one list (contacts, accounts,
 * leads, deals), optionally shared with the whole tenant, and each user's default view per list.
 *
 * Rules: a user sees their own views and the tenant's shared views. The owner changes and
 * deletes a view; a tenant admin may also change or delete a shared view (never another user's
 * private one, which stays invisible to them). Anyone who sees a view may make it their default;
 * a user has at most one default per list. Every write emits one event through the outbox in the
 * same transaction: `platform.saved_view.created`, `.updated`, `.deleted`.
 */
import { z } from 'zod';
import { withTenantTransaction, type TxClient } from '@crm/db';
import { appendOutbox, createEvent } from '@crm/events';
import { badInput, conflict, forbidden, notFound } from '@crm/runtime';
import type { Prisma, PrismaClient, SavedViewList } from '../../../__generated__/prisma/client.ts';
import type { SavedViewModel } from '../../../__generated__/prisma/models.ts';
import { parseInput, recordId } from '../../../lib/arguments.ts';
import type { Actor } from '../../../lib/events.ts';
import { isUniqueViolation } from '../../../lib/prisma-errors.ts';
import { MAX_VIEWS_PER_LIST, nameKeyOf, viewColumns, viewFilter, viewName, viewOrderBy } from '../lib/view-shape.ts';

/** Who is asking: views belong to signed-in users. */
export interface ViewCaller {
  tenantId: string;
  userId: string;
  /** A tenant (or system) admin: may change and delete shared views of others. */
  admin: boolean;
}

/** A view as its caller sees it. */
export interface SavedViewRecord extends SavedViewModel {
  /** The caller's default view of the list. */
  isDefault: boolean;
  /** The caller may change or delete it. */
  editable: boolean;
}

export interface CreateSavedViewInput {
  list: SavedViewList;
  name: string;
  filter?: unknown;
  orderBy?: unknown;
  columns?: readonly string[] | null;
  shared?: boolean | null;
  isDefault?: boolean | null;
}

export interface UpdateSavedViewInput {
  name?: string | null;
  filter?: unknown;
  orderBy?: unknown;
  columns?: readonly string[] | null;
  shared?: boolean | null;
  isDefault?: boolean | null;
}

export interface SavedViewEventPayload extends Record<string, unknown> {
  viewId: string;
  list: SavedViewList;
  name: string;
  ownerId: string;
  shared: boolean;
  /** What the write changed (field → new value); absent for deletions. */
  changed?: Record<string, unknown>;
}

export interface SavedViewService {
  /** The caller's views of `list` and the tenant's shared ones, by name. */
  list(caller: ViewCaller, list: SavedViewList): Promise<SavedViewRecord[]>;
  create(caller: ViewCaller, input: CreateSavedViewInput, actor: Actor): Promise<SavedViewRecord>;
  update(caller: ViewCaller, id: string, input: UpdateSavedViewInput, actor: Actor): Promise<SavedViewRecord>;
  /** Deletes the view (and every user's default pointing at it); returns its id. */
  remove(caller: ViewCaller, id: string, actor: Actor): Promise<string>;
}

export interface SavedViewServiceDeps {
  prisma: PrismaClient;
  afterCommit: () => void;
}

const LISTS = ['CONTACTS', 'ACCOUNTS', 'LEADS', 'DEALS'] as const satisfies readonly SavedViewList[];

const createInput = z.object({
  list: z.enum(LISTS),
  name: viewName,
  filter: viewFilter.nullish(),
  orderBy: viewOrderBy.nullish(),
  columns: viewColumns.nullish(),
  shared: z.boolean().nullish(),
  isDefault: z.boolean().nullish(),
});

const updateInput = z.object({
  name: viewName.nullish(),
  filter: viewFilter.nullish(),
  orderBy: viewOrderBy.nullish(),
  columns: viewColumns.nullish(),
  shared: z.boolean().nullish(),
  isDefault: z.boolean().nullish(),
});

type Tx = TxClient<PrismaClient>;

const visibleTo = (caller: ViewCaller): Prisma.SavedViewWhereInput => ({
  tenantId: caller.tenantId,
  OR: [{ ownerId: caller.userId }, { shared: true }],
});

const editableBy = (caller: ViewCaller, view: SavedViewModel): boolean => view.ownerId === caller.userId || (view.shared && caller.admin);

const payloadOf = (view: SavedViewModel, changed?: Record<string, unknown>): SavedViewEventPayload => ({
  viewId: view.id,
  list: view.list,
  name: view.name,
  ownerId: view.ownerId,
  shared: view.shared,
  ...(changed ? { changed } : {}),
});

const byName = (a: SavedViewModel, b: SavedViewModel) => a.name.localeCompare(b.name, undefined, { sensitivity: 'base' }) || a.id.localeCompare(b.id);

function nameTaken(name: string): Error {
  return conflict(`You already have a view named “${name}” for this list`, { field: 'name' });
}

export function createSavedViewService({ prisma, afterCommit }: SavedViewServiceDeps): SavedViewService {
  async function setDefault(tx: Tx, caller: ViewCaller, view: SavedViewModel, on: boolean): Promise<void> {
    const key = { tenantId_userId_list: { tenantId: caller.tenantId, userId: caller.userId, list: view.list } };
    if (on) {
      await tx.savedViewDefault.upsert({
        where: key,
        create: { tenantId: caller.tenantId, userId: caller.userId, list: view.list, viewId: view.id },
        update: { viewId: view.id },
      });
    } else {
      await tx.savedViewDefault.deleteMany({ where: { tenantId: caller.tenantId, userId: caller.userId, list: view.list, viewId: view.id } });
    }
  }

  async function isDefaultFor(tx: Tx, caller: ViewCaller, view: SavedViewModel): Promise<boolean> {
    const found = await tx.savedViewDefault.findFirst({ where: { tenantId: caller.tenantId, userId: caller.userId, list: view.list, viewId: view.id } });
    return found !== null;
  }

  async function findVisible(tx: Tx, caller: ViewCaller, id: string): Promise<SavedViewModel> {
    const view = await tx.savedView.findFirst({ where: { id, ...visibleTo(caller) } });
    if (!view) throw notFound('SavedView', id);
    return view;
  }

  return {
    async list(caller, list) {
      const tenant = recordId(caller.tenantId, 'tenantId');
      if (!(LISTS as readonly string[]).includes(list)) throw badInput(`list must be one of ${LISTS.join(', ')}`, 'list');
      return withTenantTransaction(prisma, tenant, async (tx) => {
        const [views, chosen] = await Promise.all([
          tx.savedView.findMany({ where: { ...visibleTo(caller), list } }),
          tx.savedViewDefault.findFirst({ where: { tenantId: tenant, userId: caller.userId, list } }),
        ]);
        return views.sort(byName).map((view) => ({ ...view, isDefault: chosen?.viewId === view.id, editable: editableBy(caller, view) }));
      });
    },

    async create(caller, input, actor) {
      const data = parseInput(createInput, input);
      const tenant = recordId(caller.tenantId, 'tenantId');
      try {
        const created = await withTenantTransaction(prisma, tenant, async (tx) => {
          const count = await tx.savedView.count({ where: { tenantId: tenant, ownerId: caller.userId, list: data.list } });
          if (count >= MAX_VIEWS_PER_LIST) throw badInput(`You can keep at most ${MAX_VIEWS_PER_LIST} views per list; delete one first`, 'list');
          const view = await tx.savedView.create({
            data: {
              tenantId: tenant,
              ownerId: caller.userId,
              list: data.list,
              name: data.name,
              nameKey: nameKeyOf(data.name),
              filter: (data.filter ?? {}) as Prisma.InputJsonObject,
              orderBy: (data.orderBy ?? []) as Prisma.InputJsonArray,
              columns: data.columns ?? [],
              shared: data.shared ?? false,
            },
          });
          if (data.isDefault) await setDefault(tx, caller, view, true);
          await appendOutbox(
            tx,
            createEvent<SavedViewEventPayload>({ type: 'platform.saved_view.created', tenantId: tenant, actor, aggregateId: view.id, payload: payloadOf(view) }),
          );
          return { ...view, isDefault: data.isDefault ?? false, editable: true };
        });
        afterCommit();
        return created;
      } catch (error) {
        if (isUniqueViolation(error)) throw nameTaken(data.name);
        throw error;
      }
    },

    async update(caller, id, input, actor) {
      const data = parseInput(updateInput, input);
      const tenant = recordId(caller.tenantId, 'tenantId');
      const viewId = recordId(id);
      const contentChange = data.name != null || data.filter != null || data.orderBy != null || data.columns != null || data.shared != null;
      try {
        const updated = await withTenantTransaction(prisma, tenant, async (tx) => {
          const existing = await findVisible(tx, caller, viewId);
          if (contentChange && !editableBy(caller, existing)) {
            throw forbidden(existing.shared ? 'Only the owner of a shared view or a tenant admin may change it' : 'Only the owner of a view may change it');
          }
          const changed: Record<string, unknown> = {};
          if (data.name != null) changed['name'] = data.name;
          if (data.filter != null) changed['filter'] = data.filter;
          if (data.orderBy != null) changed['orderBy'] = data.orderBy;
          if (data.columns != null) changed['columns'] = data.columns;
          if (data.shared != null) changed['shared'] = data.shared;
          const view = contentChange
            ? await tx.savedView.update({
                where: { id: viewId },
                data: {
                  ...(data.name != null ? { name: data.name, nameKey: nameKeyOf(data.name) } : {}),
                  ...(data.filter != null ? { filter: data.filter as Prisma.InputJsonObject } : {}),
                  ...(data.orderBy != null ? { orderBy: data.orderBy as Prisma.InputJsonArray } : {}),
                  ...(data.columns != null ? { columns: data.columns } : {}),
                  ...(data.shared != null ? { shared: data.shared } : {}),
                },
              })
            : existing;
          if (data.isDefault != null) {
            await setDefault(tx, caller, view, data.isDefault);
            changed['isDefault'] = data.isDefault;
          }
          // A view made private is nobody else's default any more.
          if (data.shared === false) {
            await tx.savedViewDefault.deleteMany({ where: { tenantId: tenant, viewId, NOT: { userId: view.ownerId } } });
          }
          if (Object.keys(changed).length > 0) {
            await appendOutbox(
              tx,
              createEvent<SavedViewEventPayload>({ type: 'platform.saved_view.updated', tenantId: tenant, actor, aggregateId: view.id, payload: payloadOf(view, changed) }),
            );
          }
          return { ...view, isDefault: await isDefaultFor(tx, caller, view), editable: editableBy(caller, view), changed: Object.keys(changed).length > 0 };
        });
        if (updated.changed) afterCommit();
        const { changed: _changed, ...record } = updated;
        return record;
      } catch (error) {
        if (isUniqueViolation(error) && data.name != null) throw nameTaken(data.name);
        throw error;
      }
    },

    async remove(caller, id, actor) {
      const tenant = recordId(caller.tenantId, 'tenantId');
      const viewId = recordId(id);
      await withTenantTransaction(prisma, tenant, async (tx) => {
        const existing = await findVisible(tx, caller, viewId);
        if (!editableBy(caller, existing)) throw forbidden('Only the owner of a shared view or a tenant admin may delete it');
        await tx.savedView.delete({ where: { id: viewId } });
        await appendOutbox(
          tx,
          createEvent<SavedViewEventPayload>({ type: 'platform.saved_view.deleted', tenantId: tenant, actor, aggregateId: viewId, payload: payloadOf(existing) }),
        );
      });
      afterCommit();
      return viewId;
    },
  };
}
