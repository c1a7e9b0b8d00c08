/**
 * Custom field values written with a record, inside the record's transaction: checked against the
 * tenant's live definitions (see lib/custom-fields.ts), and every REFERENCE must name a live
 * record of the tenant.
 */
import { badInput } from '@crm/runtime';
import type { Prisma } from '../../../__generated__/prisma/client.ts';
import type { TenantDb } from '../../../context.ts';
import { applyCustomFields, type CustomFieldEntity, type CustomFieldInput } from '../../../lib/custom-fields.ts';
import { ENTITY_OF, type RecordKind } from '../../../lib/records.ts';

/** The parts of a (transaction) client this needs. */
export type ValuesDb = Pick<TenantDb, 'customFieldDefinition' | RecordKind>;

async function liveIds(db: ValuesDb, entity: CustomFieldEntity, ids: string[]): Promise<Set<string>> {
  const where = { id: { in: ids }, deletedAt: null };
  const rows =
    entity === 'CONTACT'
      ? await db.contact.findMany({ where, select: { id: true } })
      : entity === 'ACCOUNT'
        ? await db.account.findMany({ where, select: { id: true } })
        : await db.lead.findMany({ where, select: { id: true } });
  return new Set(rows.map((row) => row.id));
}

/**
 * The record's new `customFields` after `inputs`, or undefined when there is nothing to change
 * (no inputs on an update). On create, required fields must be given.
 */
export async function customFieldValues(
  db: ValuesDb,
  kind: RecordKind,
  inputs: readonly CustomFieldInput[] | null | undefined,
  options: { creating: boolean; current?: Prisma.JsonValue; prefix?: string },
): Promise<Prisma.InputJsonObject | undefined> {
  if (!options.creating && !inputs?.length) return undefined;
  const definitions = await db.customFieldDefinition.findMany({ where: { entity: ENTITY_OF[kind], archivedAt: null } });
  const current = options.current && typeof options.current === 'object' && !Array.isArray(options.current) ? (options.current as Record<string, unknown>) : {};
  const { values, references } = applyCustomFields(definitions, inputs, current, { creating: options.creating, prefix: options.prefix });
  const byEntity = new Map<CustomFieldEntity, string[]>();
  for (const reference of references) byEntity.set(reference.entity, [...(byEntity.get(reference.entity) ?? []), reference.id]);
  for (const [entity, ids] of byEntity) {
    const found = await liveIds(db, entity, ids);
    const missing = references.find((reference) => reference.entity === entity && !found.has(reference.id));
    if (missing) throw badInput(`${missing.field}: no ${entity.toLowerCase()} ${missing.id}`, missing.field);
  }
  return values as Prisma.InputJsonObject;
}
