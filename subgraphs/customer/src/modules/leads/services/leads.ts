/**
 * Leads: prospects not yet qualified. A new lead starts as NEW with score 0;
 * creating one records `customer.lead.created` in the outbox within the same transaction.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { forTenant, withTenantTransaction } from '@crm/db';
import { appendOutbox, createEvent } from '@crm/events';
import type { PrismaClient } from '../../../__generated__/prisma/client.ts';
import type { LeadModel } from '../../../__generated__/prisma/models.ts';
import type { Actor, TenantDb } from '../../../context.ts';
import { leadSpec } from '../../../lib/entities.ts';
import type { Page, Where } from '../../../lib/list-query.ts';
import { changeTrash, groupCounts, listPage, rowsInOrder, type GroupCount, type ListArgs, type TrashAction } from '../../../lib/records.ts';
import type { CustomFieldInput } from '../../../lib/custom-fields.ts';
import { customFieldValues } from '../../custom-fields/services/values.ts';
import { optionalEmail, optionalText, optionalUuid, parseInput, requiredName } from '../../../lib/validation.ts';

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

const leadInput = z.object({
  name: requiredName('name'),
  email: optionalEmail,
  company: optionalText(200, 'company'),
  source: optionalText(100, 'source'),
  ownerId: optionalUuid('ownerId'),
});

export interface LeadsService {
  /** Validates and creates a lead (status NEW, score 0). */
  create(tenantId: string, actor: Actor, input: NewLead): Promise<LeadModel>;
  /** The tenant's live leads, newest first. */
  list(db: TenantDb, options: { first: number; scope?: Where }): Promise<LeadModel[]>;
  /** One Relay page: filtered, ordered, at most 100 rows. */
  page(db: TenantDb, args: ListArgs): Promise<Page<LeadModel>>;
  /** Counts per status, source or owner. */
  groups(db: TenantDb, args: { field: string; filter?: unknown; state?: ListArgs['state']; scope?: Where }): Promise<GroupCount[]>;
  /** Moves to or out of the trash, or purges; returns the rows (none when purged). */
  trash(tenantId: string, actor: Actor, action: TrashAction, ids: readonly string[]): Promise<LeadModel[]>;
}

export interface LeadsServiceDeps {
  prisma: PrismaClient;
  /** Called after each committed write (publishes the outbox at once). */
  onCommit: () => void;
}

export function createLeadsService({ prisma, onCommit }: LeadsServiceDeps): LeadsService {
  return {
    async create(tenantId, actor, input) {
      const data = parseInput(leadInput, input);
      const lead = await withTenantTransaction(prisma, tenantId, async (tx) => {
        const customFields = await customFieldValues(tx, 'lead', input.customFields, { creating: true });
        const created = await tx.lead.create({ data: { id: randomUUID(), tenantId, ...data, customFields } });
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
