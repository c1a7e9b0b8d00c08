/**
 * Input checks shared by the sales modules. Every refusal is a BAD_USER_INPUT error whose
 * message and `extensions.field` name the offending field (e.g. `stages[1].probability`).
 */
import { badInput } from '@crm/runtime';
import { z } from 'zod';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True when `value` can be a record id (ids are uuids). Anything else can never match a row. */
export const isId = (value: string): boolean => UUID.test(value);

/** A required id. */
export const id = () => z.string({ error: 'must be an id' }).regex(UUID, { error: 'must be an id (uuid)' });

/** Text trimmed of surrounding spaces, 1..`max` characters. */
export const text = (max: number) =>
  z
    .string({ error: (issue) => (issue.input === null ? 'cannot be null' : 'must be a string') })
    .trim()
    .min(1, { error: 'must not be empty' })
    .max(max, { error: `must be at most ${max} characters` });

function fieldOf(prefix: string | undefined, path: ReadonlyArray<PropertyKey>): string {
  let field = prefix ?? '';
  for (const part of path) {
    field += typeof part === 'number' ? `[${part}]` : `${field ? '.' : ''}${String(part)}`;
  }
  return field;
}

/** Validates `value` with `schema`; the first problem becomes a BAD_USER_INPUT naming its field. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, prefix?: string): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const field = fieldOf(prefix, issue.path);
  throw badInput(field ? `${field} ${issue.message}` : issue.message, field || undefined);
}

/** Page size of a list: 0..`max` (default max 100). */
export function pageSize(first: number, max = 100): number {
  if (!Number.isInteger(first) || first < 0 || first > max) throw badInput(`first must be between 0 and ${max}`, 'first');
  return first;
}
