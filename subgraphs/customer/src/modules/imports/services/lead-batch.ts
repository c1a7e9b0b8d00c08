/**
 * Writes one batch of lead rows of an import inside the caller's tenant transaction: dedup by
 * lower(email) against live leads and earlier rows, ownership rules of the importing user, the
 * status moves of `updateLead`, custom fields, then the tenant's lead assignment and scoring, and
 * multi-row INSERT / UPDATE statements, the change log (for undo) and the row errors.
 *
 * Assignment and scoring give every lead what `createLead` / `updateLead` would (see
 * `LeadRules.prepare`), computed for the whole batch: the rules are read once, each new lead
 * without an owner takes the first matching assignment rule (`firstMatching`), a rotation takes
 * as many consecutive turns as the batch has leads for it in one `LeadAssignmentCursor` update
 * (the turns concurrent creates would have taken one by one), and every lead is scored with
 * `scoreLead` (updated leads with their recorded events). Breakdowns are kept as `createLead`
 * keeps them: for a new lead only when a rule scored it, always for an updated one.
 */
import { randomUUID } from 'node:crypto';
import { assertCan, ownerForCreate, type Principal } from '@crm/authz';
import type { RawSql } from '@crm/events';
import { applyCustomFields, type FieldDefinition } from '../../../lib/custom-fields.ts';
import { ASSIGNMENT_KIND } from '../../lead-assignment/services/lead-assignment.ts';
import { firstMatching, pickInTurn, storedAssignmentRules, type AssignmentRule } from '../../lead-assignment/lib/rules.ts';
import type { LeadFacts } from '../../lead-scoring/lib/conditions.ts';
import { scoreLead, storedScoringRules, type LeadScoreResult, type ScoreEventFact } from '../../lead-scoring/lib/scoring.ts';
import { SCORING_KIND } from '../../lead-scoring/services/lead-scoring.ts';
import { LEAD_STATUS_MOVES } from '../../leads/services/leads.ts';
import type { LeadRowPatch, RecordReading } from '../lib/record-rows.ts';
import { objectOf, reasonOf, recordChanges, recordFailures, type BatchOutcome, type DedupPolicy, type RowFailure } from './batch-log.ts';

export interface LeadBatchRow {
  reading: RecordReading<LeadRowPatch>;
  cells: readonly string[];
}

export interface LeadBatchInput {
  jobId: string;
  tenantId: string;
  policy: DedupPolicy;
  principal: Principal;
  /** Owner of created leads when the row names none (null: the assignment rules decide). */
  defaultOwnerId: string | null;
  definitions: readonly FieldDefinition[];
  /** The CSV column mapped to `status` (named in errors about a status move). */
  statusColumn: string | null;
  rows: readonly LeadBatchRow[];
  /** The instant scores are computed at. Default now. */
  now?: Date;
}

type LeadStatus = keyof typeof LEAD_STATUS_MOVES;

/** The columns of a lead an import may change (what undo restores). */
export interface LeadState {
  name: string;
  email: string | null;
  company: string | null;
  source: string | null;
  status: LeadStatus;
  ownerId: string | null;
  score: number;
  customFields: Record<string, unknown>;
}

interface ExistingRow extends LeadState {
  id: string;
}

export const LEAD_RECORD_COLUMNS = `id uuid, name text, email text, company text, source text, status text, "ownerId" uuid, score int, "customFields" jsonb`;

/** SET list of an UPDATE "Lead" l from a record `r` of LEAD_RECORD_COLUMNS. */
export const LEAD_SET = `name = r.name, email = r.email, company = r.company, source = r.source, status = r.status::"LeadStatus", "ownerId" = r."ownerId", score = r.score, "customFields" = r."customFields"`;

/** The state after applying `patch` to `current` (a new lead when null); the score is set later. */
export function applyLeadPatch(current: LeadState | null, patch: LeadRowPatch, definitions: readonly FieldDefinition[]): LeadState {
  const { values } = applyCustomFields(definitions, patch.customFields, current?.customFields ?? {}, { creating: current === null });
  return {
    name: patch.name ?? current?.name ?? '',
    email: patch.email !== undefined ? patch.email : (current?.email ?? null),
    company: patch.company !== undefined ? patch.company : (current?.company ?? null),
    source: patch.source !== undefined ? patch.source : (current?.source ?? null),
    status: patch.status ?? current?.status ?? 'NEW',
    ownerId: patch.ownerId !== undefined ? patch.ownerId : (current?.ownerId ?? null),
    score: current?.score ?? 0,
    customFields: values,
  };
}

/** Why a status change is refused, in `updateLead`'s words, or null when allowed. */
export function statusMoveProblem(from: LeadStatus, to: LeadStatus | undefined): string | null {
  if (!to || to === from || LEAD_STATUS_MOVES[from].includes(to)) return null;
  return from === 'CONVERTED'
    ? 'status: a lead becomes CONVERTED only through convertLead, and a converted lead keeps its status'
    : `status: a ${from} lead cannot move to ${to} (allowed: ${LEAD_STATUS_MOVES[from].join(', ')})`;
}

