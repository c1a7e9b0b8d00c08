/**
 * Leads: prospects not yet qualified. A new lead starts as NEW; the tenant's assignment rules give
 * it an owner when it has none and its scoring rules its score (see `LeadRules`). Creating or
 * changing one records `customer.lead.created` / `customer.lead.updated` in the outbox within the
 * same transaction.
 *
 * Status flow: NEW -> CONTACTED -> QUALIFIED, and UNQUALIFIED from (and back to) any of those;
 * CONVERTED only through `convertLead`, and a converted lead's status no longer changes.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { forTenant, withTenantTransaction } from '@crm/db';
import { badInput, notFound } from '@crm/runtime';
import { appendOutbox, createEvent } from '@crm/events';
import type { PrismaClient } from '../../../__generated__/prisma/client.ts';
import type { LeadModel } from '../../../__generated__/prisma/models.ts';
import type { Actor, TenantDb } from '../../../context.ts';
import { leadSpec } from '../../../lib/entities.ts';
import type { Page, Where } from '@crm/db/list-query';
import { changeTrash, groupCounts, listPage, rowsInOrder, type GroupArgs, type GroupCount, type ListArgs, type TrashAction } from '../../../lib/records.ts';
import type { CustomFieldInput } from '../../../lib/custom-fields.ts';
import { customFieldValues } from '../../custom-fields/services/values.ts';
import { isUuid, optionalEmail, optionalText, optionalUuid, parseInput, parsePatch, requiredName } from '../../../lib/validation.ts';
import type { LeadRules } from '../../lead-scoring/services/lead-rules.ts';

export interface NewLead {
  name: string;
  email?: string | null;
  company?: string | null;
  source?: string | null;
  ownerId?: string | null;
  /** Values of the tenant's custom fields; required ones must be given. */
  customFields?: readonly CustomFieldInput[] | null;
}

export const LEAD_CREATED = 'customer.lead.created';
export const LEAD_UPDATED = 'customer.lead.updated';

/** Changes to a lead; omitted fields stay as they are. */
export interface LeadPatch {
  name?: string | null;
  email?: string | null;
  company?: string | null;
  source?: string | null;
  status?: LeadModel['status'] | null;
  customFields?: readonly CustomFieldInput[] | null;
}

/** Payload of `customer.lead.updated` (version 1): the changed fields with their new values. */
export interface LeadUpdatedPayload extends Record<string, unknown> {
  changes: Record<string, unknown>;
}

/** Statuses a lead may move to from each status by an update (CONVERTED only through conversion). */
export const LEAD_STATUS_MOVES: Readonly<Record<LeadModel['status'], readonly LeadModel['status'][]>> = {
  NEW: ['CONTACTED', 'QUALIFIED', 'UNQUALIFIED'],
  CONTACTED: ['NEW', 'QUALIFIED', 'UNQUALIFIED'],
  QUALIFIED: ['CONTACTED', 'UNQUALIFIED'],
  UNQUALIFIED: ['NEW', 'CONTACTED', 'QUALIFIED'],
  CONVERTED: [],
};

/** Payload of `customer.lead.created` (version 1). */
export interface LeadCreatedPayload extends Record<string, unknown> {
  name: string;
  email: string | null;
  company: string | null;
  source: string | null;
  status: LeadModel['status'];
  score: number;
  ownerId: string | null;
}

/** Rules of a new lead (CSV imports read rows with them too). */
export const leadInput = z.object({
  name: requiredName('name'),
  email: optionalEmail,
  company: optionalText(200, 'company'),
  source: optionalText(100, 'source'),
  ownerId: optionalUuid('ownerId'),
});

const leadPatch = {
  name: requiredName('name'),
  email: optionalEmail,
  company: optionalText(200, 'company'),
  source: optionalText(100, 'source'),
};

export interface LeadsService {
  /** Validates and creates a lead (status NEW, score 0). */
  create(tenantId: string, actor: Actor, input: NewLead): Promise<LeadModel>;
  /** Changes a lead (status moves per `LEAD_STATUS_MOVES`) and rescores it. NOT_FOUND for an unknown or trashed lead. */
  update(tenantId: string, actor: Actor, id: string, patch: LeadPatch): Promise<LeadModel>;
  /** The tenant's live leads, newest first. */
  list(db: TenantDb, options: { first: number; scope?: Where }): Promise<LeadModel[]>;
  /** One Relay page: filtered, ordered, at most 100 rows. */
  page(db: TenantDb, args: ListArgs): Promise<Page<LeadModel>>;
  /** Counts per status, source or owner. */
  groups(db: TenantDb, args: GroupArgs): Promise<GroupCount[]>;
  /** Moves to or out of the trash, or purges; returns the rows (none when purged). */
  trash(tenantId: string, actor: Actor, action: TrashAction, ids: readonly string[]): Promise<LeadModel[]>;
}

