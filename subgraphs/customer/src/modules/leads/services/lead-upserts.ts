/**
 * `upsertLeads`: up to 100 leads, each on its own, matched by `id`, else by e-mail among live leads
 * (CONFLICT when several share it), else created — through the leads service's `create` and
 * `update`, so assignment, scoring, status moves and events are those of single writes. `ownerId`
 * is the owner of a lead created; an existing lead keeps its owner (`updateLead` has none either).
 */
import { forTenant } from '@crm/db';
import { badInput, conflict, notFound, runBatch, type BatchResult } from '@crm/runtime';
import type { PrismaClient } from '../../../__generated__/prisma/client.ts';
import type { LeadModel } from '../../../__generated__/prisma/models.ts';
import type { Actor } from '../../../context.ts';
import type { CustomFieldInput } from '../../../lib/custom-fields.ts';
import type { OwnershipGuard } from '../../../lib/records.ts';
import { isUuid } from '../../../lib/validation.ts';
import type { LeadPatch, LeadsService } from './leads.ts';

export interface UpsertLeadInput {
  id?: string | null;
  name?: string | null;
  email?: string | null;
  company?: string | null;
  source?: string | null;
  status?: LeadModel['status'] | null;
  ownerId?: string | null;
  customFields?: readonly CustomFieldInput[] | null;
}

/** An item's error field as the batch names it: `inputs.3.email`. */
function batchField(index: number, field: string | null): string {
  if (!field) return `inputs.${index}`;
  if (field.startsWith('inputs.')) return field;
  return `inputs.${index}.${field.replace(/^input\./, '')}`;
}

export function upsertLeads(
  deps: { prisma: PrismaClient; leads: Pick<LeadsService, 'create' | 'update'> },
  tenantId: string,
  actor: Actor,
  inputs: readonly UpsertLeadInput[],
  guard: OwnershipGuard,
): Promise<BatchResult<LeadModel>[]> {
  const db = forTenant(deps.prisma, tenantId);
  return runBatch(
    inputs,
    async (input, index) => {
      const { id, ownerId, status, ...fields } = input;
      let existing: LeadModel | null = null;
      if (id != null) {
        if (!isUuid(id)) throw notFound('Lead', id);
        existing = await db.lead.findFirst({ where: { id: id.toLowerCase(), deletedAt: null } });
        if (!existing) throw notFound('Lead', id);
      } else if (fields.email?.trim()) {
        const email = fields.email.trim().toLowerCase();
        const matches = await db.lead.findMany({ where: { email, deletedAt: null }, take: 2 });
        if (matches.length > 1) throw conflict(`inputs.${index}.email: several leads have the e-mail ${email}; pass id`, { field: `inputs.${index}.email` });
        existing = matches[0] ?? null;
      }
      if (existing) {
        guard.change(existing, undefined);
        const patch: LeadPatch = { ...fields, ...(status ? { status } : {}) };
        return { outcome: 'UPDATED' as const, record: await deps.leads.update(tenantId, actor, existing.id, patch) };
      }
      if (!fields.name?.trim()) throw badInput(`inputs.${index}.name: required to create a lead`, `inputs.${index}.name`);
      const owner = guard.create(ownerId);
      guard.ownerExists(ownerId, `inputs.${index}.ownerId`);
      const created = await deps.leads.create(tenantId, actor, { ...fields, name: fields.name, ownerId: owner });
      // A new lead starts NEW; another status asked for is a move, with the same rules as updateLead.
      const record = status && status !== 'NEW' ? await deps.leads.update(tenantId, actor, created.id, { status }) : created;
      return { outcome: 'CREATED' as const, record };
    },
    { fieldOf: batchField },
  );
}