const factsOf = (state: LeadState): LeadFacts => ({ name: state.name, email: state.email, company: state.company, source: state.source, customFields: state.customFields });

/**
 * Owners for new leads without one, in row order: the first matching rule of each, a single
 * user directly, a rotation (users or a team's active members) by consecutive turns.
 */
async function assignOwners(tx: RawSql, tenantId: string, rules: readonly AssignmentRule[], leads: readonly LeadState[]): Promise<(string | null)[]> {
  const owners: (string | null)[] = leads.map(() => null);
  if (rules.length === 0 || leads.length === 0) return owners;
  const teams = new Map<string, string[]>();
  const turns = new Map<AssignmentRule, { candidates: string[]; indexes: number[] }>();
  for (const [index, lead] of leads.entries()) {
    const rule = firstMatching(rules, factsOf(lead));
    if (!rule) continue;
    let candidates: string[];
    if (rule.userId) candidates = [rule.userId];
    else if (rule.userIds?.length) candidates = rule.userIds;
    else if (rule.teamId) {
      if (!teams.has(rule.teamId)) {
        const members = await tx.$queryRawUnsafe<{ userId: string }[]>(
          `SELECT "userId" FROM "LeadAssignee" WHERE "tenantId" = $1::uuid AND "teamId" = $2::uuid AND active ORDER BY "userId"`,
          tenantId,
          rule.teamId,
        );
        teams.set(rule.teamId, members.map((row) => row.userId));
      }
      candidates = teams.get(rule.teamId)!;
    } else candidates = [];
    if (candidates.length <= 1) {
      owners[index] = candidates[0] ?? null;
      continue;
    }
    const entry = turns.get(rule) ?? { candidates, indexes: [] };
    entry.indexes.push(index);
    turns.set(rule, entry);
  }
  for (const [rule, { candidates, indexes }] of turns) {
    const [turn] = await tx.$queryRawUnsafe<{ position: bigint | number | string }[]>(
      `INSERT INTO "LeadAssignmentCursor" ("tenantId", "ruleId", "position") VALUES ($1::uuid, $2, $3)
       ON CONFLICT ("tenantId", "ruleId") DO UPDATE SET "position" = "LeadAssignmentCursor"."position" + $3
       RETURNING "position"`,
      tenantId,
      rule.id,
      indexes.length,
    );
    const last = Number(turn?.position ?? indexes.length);
    for (const [k, index] of indexes.entries()) owners[index] = pickInTurn(candidates, last - indexes.length + 1 + k) ?? null;
  }
  return owners;
}

