/**
 * `customFields` and `customField(key)` of contacts, accounts and leads: the record's JSON read
 * through the tenant's live definitions (one loader query per record type and request).
 */
import type { Context } from '../../../context.ts';
import { valueObject, valueObjects, type CustomFieldEntity, type CustomFieldValueObject } from '../../../lib/custom-fields.ts';

export function customFieldResolvers(entity: CustomFieldEntity) {
  return {
    customFields: async (record: { customFields: unknown }, _args: unknown, context: Context): Promise<CustomFieldValueObject[]> =>
      valueObjects(await context.loaders.customFieldDefinitions.load(entity), record.customFields),
    customField: async (record: { customFields: unknown }, { key }: { key: string }, context: Context): Promise<CustomFieldValueObject | null> => {
      const def = (await context.loaders.customFieldDefinitions.load(entity)).find((candidate) => candidate.key === key);
      return def ? valueObject(def, record.customFields) : null;
    },
  };
}
