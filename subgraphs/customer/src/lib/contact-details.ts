/**
 * A contact's e-mail addresses, phone numbers, postal addresses and social links, and an
 * account's revenue. Lists with a primary entry keep exactly one primary (the first one when
 * none is marked), and the primary is mirrored in the contact's `email` / `phone` columns so
 * filters, sorting and duplicate checks use it.
 */
import { z } from 'zod';
import { badInput } from '@crm/runtime';
import { optionalEmail, optionalPhone, optionalText } from './validation.ts';

export type EmailEntry = {
  address: string;
  label: string | null;
  isPrimary: boolean;
};
export type PhoneEntry = {
  number: string;
  label: string | null;
  isPrimary: boolean;
};
export type PostalAddress = {
  label: string | null;
  street: string | null;
  city: string | null;
  region: string | null;
  postalCode: string | null;
  /** ISO 3166-1 alpha-2, uppercase. */
  country: string | null;
};
export type SocialLink = {
  network: string;
  url: string;
};

const MAX_ENTRIES = 20;
const label = optionalText(50, 'label');

const requiredEmail = optionalEmail.refine((value) => value !== null, 'address must not be empty');
const requiredPhone = optionalPhone.refine((value) => value !== null, 'number must not be empty');

/** Exactly one primary: the marked one, else the first. Duplicates (by `key`) are dropped. */
function withOnePrimary<T extends { isPrimary: boolean }>(entries: T[], key: (entry: T) => string, ctx: z.RefinementCtx): T[] {
  if (entries.filter((entry) => entry.isPrimary).length > 1) {
    ctx.addIssue({ code: 'custom', message: 'only one entry may be primary', path: [] });
    return entries;
  }
  const seen = new Set<string>();
  const unique = entries.filter((entry) => !seen.has(key(entry)) && seen.add(key(entry)));
  const primary = Math.max(0, unique.findIndex((entry) => entry.isPrimary));
  return unique.map((entry, index) => ({ ...entry, isPrimary: index === primary }));
}

export const emailList = z
  .array(z.object({ address: requiredEmail, label, isPrimary: z.boolean().nullish().transform(Boolean) }))
  .max(MAX_ENTRIES, `emails may list at most ${MAX_ENTRIES} addresses`)
  .transform((entries, ctx) => withOnePrimary(entries as EmailEntry[], (entry) => entry.address, ctx));

export const phoneList = z
  .array(z.object({ number: requiredPhone, label, isPrimary: z.boolean().nullish().transform(Boolean) }))
  .max(MAX_ENTRIES, `phones may list at most ${MAX_ENTRIES} numbers`)
  .transform((entries, ctx) => withOnePrimary(entries as PhoneEntry[], (entry) => entry.number.replace(/[^0-9+]/g, ''), ctx));

export const addressList = z
  .array(
    z
      .object({
        label,
        street: optionalText(200, 'street'),
        city: optionalText(100, 'city'),
        region: optionalText(100, 'region'),
        postalCode: optionalText(20, 'postalCode'),
        country: z
          .string()
          .trim()
          .toUpperCase()
          .regex(/^[A-Z]{2}$/, 'country must be an ISO 3166-1 alpha-2 code such as US')
          .nullish()
          .transform((value) => value ?? null),
      })
      .refine((address) => address.street || address.city || address.postalCode || address.country, 'an address needs at least a street, city, postal code or country'),
  )
  .max(MAX_ENTRIES, `addresses may list at most ${MAX_ENTRIES} entries`);

export const socialLinkList = z
  .array(
    z.object({
      network: z.string().trim().toLowerCase().min(1, 'network must not be empty').max(30, 'network must be at most 30 characters'),
      url: z
        .string()
        .trim()
        .max(500, 'url must be at most 500 characters')
        .refine((value) => {
          try {
            const url = new URL(value);
            return (url.protocol === 'https:' || url.protocol === 'http:') && url.hostname.includes('.');
          } catch {
            return false;
          }
        }, 'url must be an http(s) address'),
    }),
  )
  .max(MAX_ENTRIES, `socialLinks may list at most ${MAX_ENTRIES} links`);

/** The contact columns derived from the lists: primary e-mail and phone. */
export function primaryOf(emails: EmailEntry[] | undefined, phones: PhoneEntry[] | undefined) {
  return {
    ...(emails ? { email: emails.find((entry) => entry.isPrimary)?.address ?? null } : {}),
    ...(phones ? { phone: phones.find((entry) => entry.isPrimary)?.number ?? null } : {}),
  };
}

/**
 * Reconciles a single `email` (or `phone`) with the list form. Given only the single value, it
 * becomes the primary entry, keeping the other entries of `current`; given both, the single value
 * must be the list's primary. Returns the new list, or undefined when neither was given.
 */
export function mergePrimary<T extends { isPrimary: boolean }>(
  single: string | null | undefined,
  list: T[] | undefined,
  current: T[],
  make: (value: string) => T,
  valueOf: (entry: T) => string,
  field: string,
): T[] | undefined {
  if (list !== undefined) {
    const primary = list.find((entry) => entry.isPrimary);
    if (single !== undefined && (single ?? null) !== (primary ? valueOf(primary) : null)) {
      throw badInput(`${field}: must be the primary entry of ${field}s when both are given`, field);
    }
    return list;
  }
  if (single === undefined) return undefined;
  const others = current.filter((entry) => !entry.isPrimary && (single === null || valueOf(entry) !== single)).map((entry) => ({ ...entry, isPrimary: false }));
  return single === null ? others.map((entry, index) => ({ ...entry, isPrimary: index === 0 })) : [make(single), ...others];
}

/** ISO 4217 currency code and an amount in its minor units. */
export const revenueInput = z
  .object({
    amountMinor: z
      .string()
      .trim()
      .regex(/^\d{1,18}$/, 'amountMinor must be a whole non-negative number of minor units (e.g. "125000000" for $1.25M)')
      .transform((value) => BigInt(value)),
    currency: z
      .string()
      .trim()
      .toUpperCase()
      .regex(/^[A-Z]{3}$/, 'currency must be an ISO 4217 code such as USD'),
  })
  .nullish()
  .transform((value) => (value ? { revenueMinor: value.amountMinor, revenueCurrency: value.currency } : { revenueMinor: null, revenueCurrency: null }));

/** Reads a JSON list column (always an array by construction). */
export const jsonList = <T>(value: unknown): T[] => (Array.isArray(value) ? (value as T[]) : []);
