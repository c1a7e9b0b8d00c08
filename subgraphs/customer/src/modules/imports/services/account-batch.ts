/**
 * Writes one batch of account rows of an import inside the caller's tenant transaction: dedup by
 * normalised domain (else lower(name)) against live accounts and earlier rows, ownership rules of
 * the importing user, custom fields, then multi-row INSERT / UPDATE statements (rows as one JSON
 * document expanded by `jsonb_to_recordset`), the change log (for undo) and the row errors.
 *
 * A row naming a parent account (by id or domain) is checked with the hierarchy rules of
 * `upsertAccounts` (`checkParent`: a live account, no cycle, at most 20 levels) against the
 * database: the rows before it in the batch are written first, so a parent created a few rows
 * earlier is found and a cycle through rows of the same file is caught. Such rows cost a few
 * queries each; rows without a parent are written in bulk.
 */
import { randomUUID } from 'node:crypto';
import { assertCan, ownerForCreate, type Principal } from '@crm/authz';
import type { TxClient } from '@crm/db';
import type { PrismaClient } from '../../../__generated__/prisma/client.ts';
import { applyCustomFields, type FieldDefinition } from '../../../lib/custom-fields.ts';
import { checkParent } from '../../accounts/services/accounts.ts';
import type { AccountRowPatch, RecordReading } from '../lib/record-rows.ts';
import { objectOf, reasonOf, recordChanges, recordFailures, type BatchOutcome, type DedupPolicy, type ImportChangeRow, type RowFailure } from './batch-log.ts';

export interface AccountBatchRow {
  reading: RecordReading<AccountRowPatch>;
  cells: readonly string[];
}

export interface AccountBatchInput {
  jobId: string;
  tenantId: string;
  policy: DedupPolicy;
  principal: Principal;
  /** Owner of created accounts when the row names none. */
  defaultOwnerId: string | null;
  definitions: readonly FieldDefinition[];
  /** The CSV column mapped to `parent` (named in errors about the parent). */
  parentColumn: string | null;
  rows: readonly AccountBatchRow[];
}

/** The columns of an account an import may change (what undo restores). */
export interface AccountState {
  name: string;
  domain: string | null;
  industry: string | null;
  employees: number | null;
  /** Minor units as a decimal string. */
  revenueMinor: string | null;
  revenueCurrency: string | null;
  parentId: string | null;
  ownerId: string | null;
  customFields: Record<string, unknown>;
}

interface ExistingRow extends AccountState {
  id: string;
}

export const ACCOUNT_RECORD_COLUMNS = `id uuid, name text, domain text, industry text, employees int, "revenueMinor" text, "revenueCurrency" text, "parentId" uuid, "ownerId" uuid, "customFields" jsonb`;

/** SET list of an UPDATE "Account" a from a record `r` of ACCOUNT_RECORD_COLUMNS. */
export const ACCOUNT_SET = `name = r.name, domain = r.domain, industry = r.industry, employees = r.employees, "revenueMinor" = r."revenueMinor"::bigint,
  "revenueCurrency" = r."revenueCurrency", "parentId" = r."parentId", "ownerId" = r."ownerId", "customFields" = r."customFields", "updatedAt" = now()`;

/** The state after applying `patch` (and the resolved parent) to `current` (a new account when null). */
export function applyAccountPatch(current: AccountState | null, patch: AccountRowPatch, parentId: string | undefined, definitions: readonly FieldDefinition[]): AccountState {
  const { values } = applyCustomFields(definitions, patch.customFields, current?.customFields ?? {}, { creating: current === null });
  const revenue = patch.annualRevenue
    ? { revenueMinor: patch.annualRevenue.revenueMinor === null ? null : String(patch.annualRevenue.revenueMinor), revenueCurrency: patch.annualRevenue.revenueCurrency }
    : { revenueMinor: current?.revenueMinor ?? null, revenueCurrency: current?.revenueCurrency ?? null };
  return {
    name: patch.name ?? current?.name ?? '',
    domain: patch.domain !== undefined ? patch.domain : (current?.domain ?? null),
    industry: patch.industry !== undefined ? patch.industry : (current?.industry ?? null),
    employees: patch.employees !== undefined ? patch.employees : (current?.employees ?? null),
    ...revenue,
    parentId: parentId !== undefined ? parentId : (current?.parentId ?? null),
    ownerId: patch.ownerId !== undefined ? patch.ownerId : (current?.ownerId ?? null),
    customFields: values,
  };
}