export async function writeLeadBatch(tx: RawSql, input: LeadBatchInput): Promise<BatchOutcome> {
  const { jobId, tenantId, policy, principal, definitions } = input;
  const now = input.now ?? new Date();
  const outcome: BatchOutcome = { created: 0, updated: 0, skipped: 0, failed: 0 };
  const errors: RowFailure[] = [];

  const keys = policy === 'CREATE' ? [] : [...new Set(input.rows.flatMap(({ reading }) => (reading.ok && reading.key ? [reading.key] : [])))];
  const existingByKey = new Map<string, ExistingRow[]>();
  if (keys.length) {
    const found = await tx.$queryRawUnsafe<(Omit<ExistingRow, 'customFields'> & { customFields: unknown })[]>(
      `SELECT id, name, email, company, source, status::text AS status, "ownerId", score, "customFields"
         FROM "Lead" WHERE "tenantId" = $1::uuid AND "deletedAt" IS NULL AND lower(email) = ANY($2::text[])`,
      tenantId,
      keys,
    );
    for (const row of found) {
      const key = row.email!.toLowerCase();
      existingByKey.set(key, [...(existingByKey.get(key) ?? []), { ...row, customFields: objectOf(row.customFields) }]);
    }
  }

  const creates = new Map<string, LeadState>();
  const updates = new Map<string, { state: LeadState; previous: LeadState }>();
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
            fail(`several leads have the e-mail ${key}`);
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
        const pending = creates.get(targetId) ?? updates.get(targetId)?.state;
        const existing = pending ? null : (existingByKey.get(key!) ?? []).find((row) => row.id === targetId)!;
        const current = pending ?? existing!;
        if (existing) assertCan(principal, 'lead', 'update', { ownerId: existing.ownerId });
        if (patch.ownerId !== undefined) assertCan(principal, 'lead', 'update', { ownerId: patch.ownerId });
        const problem = statusMoveProblem(current.status, patch.status);
        if (problem) {
          fail(problem, input.statusColumn);
          continue;
        }
        const state = applyLeadPatch(current, patch, definitions);
        if (creates.has(targetId)) creates.set(targetId, state);
        else updates.set(targetId, { state, previous: updates.get(targetId)?.previous ?? existing! });
        outcome.updated++;
        continue;
      }
      if (!patch.name) {
        fail('name is required to create a lead');
        continue;
      }
      const ownerId = ownerForCreate(principal, 'lead', patch.ownerId ?? input.defaultOwnerId);
      const id = randomUUID();
      creates.set(id, applyLeadPatch(null, { ...patch, ownerId }, definitions));
      if (key) claimed.set(key, id);
      outcome.created++;
    } catch (error) {
      fail(reasonOf(error));
    }
  }

  // assignment and scoring, as createLead / updateLead apply them
  const breakdowns: { leadId: string; items: LeadScoreResult['items'] }[] = [];
  if (creates.size || updates.size) {
    const ruleRows = await tx.$queryRawUnsafe<{ kind: string; rules: unknown }[]>(
      `SELECT kind, rules FROM "LeadRuleSet" WHERE "tenantId" = $1::uuid AND kind = ANY($2::text[])`,
      tenantId,
      [SCORING_KIND, ASSIGNMENT_KIND],
    );
    const scoring = storedScoringRules(ruleRows.find((row) => row.kind === SCORING_KIND)?.rules ?? null);
    const assignment = storedAssignmentRules(ruleRows.find((row) => row.kind === ASSIGNMENT_KIND)?.rules ?? null);
    const unowned = [...creates].filter(([, state]) => state.ownerId === null);
    const owners = await assignOwners(
      tx,
      tenantId,
      assignment,
      unowned.map(([, state]) => state),
    );
    for (const [index, [, state]] of unowned.entries()) state.ownerId = owners[index] ?? null;
    const scored = scoring.fieldRules.length > 0 || scoring.eventRules.length > 0;
    for (const [id, state] of creates) {
      const result = scored ? scoreLead(scoring, factsOf(state), [], now) : { score: 0, items: [] };
      state.score = result.score;
      if (result.items.length > 0) breakdowns.push({ leadId: id, items: result.items });
    }
    const events = new Map<string, ScoreEventFact[]>();
    if (updates.size && scoring.eventRules.length) {
      const rows = await tx.$queryRawUnsafe<(ScoreEventFact & { leadId: string })[]>(
        `SELECT "leadId", kind, "activityType", "occurredAt" FROM "LeadScoreEvent" WHERE "tenantId" = $1::uuid AND "leadId" = ANY($2::uuid[])`,
        tenantId,
        [...updates.keys()],
      );
      for (const row of rows) events.set(row.leadId, [...(events.get(row.leadId) ?? []), { kind: row.kind, activityType: row.activityType, occurredAt: new Date(row.occurredAt) }]);
    }
    for (const [id, { state }] of updates) {
      const result = scored ? scoreLead(scoring, factsOf(state), events.get(id) ?? [], now) : { score: 0, items: [] };
      state.score = result.score;
      breakdowns.push({ leadId: id, items: result.items });
    }
  }

  const toJson = (id: string, state: LeadState) => ({ id, ...state });
  if (creates.size) {
    await tx.$executeRawUnsafe(
      `INSERT INTO "Lead" (id, "tenantId", name, email, company, source, status, "ownerId", score, "customFields", "createdAt")
       SELECT r.id, $2::uuid, r.name, r.email, r.company, r.source, r.status::"LeadStatus", r."ownerId", r.score, r."customFields", now()
         FROM jsonb_to_recordset($1::jsonb) AS r(${LEAD_RECORD_COLUMNS})`,
      JSON.stringify([...creates].map(([id, state]) => toJson(id, state))),
      tenantId,
    );
  }
  let previousBreakdowns = new Map<string, unknown>();
  if (updates.size) {
    const rows = await tx.$queryRawUnsafe<{ leadId: string; breakdown: unknown }[]>(
      `SELECT "leadId", breakdown FROM "LeadScore" WHERE "tenantId" = $1::uuid AND "leadId" = ANY($2::uuid[])`,
      tenantId,
      [...updates.keys()],
    );
    previousBreakdowns = new Map(rows.map((row) => [row.leadId, row.breakdown]));
    await tx.$executeRawUnsafe(
      `UPDATE "Lead" l SET ${LEAD_SET}
         FROM jsonb_to_recordset($1::jsonb) AS r(${LEAD_RECORD_COLUMNS})
        WHERE l.id = r.id AND l."tenantId" = $2::uuid`,
      JSON.stringify([...updates].map(([id, { state }]) => toJson(id, state))),
      tenantId,
    );
  }
  if (breakdowns.length) {
    await tx.$executeRawUnsafe(
      `INSERT INTO "LeadScore" ("leadId", "tenantId", breakdown, "computedAt")
       SELECT r."leadId", $2::uuid, r.items, $3::timestamptz FROM jsonb_to_recordset($1::jsonb) AS r("leadId" uuid, items jsonb)
       ON CONFLICT ("leadId") DO UPDATE SET breakdown = EXCLUDED.breakdown, "computedAt" = EXCLUDED."computedAt"`,
      JSON.stringify(breakdowns),
      tenantId,
      now.toISOString(),
    );
  }
  await recordChanges(tx, jobId, tenantId, [
    ...[...creates.keys()].map((id) => ({ recordId: id, created: true, previous: null })),
    ...[...updates].map(([id, { previous }]) => ({ recordId: id, created: false, previous: { ...toJson(id, previous), breakdown: previousBreakdowns.get(id) ?? null } })),
  ]);
  await recordFailures(tx, jobId, tenantId, errors);
  outcome.failed = errors.length;
  return outcome;
}