export interface LeadsServiceDeps {
  prisma: PrismaClient;
  /** Called after each committed write (publishes the outbox at once). */
  onCommit: () => void;
  /** Assignment and scoring applied to each write; none: leads keep the owner given and score 0. */
  rules?: LeadRules;
}

export function createLeadsService({ prisma, onCommit, rules }: LeadsServiceDeps): LeadsService {
  return {
    async create(tenantId, actor, input) {
      const data = parseInput(leadInput, input);
      const lead = await withTenantTransaction(prisma, tenantId, async (tx) => {
        const customFields = await customFieldValues(tx, 'lead', input.customFields, { creating: true });
        const id = randomUUID();
        const prepared = await rules?.prepare(tx, tenantId, { ...data, customFields }, { leadId: null, assign: true });
        const created = await tx.lead.create({ data: { id, tenantId, ...data, ownerId: prepared?.ownerId ?? data.ownerId, score: prepared?.score ?? 0, customFields } });
        await prepared?.commit(tx, id);
        await appendOutbox(
          tx,
          createEvent<LeadCreatedPayload>({
            type: LEAD_CREATED,
            tenantId,
            actor,
            aggregateId: created.id,
            payload: {
              name: created.name,
              email: created.email,
              company: created.company,
              source: created.source,
              status: created.status,
              score: created.score,
              ownerId: created.ownerId,
            },
          }),
        );
        return created;
      });
      onCommit();
      return lead;
    },
    async update(tenantId, actor, id, input) {
      if (!isUuid(id)) throw badInput('id is not a valid id', 'id');
      const { status, customFields: customInput, ...fields } = input;
      const patch = parsePatch(leadPatch, fields);
      if (status === null) throw badInput('status must not be null', 'status');
      const lead = await withTenantTransaction(prisma, tenantId, async (tx) => {
        const existing = await tx.lead.findFirst({ where: { id: id.toLowerCase(), deletedAt: null } });
        if (!existing) throw notFound('Lead', id);
        if (status && status !== existing.status && !LEAD_STATUS_MOVES[existing.status].includes(status)) {
          throw badInput(
            existing.status === 'CONVERTED' || status === 'CONVERTED'
              ? `status: a lead becomes CONVERTED only through convertLead, and a converted lead keeps its status`
              : `status: a ${existing.status} lead cannot move to ${status} (allowed: ${LEAD_STATUS_MOVES[existing.status].join(', ')})`,
            'status',
          );
        }
        const customFields = await customFieldValues(tx, 'lead', customInput, { creating: false, current: existing.customFields });
        const changes: Record<string, unknown> = { ...patch, ...(status && status !== existing.status ? { status } : {}), ...(customFields ? { customFields } : {}) };
        const next = { ...existing, ...changes };
        const prepared = await rules?.prepare(tx, tenantId, next, { leadId: existing.id, assign: false });
        if (prepared && prepared.score !== existing.score) changes.score = prepared.score;
        const updated = await tx.lead.update({ where: { id: existing.id }, data: changes });
        await prepared?.commit(tx, existing.id);
        if (Object.keys(changes).length > 0) {
          await appendOutbox(tx, createEvent<LeadUpdatedPayload>({ type: LEAD_UPDATED, tenantId, actor, aggregateId: existing.id, payload: { changes } }));
        }
        return updated;
      });
      onCommit();
      return lead;
    },
    list(db, { first, scope }) {
      return db.lead.findMany({ where: { AND: [scope ?? {}, { deletedAt: null }] }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], take: first });
    },
    page: (db, args) => listPage<LeadModel>(db, 'lead', leadSpec, args),
    groups: (db, args) => groupCounts(db, 'lead', leadSpec, args),
    async trash(tenantId, actor, action, ids) {
      const changed = await changeTrash({ prisma, onCommit }, tenantId, actor, 'lead', action, ids);
      return action === 'purged' ? [] : rowsInOrder<LeadModel>(forTenant(prisma, tenantId), 'lead', changed);
    },
  };
}
