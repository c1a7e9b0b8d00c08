/**
 * What every import batch (contacts, accounts, leads) shares: the dedup policy and outcome, why a
 * row failed, and what it records beside its records in the batch's transaction: the change log
 * that undo reads (the first change of a record in an import wins: it holds the state from before
 * the import) and the rows that failed.
 */
import { AccessDeniedError } from '@crm/authz';
import { AppError } from '@crm/runtime';
import type { RawSql } from '@crm/events';

export type DedupPolicy = 'SKIP' | 'UPDATE' | 'CREATE';

export interface BatchOutcome {
  created: number;
  updated: number;
  skipped: number;
  failed: number;
}

/** Why a row failed, from what the shared rules threw (anything else is a bug and propagates). */
export function reasonOf(error: unknown): string {
  if (error instanceof AccessDeniedError) return error.message;
  if (error instanceof AppError) return error.message;
  throw error;
}

/** A JSON column read back as an object (`{}` for null or a non-object). */
export const objectOf = (value: unknown): Record<string, unknown> =>
  value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};

export interface RowFailure {
  rowNumber: number;
  column: string | null;
  reason: string;
  values: readonly string[];
}

export interface ImportChangeRow {
  recordId: string;
  created: boolean;
  /** The record's columns before the import (null for a created record). */
  previous: Record<string, unknown> | null;
}

export async function recordChanges(tx: RawSql, jobId: string, tenantId: string, changes: readonly ImportChangeRow[]): Promise<void> {
  if (changes.length === 0) return;
  await tx.$executeRawUnsafe(
    `INSERT INTO "ImportChange" ("jobId", "tenantId", "recordId", created, previous)
     SELECT $2::uuid, $3::uuid, r."recordId", r.created, r.previous FROM jsonb_to_recordset($1::jsonb) AS r("recordId" uuid, created boolean, previous jsonb)
     ON CONFLICT DO NOTHING`,
    JSON.stringify(changes),
    jobId,
    tenantId,
  );
}

export async function recordFailures(tx: RawSql, jobId: string, tenantId: string, errors: readonly RowFailure[]): Promise<void> {
  if (errors.length === 0) return;
  await tx.$executeRawUnsafe(
    `INSERT INTO "ImportRowError" ("jobId", "tenantId", "rowNumber", "column", reason, "values")
     SELECT $2::uuid, $3::uuid, r."rowNumber", r."column", r.reason, ARRAY(SELECT jsonb_array_elements_text(r."values"))
       FROM jsonb_to_recordset($1::jsonb) AS r("rowNumber" int, "column" text, reason text, "values" jsonb)
     ON CONFLICT DO NOTHING`,
    JSON.stringify(errors),
    jobId,
    tenantId,
  );
}
