/**
 * Writes one batch of contact rows of an import inside the caller's tenant transaction: dedup by
 * normalised primary e-mail against live contacts and earlier rows of the batch, ownership rules
 * of the importing user, then one multi-row INSERT and one multi-row UPDATE (rows passed as one
 * JSON document and expanded by `jsonb_to_recordset`), the import's change log (for undo) and its
 * row errors.
 */
import { randomUUID } from 'node:crypto';
import { assertCan, ownerForCreate, type Principal } from '@crm/authz';
import type { RawSql } from '@crm/events';
import { jsonList, mergePrimary, primaryOf, type EmailEntry, type PhoneEntry } from '../../../lib/contact-details.ts';
import { applyCustomFields, type FieldDefinition } from '../../../lib/custom-fields.ts';
import type { ContactPatch, RowReading } from '../lib/contact-rows.ts';
import { objectOf, reasonOf, recordChanges, recordFailures, type BatchOutcome, type DedupPolicy, type RowFailure } from './batch-log.ts';

export interface BatchRow {
  reading: RowReading;
  /** The row's cells as in the file (for the error report). */
  cells: readonly string[];
}

export interface ContactBatchInput {
  jobId: string;
  tenantId: string;
  policy: DedupPolicy;
  principal: Principal;
  /** Owner of created contacts when the row names none. */
  defaultOwnerId: string | null;
  definitions: readonly FieldDefinition[];
  rows: readonly BatchRow[];
}

/** The columns of a contact an import may change (what undo restores). */
interface ContactState {
  firstName: string;
  lastName: string;
  email: string | null;
  phone: string | null;
  emails: EmailEntry[];
  phones: PhoneEntry[];
  lifecycleStage: string;
  tags: string[];
  ownerId: string | null;
  customFields: Record<string, unknown>;
}

interface ExistingRow extends ContactState {
  id: string;
}

const RECORD_COLUMNS = `id uuid, "firstName" text, "lastName" text, email text, phone text, emails jsonb, phones jsonb, "lifecycleStage" text, tags jsonb, "ownerId" uuid, "customFields" jsonb`;

const makeEmail = (address: string): EmailEntry => ({ address, label: null, isPrimary: true });
const makePhone = (number: string): PhoneEntry => ({ number, label: null, isPrimary: true });

/** The state after applying `patch` to `current` (a new contact when `current` is null). */
function applyPatch(current: ContactState | null, patch: ContactPatch, definitions: readonly FieldDefinition[]): ContactState {
  const emails = mergePrimary(patch.email, undefined, current?.emails ?? [], makeEmail, (entry) => entry.address, 'email') ?? current?.emails ?? [];
  const phones = mergePrimary(patch.phone, undefined, current?.phones ?? [], makePhone, (entry) => entry.number, 'phone') ?? current?.phones ?? [];
  const primaries = primaryOf(emails, phones);
  const { values } = applyCustomFields(definitions, patch.customFields, current?.customFields ?? {}, { creating: current === null });
  return {
    firstName: patch.firstName ?? current?.firstName ?? '',
    lastName: patch.lastName ?? current?.lastName ?? '',
    email: primaries.email ?? null,
    phone: primaries.phone ?? null,
    emails,
    phones,
    lifecycleStage: patch.lifecycleStage ?? current?.lifecycleStage ?? 'SUBSCRIBER',
    tags: patch.tags ?? current?.tags ?? [],
    ownerId: patch.ownerId !== undefined ? patch.ownerId : (current?.ownerId ?? null),
    customFields: values,
  };
}