/** Problem with a row, tied to a column. */
class RowProblem extends Error {
  constructor(
    message: string,
    readonly column: string | null,
  ) {
    super(message);
  }
}

export async function writeAccountBatch(tx: TxClient<PrismaClient>, input: AccountBatchInput): Promise<BatchOutcome> {
  const { jobId, tenantId, policy, principal, definitions } = input;
  const outcome: BatchOutcome = { created: 0, updated: 0, skipped: 0, failed: 0 };
  const errors: RowFailure[] = [];

  const existingByKey = new Map<string, ExistingRow[]>();
  const existingById = new Map<string, ExistingRow>();
  if (policy !== 'CREATE') {
    const domains = new Set<string>();
    const names = new Set<string>();
    for (const { reading } of input.rows) {
      if (!reading.ok) continue;
      if (reading.patch.domain) domains.add(reading.patch.domain);
      else if (reading.patch.name) names.add(reading.patch.name.toLowerCase());
    }
    if (domains.size || names.size) {
      const found = await tx.$queryRawUnsafe<(Omit<ExistingRow, 'customFields'> & { customFields: unknown })[]>(
        `SELECT id, name, domain, industry, employees, "revenueMinor"::text AS "revenueMinor", "revenueCurrency", "parentId", "ownerId", "customFields"
           FROM "Account" WHERE "tenantId" = $1::uuid AND "deletedAt" IS NULL AND (domain = ANY($2::text[]) OR lower(name) = ANY($3::text[]))`,
        tenantId,
        [...domains],
        [...names],
      );
      for (const row of found) {
        const existing = { ...row, customFields: objectOf(row.customFields) };
        existingById.set(existing.id, existing);
        const keys = [...(row.domain && domains.has(row.domain) ? [`domain:${row.domain}`] : []), ...(names.has(row.name.toLowerCase()) ? [`name:${row.name.toLowerCase()}`] : [])];
        for (const key of keys) existingByKey.set(key, [...(existingByKey.get(key) ?? []), existing]);
      }
    }
  }

  /** Pending writes of this batch, by id. */
  let creates = new Map<string, AccountState>();
  let updates = new Map<string, { state: AccountState; previous: AccountState }>();
  /** Records already written by this batch (after a flush), with their state. */
  const written = new Map<string, AccountState>();
  /** Key -> the record earlier rows of this batch created or updated. */
  const claimed = new Map<string, string>();
  const changes: ImportChangeRow[] = [];

  const toJson = (id: string, state: AccountState) => ({ id, ...state });
  async function flush(): Promise<void> {
    if (creates.size) {
      await tx.$executeRawUnsafe(
        `INSERT INTO "Account" (id, "tenantId", name, domain, industry, employees, "revenueMinor", "revenueCurrency", "parentId", "ownerId", "customFields", "createdAt", "updatedAt")
         SELECT r.id, $2::uuid, r.name, r.domain, r.industry, r.employees, r."revenueMinor"::bigint, r."revenueCurrency", r."parentId", r."ownerId", r."customFields", now(), now()
           FROM jsonb_to_recordset($1::jsonb) AS r(${ACCOUNT_RECORD_COLUMNS})`,
        JSON.stringify([...creates].map(([id, state]) => toJson(id, state))),
        tenantId,
      );
    }
    if (updates.size) {
      await tx.$executeRawUnsafe(
        `UPDATE "Account" a SET ${ACCOUNT_SET}
           FROM jsonb_to_recordset($1::jsonb) AS r(${ACCOUNT_RECORD_COLUMNS})
          WHERE a.id = r.id AND a."tenantId" = $2::uuid`,
        JSON.stringify([...updates].map(([id, { state }]) => toJson(id, state))),
        tenantId,
      );
    }
    for (const [id, state] of creates) {
      changes.push({ recordId: id, created: true, previous: null });
      written.set(id, state);
    }
    for (const [id, { state, previous }] of updates) {
      changes.push({ recordId: id, created: false, previous: toJson(id, previous) });
      written.set(id, state);
    }
    creates = new Map();
    updates = new Map();
  }

  /** The live account a parent reference names (after the rows before it are written). */
  async function parentOf(parent: NonNullable<AccountRowPatch['parent']>, targetId: string | null): Promise<string> {
    await flush();
    let parentId: string;
    if ('id' in parent) parentId = parent.id;
    else {
      const rows = await tx.$queryRawUnsafe<{ id: string }[]>(
        `SELECT id FROM "Account" WHERE "tenantId" = $1::uuid AND "deletedAt" IS NULL AND domain = $2 LIMIT 2`,
        tenantId,
        parent.domain,
      );
      if (rows.length === 0) throw new RowProblem(`parent: no account has the domain ${parent.domain}`, input.parentColumn);
      if (rows.length > 1) throw new RowProblem(`parent: several accounts have the domain ${parent.domain}; give the parent's id`, input.parentColumn);
      parentId = rows[0]!.id;
    }
    try {
      await checkParent(tx, parentId, targetId, 'parent');
    } catch (error) {
      throw new RowProblem(reasonOf(error), input.parentColumn);
    }
    return parentId;
  }

  for (const { reading, cells } of input.rows) {
    if (!reading.ok) {
      errors.push({ rowNumber: reading.rowNumber, column: reading.column, reason: reading.reason, values: cells });
      continue;
    }
    const { patch, key, rowNumber } = reading;
    try {
      let targetId: string | undefined;
      if (key && policy !== 'CREATE') {
        targetId = claimed.get(key);
        if (!targetId) {
          const matches = existingByKey.get(key) ?? [];
          if (matches.length > 1) throw new RowProblem(`several accounts have the ${key.startsWith('domain:') ? 'domain' : 'name'} ${key.slice(key.indexOf(':') + 1)}`, null);
          targetId = matches[0]?.id;
        }
        if (targetId && policy === 'SKIP') {
          outcome.skipped++;
          continue;
        }
      }
      if (targetId) {
        const id = targetId;
        const pending = creates.get(id) ?? updates.get(id)?.state ?? written.get(id);
        const existing = pending ? null : existingById.get(id)!;
        if (existing) assertCan(principal, 'account', 'update', { ownerId: existing.ownerId });
        if (patch.ownerId !== undefined) assertCan(principal, 'account', 'update', { ownerId: patch.ownerId });
        const parentId = patch.parent ? await parentOf(patch.parent, id) : undefined;
        // a flush may have moved the record from the pending maps to `written`
        const current = creates.get(id) ?? updates.get(id)?.state ?? written.get(id) ?? existing!;
        const state = applyAccountPatch(current, patch, parentId, definitions);
        if (creates.has(id)) creates.set(id, state);
        else updates.set(id, { state, previous: updates.get(id)?.previous ?? current });
        outcome.updated++;
        continue;
      }
      if (!patch.name) throw new RowProblem('name is required to create an account', null);
      const ownerId = ownerForCreate(principal, 'account', patch.ownerId ?? input.defaultOwnerId);
      const parentId = patch.parent ? await parentOf(patch.parent, null) : undefined;
      const state = applyAccountPatch(null, { ...patch, ownerId }, parentId, definitions);
      const id = randomUUID();
      creates.set(id, state);
      if (key) claimed.set(key, id);
      if (state.domain) claimed.set(`name:${state.name.toLowerCase()}`, claimed.get(`name:${state.name.toLowerCase()}`) ?? id);
      outcome.created++;
    } catch (error) {
      if (error instanceof RowProblem) errors.push({ rowNumber, column: error.column, reason: error.message, values: cells });
      else errors.push({ rowNumber, column: null, reason: reasonOf(error), values: cells });
    }
  }
  await flush();
  await recordChanges(tx, jobId, tenantId, changes);
  await recordFailures(tx, jobId, tenantId, errors);
  outcome.failed = errors.length;
  return outcome;
}
