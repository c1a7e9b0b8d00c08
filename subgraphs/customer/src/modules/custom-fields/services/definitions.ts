/**
 * Custom field definitions of a tenant: defined, changed and archived by tenant admins (the
 * resolvers check the role). Each change records `customer.custom_field.defined`, `.updated` or
 * `.archived` in the outbox within the same transaction.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { withTenantTransaction } from '@crm/db';
import { appendOutbox, createEvent } from '@crm/events';
import { badInput, conflict, notFound } from '@crm/runtime';
import type { PrismaClient } from '../../../__generated__/prisma/client.ts';
import type { CustomFieldDefinitionModel } from '../../../__generated__/prisma/models.ts';
import type { Actor, TenantDb } from '../../../context.ts';
import {
  checkDefinitionShape,
  CUSTOM_FIELD_ENTITIES,
  CUSTOM_FIELD_TYPES,
  definitionRules,
  MAX_CUSTOM_FIELDS,
  type CustomFieldEntity,
  type CustomFieldType,
} from '../../../lib/custom-fields.ts';
import { isUuid, parseInput, parsePatch } from '../../../lib/validation.ts';

export const CUSTOM_FIELD_DEFINED = 'customer.custom_field.defined';
export const CUSTOM_FIELD_UPDATED = 'customer.custom_field.updated';
export const CUSTOM_FIELD_ARCHIVED = 'customer.custom_field.archived';

export interface NewCustomFieldDefinition {
  entity: CustomFieldEntity;
  key: string;
  label: string;
  type: CustomFieldType;
  required?: boolean | null;
  options?: readonly string[] | null;
  referenceEntity?: CustomFieldEntity | null;
}

export interface CustomFieldDefinitionPatch {
  label?: string | null;
  required?: boolean | null;
  options?: readonly string[] | null;
}

const definitionInput = z.object({
  entity: z.enum(CUSTOM_FIELD_ENTITIES, { error: `entity must be one of ${CUSTOM_FIELD_ENTITIES.join(', ')}` }),
  key: definitionRules.key,
  label: definitionRules.label,
  type: z.enum(CUSTOM_FIELD_TYPES, { error: `type must be one of ${CUSTOM_FIELD_TYPES.join(', ')}` }),
  required: z
    .boolean()
    .nullish()
    .transform((value) => value ?? false),
  options: definitionRules.options.nullish().transform((options) => options ?? []),
  referenceEntity: z.enum(CUSTOM_FIELD_ENTITIES).nullish().transform((entity) => entity ?? null),
});

const definitionPatch = {
  label: definitionRules.label,
  required: z.boolean(),
  options: definitionRules.options,
};

export interface CustomFieldDefinitionsService {
  list(db: TenantDb, entity: CustomFieldEntity, includeArchived: boolean): Promise<CustomFieldDefinitionModel[]>;
  /** BAD_USER_INPUT for bad keys, labels or options and beyond 100 live fields; CONFLICT when the key is taken. */
  create(tenantId: string, actor: Actor, input: NewCustomFieldDefinition): Promise<CustomFieldDefinitionModel>;
  /** NOT_FOUND for an id that is not a live field of the tenant; options may only grow. */
  update(tenantId: string, actor: Actor, id: string, patch: CustomFieldDefinitionPatch): Promise<CustomFieldDefinitionModel>;
  /** Idempotent; NOT_FOUND for an id that is not the tenant's. */
  archive(tenantId: string, actor: Actor, id: string): Promise<CustomFieldDefinitionModel>;
}

export interface CustomFieldDefinitionsDeps {
  prisma: PrismaClient;
  onCommit: () => void;
}

const eventPayload = (def: CustomFieldDefinitionModel) => ({
  entity: def.entity,
  key: def.key,
  label: def.label,
  type: def.type,
  required: def.required,
  options: def.options,
  referenceEntity: def.referenceEntity,
});

export function createCustomFieldDefinitionsService({ prisma, onCommit }: CustomFieldDefinitionsDeps): CustomFieldDefinitionsService {
  const checkId = (id: string) => {
    if (!isUuid(id)) throw badInput('id: is not a valid id', 'id');
    return id.toLowerCase();
  };
  return {
    list(db, entity, includeArchived) {
      return db.customFieldDefinition.findMany({
        where: { entity, ...(includeArchived ? {} : { archivedAt: null }) },
        orderBy: [{ createdAt: 'asc' }, { key: 'asc' }],
      });
    },
    async create(tenantId, actor, input) {
      const data = parseInput(definitionInput, input);
      checkDefinitionShape(data);
      const created = await withTenantTransaction(prisma, tenantId, async (tx) => {
        // One definition change per tenant and record type at a time, so the limit holds under concurrency.
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`custom-fields:${tenantId}:${data.entity}`}))`;
        const taken = await tx.customFieldDefinition.findFirst({ where: { entity: data.entity, key: data.key } });
        if (taken) throw conflict(`key: ${data.entity} already has a custom field ${data.key}${taken.archivedAt ? ' (archived)' : ''}`, { field: 'key' });
        const live = await tx.customFieldDefinition.count({ where: { entity: data.entity, archivedAt: null } });
        if (live >= MAX_CUSTOM_FIELDS) throw badInput(`entity: ${data.entity} already has ${MAX_CUSTOM_FIELDS} custom fields`, 'entity');
        const row = await tx.customFieldDefinition.create({ data: { id: randomUUID(), tenantId, ...data } });
        await appendOutbox(tx, createEvent({ type: CUSTOM_FIELD_DEFINED, tenantId, actor, aggregateId: row.id, payload: eventPayload(row) }));
        return row;
      });
      onCommit();
      return created;
    },
    async update(tenantId, actor, rawId, rawPatch) {
      const id = checkId(rawId);
      const patch = parsePatch(definitionPatch, { ...rawPatch }, ['input']);
      const updated = await withTenantTransaction(prisma, tenantId, async (tx) => {
        const current = await tx.customFieldDefinition.findFirst({ where: { id, archivedAt: null } });
        if (!current) throw notFound('CustomFieldDefinition', id);
        if (patch.options !== undefined) {
          checkDefinitionShape({ ...current, options: patch.options });
          const removed = current.options.find((option) => !patch.options!.includes(option));
          if (removed !== undefined) throw badInput(`input.options: options cannot be removed (${removed} is missing)`, 'input.options');
        }
        const row = await tx.customFieldDefinition.update({ where: { id }, data: patch });
        await appendOutbox(tx, createEvent({ type: CUSTOM_FIELD_UPDATED, tenantId, actor, aggregateId: id, payload: eventPayload(row) }));
        return row;
      });
      onCommit();
      return updated;
    },
    async archive(tenantId, actor, rawId) {
      const id = checkId(rawId);
      const archived = await withTenantTransaction(prisma, tenantId, async (tx) => {
        const current = await tx.customFieldDefinition.findFirst({ where: { id } });
        if (!current) throw notFound('CustomFieldDefinition', id);
        if (current.archivedAt) return current;
        const row = await tx.customFieldDefinition.update({ where: { id }, data: { archivedAt: new Date() } });
        await appendOutbox(tx, createEvent({ type: CUSTOM_FIELD_ARCHIVED, tenantId, actor, aggregateId: id, payload: eventPayload(row) }));
        return row;
      });
      onCommit();
      return archived;
    },
  };
}
