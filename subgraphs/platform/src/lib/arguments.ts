/** Argument checks shared by the platform's resolvers and services. */
import type { z } from 'zod';
import { badInput } from '@crm/runtime';

/** Largest page a list field returns. */
export const MAX_PAGE_SIZE = 100;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}

/** Validates a list's `first` argument: 1..100, default 50. */
export function pageSize(first: number | null | undefined, field = 'first'): number {
  const size = first ?? 50;
  if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE) {
    throw badInput(`\`${field}\` must be between 1 and ${MAX_PAGE_SIZE}`, field);
  }
  return size;
}

/** Validates an `ID` argument that names a record (records are identified by uuids). */
export function recordId(id: string, field = 'id'): string {
  if (!isUuid(id)) throw badInput(`\`${field}\` is not a valid id`, field);
  return id.toLowerCase();
}

/** Parses service input with zod; every problem is reported in one BAD_USER_INPUT error. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = result.error.issues;
  const message = issues.map((issue) => (issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message)).join('; ');
  const field = issues[0]?.path.join('.');
  throw badInput(message, field || undefined);
}
