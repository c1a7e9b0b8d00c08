/**
 * Duplicate contacts: the same e-mail (any of a contact's addresses), the same phone digits, or a
 * similar full name (pg_trgm similarity; exact names only where pg_trgm is not installed).
 * Scores: same e-mail 1.0, same phone 0.9, name similarity x 0.8; the best reason wins.
 */
import { withTenantTransaction } from '@crm/db';
import { badInput, conflict, notFound } from '@crm/runtime';
import type { PrismaClient } from '../../../__generated__/prisma/client.ts';
import type { ContactModel } from '../../../__generated__/prisma/models.ts';
import { isUuid } from '../../../lib/validation.ts';

export type DuplicateReason = 'SAME_EMAIL' | 'SAME_PHONE' | 'SIMILAR_NAME';

export interface DuplicateMatch {
  contact: ContactModel;
  /** 0..1, higher is more likely the same person. */
  score: number;
  reasons: DuplicateReason[];
}

/** Smallest name similarity reported (pg_trgm's default threshold is 0.3). */
export const NAME_SIMILARITY_THRESHOLD = 0.4;
/** Phone numbers shorter than this (in digits) are too ambiguous to match on. */
const MIN_PHONE_DIGITS = 7;
export const MAX_DUPLICATES = 50;

export const phoneDigits = (phone: string | null | undefined) => (phone ?? '').replace(/[^0-9]/g, '');

type Tx = Parameters<Parameters<typeof withTenantTransaction<PrismaClient, unknown>>[2]>[0];

interface Row {
  id: string;
  same_email: boolean;
  same_phone: boolean;
  name_score: number;
}

export interface DuplicatesService {
  /** Live contacts that look like `contactId`, best first; NOT_FOUND when it is not a contact of the tenant. */
  find(tenantId: string, contactId: string, first: number): Promise<DuplicateMatch[]>;
  /**
   * CONFLICT (extensions `field` and `duplicateOf`) when a live contact already has one of
   * `emails` or the digits of `phone`. Runs inside the caller's transaction.
   */
  assertNoExactDuplicate(tx: Tx, candidate: { emails: string[]; phone: string | null }): Promise<void>;
}

export function createDuplicatesService({ prisma }: { prisma: PrismaClient }): DuplicatesService {
  let trigram: Promise<boolean> | undefined;
  /** Whether pg_trgm is installed (checked once per process). */
  const hasTrigram = (tx: Tx) =>
    (trigram ??= tx.$queryRaw<{ ok: boolean }[]>`SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') AS ok`.then(
      (rows) => rows[0]?.ok === true,
    ));

  return {
    async find(tenantId, contactId, first) {
      if (!isUuid(contactId)) throw notFound('Contact', contactId);
      if (!Number.isInteger(first) || first < 1 || first > MAX_DUPLICATES) throw badInput(`first must be between 1 and ${MAX_DUPLICATES}`, 'first');
      return withTenantTransaction(prisma, tenantId, async (tx) => {
        const target = await tx.contact.findFirst({ where: { id: contactId } });
        if (!target) throw notFound('Contact', contactId);
        const fuzzy = await hasTrigram(tx);
        const name = `${target.firstName} ${target.lastName}`.toLowerCase();
        const digits = phoneDigits(target.phone);
        const phone = digits.length >= MIN_PHONE_DIGITS ? digits : null;
        const rows = fuzzy
          ? await tx.$queryRaw<Row[]>`
              SELECT c.id,
                     (${target.email}::text IS NOT NULL AND (c.email = ${target.email} OR c.emails @> jsonb_build_array(jsonb_build_object('address', ${target.email}::text)))) AS same_email,
                     (${phone}::text IS NOT NULL AND regexp_replace(coalesce(c.phone, ''), '[^0-9]', '', 'g') = ${phone}) AS same_phone,
                     similarity(lower(c."firstName" || ' ' || c."lastName"), ${name})::float8 AS name_score
              FROM "Contact" c
              WHERE c."tenantId" = ${tenantId}::uuid AND c.id <> ${target.id}::uuid AND c."deletedAt" IS NULL
                AND ((${target.email}::text IS NOT NULL AND (c.email = ${target.email} OR c.emails @> jsonb_build_array(jsonb_build_object('address', ${target.email}::text))))
                  OR (${phone}::text IS NOT NULL AND regexp_replace(coalesce(c.phone, ''), '[^0-9]', '', 'g') = ${phone})
                  OR lower(c."firstName" || ' ' || c."lastName") % ${name})
              LIMIT 500`
          : await tx.$queryRaw<Row[]>`
              SELECT c.id,
                     (${target.email}::text IS NOT NULL AND c.email = ${target.email}) AS same_email,
                     (${phone}::text IS NOT NULL AND regexp_replace(coalesce(c.phone, ''), '[^0-9]', '', 'g') = ${phone}) AS same_phone,
                     (CASE WHEN lower(c."firstName" || ' ' || c."lastName") = ${name} THEN 1 ELSE 0 END)::float8 AS name_score
              FROM "Contact" c
              WHERE c."tenantId" = ${tenantId}::uuid AND c.id <> ${target.id}::uuid AND c."deletedAt" IS NULL
                AND ((${target.email}::text IS NOT NULL AND c.email = ${target.email})
                  OR (${phone}::text IS NOT NULL AND regexp_replace(coalesce(c.phone, ''), '[^0-9]', '', 'g') = ${phone})
                  OR lower(c."firstName" || ' ' || c."lastName") = ${name})
              LIMIT 500`;
        const scored = rows
          .map((row) => {
            const reasons: DuplicateReason[] = [];
            if (row.same_email) reasons.push('SAME_EMAIL');
            if (row.same_phone) reasons.push('SAME_PHONE');
            if (row.name_score >= NAME_SIMILARITY_THRESHOLD) reasons.push('SIMILAR_NAME');
            const score = Math.max(row.same_email ? 1 : 0, row.same_phone ? 0.9 : 0, row.name_score >= NAME_SIMILARITY_THRESHOLD ? row.name_score * 0.8 : 0);
            return { id: row.id, score: Math.round(score * 1000) / 1000, reasons };
          })
          .filter((match) => match.reasons.length > 0)
          .sort((a, b) => b.score - a.score || a.id.localeCompare(b.id))
          .slice(0, first);
        const contacts = await tx.contact.findMany({ where: { id: { in: scored.map((match) => match.id) } } });
        const byId = new Map(contacts.map((contact) => [contact.id, contact]));
        return scored.flatMap((match) => (byId.has(match.id) ? [{ contact: byId.get(match.id)!, score: match.score, reasons: match.reasons }] : []));
      });
    },

    async assertNoExactDuplicate(tx, { emails, phone }) {
      if (emails.length) {
        const same = await tx.contact.findFirst({ where: { deletedAt: null, email: { in: emails } }, select: { id: true, email: true } });
        if (same) throw conflict(`email: a contact with the e-mail ${same.email} already exists (${same.id})`, { field: 'email', duplicateOf: same.id });
      }
      const digits = phoneDigits(phone);
      if (digits.length >= MIN_PHONE_DIGITS) {
        const rows = await tx.$queryRaw<{ id: string }[]>`
          SELECT id FROM "Contact"
          WHERE "tenantId" = current_setting('app.tenant_id')::uuid AND "deletedAt" IS NULL
            AND regexp_replace(coalesce("phone", ''), '[^0-9]', '', 'g') = ${digits}
          LIMIT 1`;
        if (rows[0]) throw conflict(`phone: a contact with the phone ${phone} already exists (${rows[0].id})`, { field: 'phone', duplicateOf: rows[0].id });
      }
    },
  };
}
