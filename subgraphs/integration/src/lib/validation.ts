/** Input helpers: UUID checks and the bridge from zod issues to BAD_USER_INPUT naming the field. */
import type { z } from 'zod';
import { badInput } from '@crm/runtime';

/** Any UUID PostgreSQL's `uuid` type accepts in canonical form (version not checked). */
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const isUuid = (value: string) => UUID.test(value);

/** Parses `value` with `schema`, or throws BAD_USER_INPUT naming the first invalid field. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue?.path.map(String).join('.') || undefined;
  const message = issue?.message ?? 'Invalid input';
  throw badInput(field && !message.startsWith(field) ? `${field}: ${message}` : message, field);
}
