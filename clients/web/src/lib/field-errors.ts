/**
 * Validation messages of the API, per form field. The API names the offending input field in
 * `extensions.field` of a BAD_USER_INPUT error (e.g. `email`, or `input.email`), and batch writes
 * return the same as `{ code, message, field }` items.
 */
import { graphQLErrorsOf } from './api-error.ts';

export interface FieldErrors {
  /** Message per field name, as the form names its inputs. */
  byField: Readonly<Record<string, string>>;
  /** Messages that belong to no field of the form. */
  general: readonly string[];
}

export const NO_FIELD_ERRORS: FieldErrors = { byField: {}, general: [] };

/** `input.emails[0].address` → `emails`: the form's input name is the first path segment under `input`. */
export function fieldNameOf(path: string): string {
  const segments = path.split('.').filter((segment) => segment !== 'input' && segment !== 'inputs');
  const first = segments[0] ?? path;
  return first.replace(/\[\d+\]$/, '');
}

/** Groups messages by the form fields they name; those naming no known field stay general. */
export function groupFieldErrors(
  errors: ReadonlyArray<{ message: string; field?: unknown }>,
  knownFields: readonly string[],
): FieldErrors {
  const byField: Record<string, string> = {};
  const general: string[] = [];
  for (const error of errors) {
    const name = typeof error.field === 'string' && error.field ? fieldNameOf(error.field) : null;
    if (name && knownFields.includes(name)) byField[name] = byField[name] ? `${byField[name]} ${error.message}` : error.message;
    else if (!general.includes(error.message)) general.push(error.message);
  }
  return { byField, general };
}

/** The field errors carried by an Apollo error (GraphQL errors with `extensions.field`). */
export function fieldErrorsOf(error: unknown, knownFields: readonly string[]): FieldErrors {
  const errors = graphQLErrorsOf(error).map((e) => ({ message: e.message, field: e.extensions?.field }));
  return groupFieldErrors(errors, knownFields);
}
