/**
 * Turning a posted form (all values are strings) into lead input: built-in fields, and the form's
 * allowed custom fields written with the `CustomFieldInput` member of their type.
 */
import type { CustomFieldInput } from '../../../lib/custom-fields.ts';

/** Built-in fields a form posts; everything else is a custom-field key (or ignored). */
export const BUILT_IN_FIELDS = ['name', 'email', 'company', 'phone', 'message'] as const;

export interface FormPost {
  name?: string;
  email?: string;
  company?: string;
  phone?: string;
  message?: string;
  /** Other posted fields by name. */
  custom: Record<string, string>;
}

export interface FieldType {
  key: string;
  type: string;
}

/** The custom-field inputs of `post` for the fields the form allows (others are ignored; empty values skipped). */
export function customFieldInputs(post: FormPost, allowed: readonly string[], definitions: readonly FieldType[]): CustomFieldInput[] {
  const typeOf = new Map(definitions.map((definition) => [definition.key, definition.type]));
  const inputs: CustomFieldInput[] = [];
  for (const key of allowed) {
    const raw = post.custom[key]?.trim();
    const type = typeOf.get(key);
    if (!raw || !type) continue;
    inputs.push(inputOf(key, type, raw));
  }
  return inputs;
}

function inputOf(key: string, type: string, raw: string): CustomFieldInput {
  switch (type) {
    case 'NUMBER': {
      const number = Number(raw);
      // not a number: left as text so the custom-field rules name the field
      return Number.isFinite(number) ? { key, number } : { key, text: raw };
    }
    case 'BOOLEAN':
      return { key, boolean: ['true', 'on', 'yes', '1'].includes(raw.toLowerCase()) };
    case 'DATE':
      return { key, date: raw };
    case 'SELECT':
      return { key, option: raw };
    case 'MULTI_SELECT':
      return { key, options: raw.split(',').map((option) => option.trim()).filter(Boolean) };
    case 'URL':
      return { key, url: raw };
    case 'EMAIL':
      return { key, email: raw };
    default:
      return { key, text: raw };
  }
}