export async function writeContactBatch(tx: RawSql, input: ContactBatchInput): Promise<BatchOutcome> {
  const { jobId, tenantId, policy, principal, definitions } = input;
  const outcome: BatchOutcome = { created: 0, updated: 0, skipped: 0, failed: 0 };
  const errors: RowFailure[] = [];

  const keys = policy === 'CREATE' ? [] : [...new Set(input.rows.flatMap(({ reading }) => (reading.ok && reading.key ? [reading.key] : [])))];
  const existingByKey = new Map<string, ExistingRow[]>();
  if (keys.length) {
    const found = await tx.$queryRawUnsafe<ExistingRow[]>(
      `SELECT id, "firstName", "lastName", email, phone, emails, phones, "lifecycleStage"::text AS "lifecycleStage", tags, "ownerId", "customFields"
         FROM "Contact" WHERE "tenantId" = $1::uuid AND "deletedAt" IS NULL AND email = ANY($2::text[])`,
      tenantId,
      keys,
    );
    for (const row of found) {
      const list = existingByKey.get(row.email!) ?? [];
      list.push({ ...row, emails: jsonList<EmailEntry>(row.emails), phones: jsonList<PhoneEntry>(row.phones), customFields: objectOf(row.customFields) });
      existingByKey.set(row.email!, list);
    }
  }

  /** Records this batch creates or updates, by id, with their final state. */
  const creates = new Map<string, ContactState>();
  const updates = new Map<string, { state: ContactState; previous: ContactState }>();
  /** Key -> the record earlier rows of this batch created or updated. */
  const claimed = new Map<string, string>();

  for (const { reading, cells } of input.rows) {
    if (!reading.ok) {
      errors.push({ rowNumber: reading.rowNumber, column: reading.column, reason: reading.reason, values: cells });
      continue;
    }
    const { patch, key, rowNumber } = reading;
    const fail = (reason: string, column: string | null = null) => errors.push({ rowNumber, column, reason, values: cells });
    try {
      let targetId: string | undefined;
      if (key && policy !== 'CREATE') {
        targetId = claimed.get(key);
        if (!targetId) {
          const matches = existingByKey.get(key) ?? [];
          if (matches.length > 1) {
            fail(`several contacts have the e-mail ${key}`, null);
            continue;
          }
          targetId = matches[0]?.id;
        }
        if (targetId && policy === 'SKIP') {
          outcome.skipped++;
          continue;
        }
      }
      if (targetId) {
        // UPDATE: the record exists (in the database or created earlier in this batch)
        const pending = creates.get(targetId) ?? updates.get(targetId)?.state;
        const existing = pending ? null : [...(existingByKey.get(key!) ?? [])].find((row) => row.id === targetId)!;
        const current = pending ?? existing!;
        if (existing) assertCan(principal, 'contact', 'update', { ownerId: existing.ownerId });
        if (patch.ownerId !== undefined) assertCan(principal, 'contact', 'update', { ownerId: patch.ownerId });
        const state = applyPatch(current, patch, definitions);
        if (creates.has(targetId)) creates.set(targetId, state);
        else updates.set(targetId, { state, previous: updates.get(targetId)?.previous ?? existing! });
        // a row counts as an update also when it completes the contact an earlier row of the batch creates
        outcome.updated++;
        continue;
      }
      if (!patch.firstName || !patch.lastName) {
        fail(`${!patch.firstName ? 'firstName' : 'lastName'} is required to create a contact`);
        continue;
      }
      const ownerId = ownerForCreate(principal, 'contact', patch.ownerId ?? input.defaultOwnerId);
      const state = applyPatch(null, { ...patch, ownerId }, definitions);
      const id = randomUUID();
      creates.set(id, state);
      if (key) claimed.set(key, id);
      outcome.created++;
    } catch (error) {
      fail(reasonOf(error));
    }
  }
  const toJson = (id: string, state: ContactState) => ({ id, ...state });
  if (creates.size) {
    await tx.$executeRawUnsafe(
      `INSERT INTO "Contact" (id, "tenantId", "firstName", "lastName", email, phone, emails, phones, "lifecycleStage", tags, "ownerId", "customFields", "createdAt", "updatedAt")
       SELECT r.id, $2::uuid, r."firstName", r."lastName", r.email, r.phone, r.emails, r.phones, r."lifecycleStage"::"LifecycleStage",
              ARRAY(SELECT jsonb_array_elements_text(r.tags)), r."ownerId", r."customFields", now(), now()
         FROM jsonb_to_recordset($1::jsonb) AS r(${RECORD_COLUMNS})`,
      JSON.stringify([...creates].map(([id, state]) => toJson(id, state))),
      tenantId,
    );
  }
  if (updates.size) {
    await tx.$executeRawUnsafe(
      `UPDATE "Contact" c SET "firstName" = r."firstName", "lastName" = r."lastName", email = r.email, phone = r.phone, emails = r.emails, phones = r.phones,
              "lifecycleStage" = r."lifecycleStage"::"LifecycleStage", tags = ARRAY(SELECT jsonb_array_elements_text(r.tags)), "ownerId" = r."ownerId",
              "customFields" = r."customFields", "updatedAt" = now()
         FROM jsonb_to_recordset($1::jsonb) AS r(${RECORD_COLUMNS})
        WHERE c.id = r.id AND c."tenantId" = $2::uuid`,
      JSON.stringify([...updates].map(([id, { state }]) => toJson(id, state))),
      tenantId,
    );
  }
  await recordChanges(tx, jobId, tenantId, [
    ...[...creates.keys()].map((id) => ({ recordId: id, created: true, previous: null })),
    ...[...updates].map(([id, { previous }]) => ({ recordId: id, created: false, previous: toJson(id, previous) })),
  ]);
  await recordFailures(tx, jobId, tenantId, errors);
  outcome.failed = errors.length;
  return outcome;
}
