/**
 * Input rules shared by the customer modules, and the bridge from zod issues to a
 * BAD_USER_INPUT error that names the offending field.
 */
import { z } from 'zod';
import { badInput } from '@crm/runtime';

/** Any UUID PostgreSQL's `uuid` type accepts in canonical form (version not checked). */
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const isUuid = (value: string) => UUID.test(value);

/** Lowercase host name with at least one dot and an alphabetic (or punycode) top-level label. */
const DOMAIN = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$/;

/** Phone numbers are stored as typed; only the characters people actually use are allowed. */
const PHONE = /^\+?[0-9 ().\-/]{3,40}(?:\s*(?:x|ext\.?)\s*[0-9]{1,8})?$/i;

/** Trimmed text; empty or whitespace-only becomes null. */
export const optionalText = (max: number, label: string) =>
  z
    .string()
    .trim()
    .max(max, `${label} must be at most ${max} characters`)
    .nullish()
    .transform((value) => (value ? value : null));

export const requiredName = (label: string, max = 200) =>
  z.string().trim().min(1, `${label} must not be empty`).max(max, `${label} must be at most ${max} characters`);

export const optionalEmail = z
  .string()
  .trim()
  .toLowerCase()
  .max(254, 'email must be at most 254 characters')
  .nullish()
  .transform((value) => (value ? value : null))
  .refine((value) => value === null || z.email().safeParse(value).success, 'email is not a valid e-mail address');

export const optionalDomain = z
  .string()
  .trim()
  .toLowerCase()
  .nullish()
  .transform((value) => (value ? value.replace(/\.$/, '') : null))
  .refine((value) => value === null || DOMAIN.test(value), 'domain is not a valid domain name (e.g. acme.com)');

export const optionalPhone = z
  .string()
  .trim()
  .nullish()
  .transform((value) => (value ? value : null))
  .refine((value) => value === null || PHONE.test(value), 'phone is not a valid phone number');

export const optionalUuid = (label: string) =>
  z
    .string()
    .nullish()
    .transform((value) => value ?? null)
    .refine((value) => value === null || isUuid(value), `${label} is not a valid id`);

/**
 * Parses `value` with `schema`, or throws BAD_USER_INPUT naming the first invalid field
 * (prefixed with `path`, e.g. `inputs.3`, when the value sits inside a batch).
 */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, path: (string | number)[] = []): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = [...path, ...(issue?.path ?? [])].map(String).join('.') || undefined;
  const message = issue?.message ?? 'Invalid input';
  throw badInput(field && !message.startsWith(field) ? `${field}: ${message}` : message, field);
}

/**
 * Parses only the fields present in `value` (undefined means "leave as it is"; null clears),
 * each with its rule from `shape`; BAD_USER_INPUT names the first invalid one (prefixed with `path`).
 */
export function parsePatch<S extends Record<string, z.ZodType>>(
  shape: S,
  value: Record<string, unknown>,
  path: (string | number)[] = [],
): Partial<{ [K in keyof S]: z.output<S[K]> }> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(shape)) {
    if (value[key] === undefined) continue;
    out[key] = parseInput(shape[key]!, value[key], [...path, key]);
  }
  return out as Partial<{ [K in keyof S]: z.output<S[K]> }>;
}

/** Labels: trimmed, lowercased, de-duplicated; at most 50 of at most 50 characters each. */
export const tagList = z
  .array(z.string().trim().toLowerCase().min(1, 'tags must not be empty').max(50, 'tags must be at most 50 characters each'))
  .max(50, 'tags may list at most 50 labels')
  .nullish()
  .transform((tags) => [...new Set(tags ?? [])]);
