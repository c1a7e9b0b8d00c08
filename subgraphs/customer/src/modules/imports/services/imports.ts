/**
 * CSV import jobs of a tenant: upload (the file is checked whole and stored), mapping and dedup
 * policy, preview, start (queued for the runner, see import-runner.ts), undo, saved mappings, and
 * the error report.
 *
 * A job imports CONTACT, ACCOUNT or LEAD rows. Who sees a job: the user who uploaded it, and
 * tenant admins. Uploading needs `<record>:create`; the job remembers the uploader's identity so
 * the runner applies their ownership rules to every row (new records are owned as `createContact`,
 * `createAccount` or `createLead` would own them; updates need `<record>:update`).
 */
import { randomUUID } from 'node:crypto';
import { AccessDeniedError, hasAdminRole, ownerForCreate, principalOf, tenantGrants, type Principal } from '@crm/authz';
import { forTenant, withTenantTransaction } from '@crm/db';
import { appendOutbox, createEvent, type EventEnvelope, type RawSql } from '@crm/events';
import { badInput, conflict, forbidden, notFound, type Identity } from '@crm/runtime';
import type { PrismaClient } from '../../../__generated__/prisma/client.ts';
import type { ImportJobModel, ImportMappingModel, ImportRowErrorModel } from '../../../__generated__/prisma/models.ts';
import type { Actor, TenantDb } from '../../../context.ts';
import { liveDefinitions } from '../../../lib/records.ts';
import { isUuid } from '../../../lib/validation.ts';
import { CsvFormatError, csvLine, decodeCsv, DELIMITERS, detectDelimiter, parseCsv, type Delimiter } from '../lib/csv.ts';
import { CONTACT_SPEC, mappedColumns, mappingProblem, readContactRow, suggestMapping, type ColumnMapping, type FieldSpec } from '../lib/contact-rows.ts';
import { minorDigits } from '../../../lib/amounts.ts';
import { ACCOUNT_SPEC, LEAD_SPEC, readAccountRow, readLeadRow } from '../lib/record-rows.ts';
import type { FieldDefinition } from '../../../lib/custom-fields.ts';
import { ACCOUNT_RECORD_COLUMNS, ACCOUNT_SET } from './account-batch.ts';
import { LEAD_RECORD_COLUMNS, LEAD_SET } from './lead-batch.ts';
import type { DedupPolicy } from './batch-log.ts';

export const IMPORT_PROGRESSED = 'customer.import.progressed';
export const IMPORT_UNDONE = 'customer.import.undone';
/** Largest file accepted, bytes. */
export const MAX_IMPORT_BYTES = 50 * 1024 * 1024;
export const MAX_PREVIEW_ROWS = 50;
export const MAX_ERRORS_LISTED = 500;

export type ImportEntity = 'CONTACT' | 'ACCOUNT' | 'LEAD';
export const IMPORT_ENTITIES: readonly ImportEntity[] = ['CONTACT', 'ACCOUNT', 'LEAD'];

/** Per record type: its permission resource, custom field kind, mapping rules and the words for messages. */
export const ENTITY_INFO: Record<ImportEntity, { resource: 'contact' | 'account' | 'lead'; spec: FieldSpec; plural: string }> = {
  CONTACT: { resource: 'contact', spec: CONTACT_SPEC, plural: 'contacts' },
  ACCOUNT: { resource: 'account', spec: ACCOUNT_SPEC, plural: 'accounts' },
  LEAD: { resource: 'lead', spec: LEAD_SPEC, plural: 'leads' },
};

/** A data row read as the import of `entity` would write it (validation only). */
export function readRow(
  entity: ImportEntity,
  rowNumber: number,
  cells: readonly string[],
  columnCount: number,
  mapped: ReturnType<typeof mappedColumns>,
  definitions: ReadonlyMap<string, FieldDefinition>,
): { ok: true; patch: object } | { ok: false; column: string | null; reason: string } {
  if (entity === 'ACCOUNT') return readAccountRow(rowNumber, cells, columnCount, mapped, definitions);
  if (entity === 'LEAD') return readLeadRow(rowNumber, cells, columnCount, mapped, definitions);
  return readContactRow(rowNumber, cells, columnCount, mapped, definitions);
}

/** Payload of `customer.import.progressed` (version 1): the job's counters after a committed batch. */
export interface ImportProgressPayload extends Record<string, unknown> {
  id: string;
  status: ImportJobModel['status'];
  createdById: string | null;
  totalRows: number;
  processedRows: number;
  createdCount: number;
  updatedCount: number;
  skippedCount: number;
  failedCount: number;
  failure: string | null;
}

export const progressOf = (job: ImportJobModel): ImportProgressPayload => ({
  id: job.id,
  status: job.status,
  createdById: job.createdById,
  totalRows: job.totalRows,
  processedRows: job.processedRows,
  createdCount: job.createdCount,
  updatedCount: job.updatedCount,
  skippedCount: job.skippedCount,
  failedCount: job.failedCount,
  failure: job.failure,
});

export const progressEvent = (job: ImportJobModel, actor: Actor): EventEnvelope =>
  createEvent<ImportProgressPayload>({ type: IMPORT_PROGRESSED, tenantId: job.tenantId, actor, aggregateId: job.id, payload: progressOf(job) });

/** Why an upload was refused: HTTP status, GraphQL-style code, and the row/column at fault when known. */
export class UploadRejected extends Error {
  constructor(
    readonly status: number,
    readonly code: 'BAD_USER_INPUT' | 'FORBIDDEN',
    message: string,
    readonly details: { field?: string; row?: number; column?: number } = {},
  ) {
    super(message);
    this.name = 'UploadRejected';
  }
}

export interface UploadInput {
  entity: string | null;
  fileName: string | null;
  /** Forced delimiter (`,` `;` `tab` `|`); detected from the header row when absent. */
  delimiter: string | null;
  bytes: Uint8Array;
}

export interface Viewer {
  identity: Identity;
  tenantId: string;
}

const isAdmin = (identity: Identity) => hasAdminRole(identity.roles);
export const canSee = (viewer: Viewer, job: Pick<ImportJobModel, 'createdById'>) => isAdmin(viewer.identity) || (job.createdById !== null && job.createdById === viewer.identity.userId);

const principalFor = (viewer: Viewer): Principal => principalOf({ ...viewer.identity, tenantId: viewer.tenantId });

/** The principal an import was uploaded with. */
export function storedPrincipal(job: ImportJobModel): Principal {
  const value = job.principal as Record<string, unknown>;
  return {
    tenantId: job.tenantId,
    userId: typeof value['userId'] === 'string' ? value['userId'] : null,
    roles: Array.isArray(value['roles']) ? (value['roles'] as string[]) : [],
    teamId: typeof value['teamId'] === 'string' ? value['teamId'] : null,
    teamMemberIds: Array.isArray(value['teamMemberIds']) ? (value['teamMemberIds'] as string[]) : [],
    customGrants: typeof value['customGrants'] === 'object' && value['customGrants'] !== null ? tenantGrants(value['customGrants'] as Record<string, unknown>) : {},
  };
}

/** A stored mapping (a JSON list of `{ column, field }`, in file order) as column -> field. */
export const mappingOf = (json: unknown): ColumnMapping => {
  const out: ColumnMapping = {};
  if (!Array.isArray(json)) return out;
  for (const entry of json as unknown[]) {
    const { column, field } = (entry ?? {}) as { column?: unknown; field?: unknown };
    if (typeof column === 'string' && typeof field === 'string') out[column] = field;
  }
  return out;
};

/** A mapping as stored: `{ column, field }` entries in the order given (jsonb objects do not keep key order). */
const storedMapping = (mapping: ColumnMapping | readonly { column: string; field: string }[]) =>
  (Array.isArray(mapping) ? mapping : Object.entries(mapping).map(([column, field]) => ({ column, field }))).map(({ column, field }) => ({ column, field }));

/** Header and data records of a stored file (`skip` data rows left out). */
export function* dataRecords(text: string, delimiter: Delimiter, skip = 0) {
  let index = -1;
  for (const record of parseCsv(text, { delimiter })) {
    index++;
    if (index === 0 || index <= skip) continue;
    yield record;
  }
}

function delimiterOf(raw: string | null): Delimiter | null {
  if (raw === null || raw === '') return null;
  const value = raw === 'tab' || raw === '\\t' ? '\t' : raw;
  if (!(DELIMITERS as readonly string[]).includes(value)) throw new UploadRejected(400, 'BAD_USER_INPUT', 'delimiter must be one of , ; tab |', { field: 'delimiter' });
  return value as Delimiter;
}

/**
 * Checks a whole file: UTF-8 text, a header of distinct, non-empty column names, and records that
 * parse (quotes, field sizes). Returns the header, the delimiter and the number of data rows.
 */
export function inspectFile(bytes: Uint8Array, forced: Delimiter | null): { text: string; delimiter: Delimiter; columns: string[]; totalRows: number } {
  let text: string;
  try {
    text = decodeCsv(bytes);
  } catch (error) {
    if (error instanceof CsvFormatError) throw new UploadRejected(400, 'BAD_USER_INPUT', error.message, { field: 'file', ...(error.row ? { row: error.row } : {}) });
    throw error;
  }
  const delimiter = forced ?? detectDelimiter(text);
  let columns: string[] | null = null;
  let totalRows = 0;
  try {
    for (const record of parseCsv(text, { delimiter })) {
      if (!columns) columns = record.fields.map((name) => name.trim());
      else totalRows++;
    }
  } catch (error) {
    if (error instanceof CsvFormatError) {
      throw new UploadRejected(400, 'BAD_USER_INPUT', error.message, { field: 'file', ...(error.row ? { row: error.row } : {}), ...(error.column ? { column: error.column } : {}) });
    }
    throw error;
  }
  if (!columns || columns.every((name) => name === '')) throw new UploadRejected(400, 'BAD_USER_INPUT', 'The file has no header row', { field: 'file', row: 1 });
  const blank = columns.findIndex((name) => name === '');
  if (blank >= 0) throw new UploadRejected(400, 'BAD_USER_INPUT', `Row 1, column ${blank + 1}: the header has an empty column name`, { field: 'file', row: 1, column: blank + 1 });
  const seen = new Set<string>();
  for (const [index, name] of columns.entries()) {
    if (seen.has(name)) throw new UploadRejected(400, 'BAD_USER_INPUT', `Row 1, column ${index + 1}: the header names column "${name}" twice`, { field: 'file', row: 1, column: index + 1 });
    seen.add(name);
  }
  if (columns.length === 1 && !forced) {
    throw new UploadRejected(
      400,
      'BAD_USER_INPUT',
      `Row 1: the header has a single column ("${columns[0]!.slice(0, 80)}"); no delimiter (, ; tab |) was found. Pass ?delimiter= if the file uses another one`,
      { field: 'delimiter', row: 1 },
    );
  }
  if (totalRows === 0) throw new UploadRejected(400, 'BAD_USER_INPUT', 'The file has a header but no data rows', { field: 'file', row: 2 });
  return { text, delimiter, columns, totalRows };
}

export interface ImportsServiceDeps {
  prisma: PrismaClient;
  /** Called after a committed write that appended outbox events. */
  onCommit: () => void;
}

export interface PreviewRow {
  rowNumber: number;
  fields: { field: string; value: string | null }[];
  error: { rowNumber: number; column: string | null; reason: string; values: string[] } | null;
}

export type ImportsService = ReturnType<typeof createImportsService>;

export function createImportsService({ prisma, onCommit }: ImportsServiceDeps) {
  const queuedListeners: (() => void)[] = [];
  async function load(db: TenantDb, viewer: Viewer, id: string): Promise<ImportJobModel> {
    const job = isUuid(id) ? await db.importJob.findFirst({ where: { id: id.toLowerCase() } }) : null;
    if (!job || !canSee(viewer, job)) throw notFound('Import', id);
    return job;
  }

  async function definitionsOf(db: TenantDb, entity: ImportEntity) {
    return liveDefinitions(db, ENTITY_INFO[entity].resource);
  }

  /** FORBIDDEN unless the caller may create records of `entity` (configure, start and undo need what upload needed). */
  function mayImport(viewer: Viewer, entity: ImportEntity): void {
    try {
      ownerForCreate(principalFor(viewer), ENTITY_INFO[entity].resource, null);
    } catch (error) {
      if (error instanceof AccessDeniedError) throw forbidden(`Importing ${ENTITY_INFO[entity].plural} needs permission to create ${ENTITY_INFO[entity].plural}`);
      throw error;
    }
  }

  return {
    /** Calls `listener` whenever a job is queued (the runner's nudge). */
    whenQueued(listener: () => void): void {
      queuedListeners.push(listener);
    },

    /** Checks and stores an uploaded file as an UPLOADED job with a suggested mapping. */
    async upload(viewer: Viewer, input: UploadInput): Promise<ImportJobModel> {
      const entity = (input.entity ?? '').toUpperCase() as ImportEntity;
      if (!IMPORT_ENTITIES.includes(entity)) throw new UploadRejected(400, 'BAD_USER_INPUT', `entity must be one of ${IMPORT_ENTITIES.join(', ')}`, { field: 'entity' });
      const { resource, plural } = ENTITY_INFO[entity];
      const principal = principalFor(viewer);
      let ownerId: string | null;
      try {
        ownerId = ownerForCreate(principal, resource, null);
      } catch (error) {
        if (error instanceof AccessDeniedError) throw new UploadRejected(403, 'FORBIDDEN', `Importing ${plural} needs permission to create ${plural}`);
        throw error;
      }
      if (input.bytes.length > MAX_IMPORT_BYTES) throw new UploadRejected(413, 'BAD_USER_INPUT', `The file is larger than ${MAX_IMPORT_BYTES} bytes`, { field: 'file' });
      const { delimiter, columns, totalRows } = inspectFile(input.bytes, delimiterOf(input.delimiter));
      const fileName = input.fileName ? input.fileName.slice(0, 255) : null;
      const db = forTenant(prisma, viewer.tenantId);
      const mapping = suggestMapping(columns, await definitionsOf(db, entity), ENTITY_INFO[entity].spec);
      const id = randomUUID();
      return withTenantTransaction(prisma, viewer.tenantId, async (tx) => {
        const job = await tx.importJob.create({
          data: {
            id,
            tenantId: viewer.tenantId,
            entity,
            fileName,
            columns,
            delimiter,
            totalRows,
            mapping: storedMapping(mapping),
            createdById: viewer.identity.userId,
            principal: { userId: principal.userId, roles: [...principal.roles], teamId: principal.teamId ?? null, teamMemberIds: [...(principal.teamMemberIds ?? [])], customGrants: { ...principal.customGrants } },
            ownerId,
          },
        });
        await tx.importFile.create({ data: { jobId: id, tenantId: viewer.tenantId, content: new Uint8Array(input.bytes) } });
        return job;
      });
    },

    get: load,

    async find(db: TenantDb, viewer: Viewer, id: string): Promise<ImportJobModel | null> {
      const job = isUuid(id) ? await db.importJob.findFirst({ where: { id: id.toLowerCase() } }) : null;
      return job && canSee(viewer, job) ? job : null;
    },

    /** Newest first, keyset on (createdAt, id). */
    async list(db: TenantDb, viewer: Viewer, args: { first: number; after?: { at: Date; id: string } | null }): Promise<{ rows: ImportJobModel[]; hasNextPage: boolean }> {
      const mine = isAdmin(viewer.identity) ? {} : { createdById: viewer.identity.userId ?? '00000000-0000-0000-0000-000000000000' };
      const after = args.after ? { OR: [{ createdAt: { lt: args.after.at } }, { createdAt: args.after.at, id: { lt: args.after.id } }] } : {};
      const rows = await db.importJob.findMany({ where: { AND: [mine, after] }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], take: args.first + 1 });
      return { rows: rows.slice(0, args.first), hasNextPage: rows.length > args.first };
    },

    async configure(db: TenantDb, viewer: Viewer, id: string, input: { mapping?: readonly { column: string; field: string }[] | null; mappingId?: string | null; dedupPolicy?: DedupPolicy | null }) {
      const job = await load(db, viewer, id);
      mayImport(viewer, job.entity);
      if (job.status !== 'UPLOADED') throw conflict(`Import ${job.id} is ${job.status}; only an UPLOADED import can be configured`);
      if (input.mapping && input.mappingId) throw badInput('input: give mapping or mappingId, not both', 'input.mappingId');
      let entries: { column: string; field: string }[] | undefined;
      if (input.mappingId) {
        const saved = isUuid(input.mappingId) ? await db.importMapping.findFirst({ where: { id: input.mappingId.toLowerCase(), entity: job.entity } }) : null;
        if (!saved) throw notFound('Import mapping', input.mappingId);
        entries = Object.entries(mappingOf(saved.mapping))
          .filter(([column]) => job.columns.includes(column))
          .map(([column, field]) => ({ column, field }));
      } else if (input.mapping) {
        entries = input.mapping.map(({ column, field }) => ({ column, field: field.trim() }));
      }
      const mapping = entries ?? Object.entries(mappingOf(job.mapping)).map(([column, field]) => ({ column, field }));
      const problem = mappingProblem(mapping, job.columns, await definitionsOf(db, job.entity), ENTITY_INFO[job.entity].spec);
      if (problem) {
        const field = problem.index === null ? 'input.mapping' : `input.mapping.${problem.index}`;
        throw badInput(`${field}: ${problem.message}`, field);
      }
      return db.importJob.update({
        where: { id: job.id },
        data: { mapping: storedMapping(mapping), ...(input.dedupPolicy ? { dedupPolicy: input.dedupPolicy } : {}) },
      });
    },

    /** The first rows as they would be written (validation only; dedup is decided when running). */
    async preview(db: TenantDb, job: ImportJobModel, first: number): Promise<PreviewRow[]> {
      if (!Number.isInteger(first) || first < 0 || first > MAX_PREVIEW_ROWS) throw badInput(`first must be between 0 and ${MAX_PREVIEW_ROWS}`, 'first');
      if (first === 0) return [];
      const file = await db.importFile.findFirst({ where: { jobId: job.id } });
      if (!file) return [];
      const definitions = await definitionsOf(db, job.entity);
      const byKey = new Map(definitions.map((def) => [def.key, def]));
      const mapped = mappedColumns(job.columns, mappingOf(job.mapping));
      const text = decodeCsv(file.content);
      const rows: PreviewRow[] = [];
      for (const record of dataRecords(text, job.delimiter as Delimiter)) {
        const reading = readRow(job.entity, record.row, record.fields, job.columns.length, mapped, byKey);
        rows.push({
          rowNumber: record.row,
          fields: mapped.map(({ field, index }) => ({ field, value: previewValue(reading, field, record.fields[index]) })),
          error: reading.ok ? null : { rowNumber: record.row, column: reading.column, reason: reading.reason, values: record.fields },
        });
        if (rows.length >= first) break;
      }
      return rows;
    },

    async errors(db: TenantDb, job: ImportJobModel, first: number): Promise<ImportRowErrorModel[]> {
      if (!Number.isInteger(first) || first < 0 || first > MAX_ERRORS_LISTED) throw badInput(`first must be between 0 and ${MAX_ERRORS_LISTED}`, 'first');
      return db.importRowError.findMany({ where: { jobId: job.id }, orderBy: { rowNumber: 'asc' }, take: first });
    },

    /** The error report: a header, then one line per failed row (row, column, reason, the row's cells). */
    async *errorReport(viewer: Viewer, id: string): AsyncGenerator<string> {
      const db = forTenant(prisma, viewer.tenantId);
      const job = await load(db, viewer, id);
      yield csvLine(['row', 'column', 'reason', ...job.columns]);
      let after = 0;
      for (;;) {
        const page = await db.importRowError.findMany({ where: { jobId: job.id, rowNumber: { gt: after } }, orderBy: { rowNumber: 'asc' }, take: 1000 });
        if (page.length === 0) return;
        yield page.map((row) => csvLine([row.rowNumber, row.column, row.reason, ...row.values])).join('');
        after = page[page.length - 1]!.rowNumber;
      }
    },

    async start(db: TenantDb, viewer: Viewer, actor: Actor, id: string): Promise<ImportJobModel> {
      const job = await load(db, viewer, id);
      mayImport(viewer, job.entity);
      if (job.status !== 'UPLOADED') throw conflict(`Import ${job.id} is ${job.status}; only an UPLOADED import can be started`);
      const problem = mappingProblem(
        Object.entries(mappingOf(job.mapping)).map(([column, field]) => ({ column, field })),
        job.columns,
        await definitionsOf(db, job.entity),
        ENTITY_INFO[job.entity].spec,
      );
      if (problem) throw badInput(`mapping: ${problem.message}; fix it with configureImport`, 'mapping');
      const queued = await withTenantTransaction(prisma, job.tenantId, async (tx) => {
        const claimed = await tx.importJob.updateMany({ where: { id: job.id, status: 'UPLOADED' }, data: { status: 'QUEUED' } });
        if (claimed.count === 0) throw conflict(`Import ${job.id} was started already`);
        await tx.importQueue.create({ data: { jobId: job.id, tenantId: job.tenantId } });
        const updated = await tx.importJob.findFirstOrThrow({ where: { id: job.id } });
        await appendOutbox(tx, progressEvent(updated, actor));
        return updated;
      });
      onCommit();
      for (const listener of queuedListeners) listener();
      return queued;
    },

    /** Deletes what the import created and restores what it updated, in one transaction. */
    async undo(viewer: Viewer, actor: Actor, id: string): Promise<ImportJobModel> {
      const db = forTenant(prisma, viewer.tenantId);
      const job = await load(db, viewer, id);
      mayImport(viewer, job.entity);
      if (job.status !== 'COMPLETED' && job.status !== 'FAILED') throw conflict(`Import ${job.id} is ${job.status}; only a COMPLETED or FAILED import can be undone`);
      const undone = await db.$transaction(
        async (tx) => {
          const claimed = await tx.importJob.updateMany({ where: { id: job.id, status: { in: ['COMPLETED', 'FAILED'] } }, data: { status: 'UNDONE', undoneAt: new Date() } });
          if (claimed.count === 0) throw conflict(`Import ${job.id} was undone already`);
          await UNDO[job.entity](tx, job);
          const updated = await tx.importJob.findFirstOrThrow({ where: { id: job.id } });
          await appendOutbox(tx, [
            progressEvent(updated, actor),
            createEvent({ type: IMPORT_UNDONE, tenantId: job.tenantId, actor, aggregateId: job.id, payload: { id: job.id, created: job.createdCount, updated: job.updatedCount } }),
          ]);
          return updated;
        },
        { timeout: 120_000, maxWait: 10_000 },
      );
      onCommit();
      return undone;
    },

    mappings(db: TenantDb, entity: ImportEntity = 'CONTACT'): Promise<ImportMappingModel[]> {
      return db.importMapping.findMany({ where: { entity }, orderBy: { name: 'asc' } });
    },

    async saveMapping(db: TenantDb, input: { entity?: ImportEntity | null; name: string; mapping: readonly { column: string; field: string }[] }): Promise<ImportMappingModel> {
      const entity = input.entity ?? 'CONTACT';
      const name = input.name.trim();
      if (name.length < 1 || name.length > 100) throw badInput('input.name: must be 1-100 characters', 'input.name');
      if (input.mapping.length === 0 || input.mapping.length > 500) throw badInput('input.mapping: give 1-500 entries', 'input.mapping');
      const columns = input.mapping.map((entry) => entry.column);
      const problem = mappingProblem(input.mapping, columns, await definitionsOf(db, entity), ENTITY_INFO[entity].spec);
      if (problem) {
        const field = problem.index === null ? 'input.mapping' : `input.mapping.${problem.index}`;
        throw badInput(`${field}: ${problem.message}`, field);
      }
      const mapping = storedMapping(input.mapping.map(({ column, field }) => ({ column, field: field.trim() })));
      const existing = await db.importMapping.findFirst({ where: { entity, name } });
      if (existing) return db.importMapping.update({ where: { id: existing.id }, data: { mapping } });
      return db.importMapping.create({ data: { id: randomUUID(), tenantId: '', entity, name, mapping } });
    },

    async deleteMapping(db: TenantDb, viewer: Viewer, id: string): Promise<boolean> {
      if (!isUuid(id)) throw notFound('Import mapping', id);
      const saved = await db.importMapping.findFirst({ where: { id: id.toLowerCase() }, select: { entity: true } });
      if (!saved) throw notFound('Import mapping', id);
      mayImport(viewer, saved.entity);
      const { count } = await db.importMapping.deleteMany({ where: { id: id.toLowerCase() } });
      if (count === 0) throw notFound('Import mapping', id);
      return true;
    },

    /** FORBIDDEN unless the caller may create records of `entity`. */
    assertMayImport(viewer: Viewer, entity: ImportEntity = 'CONTACT'): void {
      mayImport(viewer, entity);
    },
  };
}

function previewValue(reading: ReturnType<typeof readRow>, field: string, cell: string | undefined): string | null {
  if (!reading.ok) return cell?.trim() || null;
  const patch = reading.patch as Record<string, unknown>;
  if (field.startsWith('customFields.')) {
    const key = field.slice('customFields.'.length);
    const input = (patch['customFields'] as { key: string }[] | undefined)?.find((entry) => entry.key === key);
    if (!input) return null;
    const { key: _key, ...members } = input as Record<string, unknown>;
    const value = Object.values(members).find((member) => member !== undefined && member !== null);
    return value === undefined ? null : Array.isArray(value) ? value.join(';') : String(value);
  }
  if (field === 'annualRevenue' || field === 'revenueCurrency') {
    const revenue = patch['annualRevenue'] as { revenueMinor: bigint | null; revenueCurrency: string | null } | undefined;
    if (!revenue || revenue.revenueMinor === null || !revenue.revenueCurrency) return null;
    if (field === 'revenueCurrency') return revenue.revenueCurrency;
    const digits = minorDigits(revenue.revenueCurrency) ?? 2;
    const text = revenue.revenueMinor.toString().padStart(digits + 1, '0');
    return digits === 0 ? text : `${text.slice(0, -digits)}.${text.slice(-digits)}`;
  }
  if (field === 'parent') {
    const parent = patch['parent'] as { id: string } | { domain: string } | undefined;
    return parent ? ('id' in parent ? parent.id : parent.domain) : null;
  }
  const value = patch[field];
  if (value === undefined || value === null) return null;
  return Array.isArray(value) ? value.join(';') : String(value);
}

type UndoTx = Pick<RawSql, '$executeRawUnsafe'>;

/** Deletes the contacts an import created and gives the ones it updated their previous values. */
async function undoContacts(tx: UndoTx, job: ImportJobModel): Promise<void> {
  await tx.$executeRawUnsafe(
    `DELETE FROM "Contact" c USING "ImportChange" ch
      WHERE ch."jobId" = $1::uuid AND ch.created AND c.id = ch."recordId" AND c."tenantId" = $2::uuid`,
    job.id,
    job.tenantId,
  );
  await tx.$executeRawUnsafe(
    `UPDATE "Contact" c SET "firstName" = r."firstName", "lastName" = r."lastName", email = r.email, phone = r.phone, emails = r.emails, phones = r.phones,
            "lifecycleStage" = r."lifecycleStage"::"LifecycleStage", tags = ARRAY(SELECT jsonb_array_elements_text(r.tags)), "ownerId" = r."ownerId",
            "customFields" = r."customFields", "updatedAt" = now()
       FROM "ImportChange" ch,
            jsonb_to_record(ch.previous) AS r("firstName" text, "lastName" text, email text, phone text, emails jsonb, phones jsonb, "lifecycleStage" text, tags jsonb, "ownerId" uuid, "customFields" jsonb)
      WHERE ch."jobId" = $1::uuid AND NOT ch.created AND c.id = ch."recordId" AND c."tenantId" = $2::uuid`,
    job.id,
    job.tenantId,
  );
}

/** Deletes the accounts an import created and gives the ones it updated their previous values. */
async function undoAccounts(tx: UndoTx, job: ImportJobModel): Promise<void> {
  await tx.$executeRawUnsafe(
    `UPDATE "Account" a SET ${ACCOUNT_SET}
       FROM "ImportChange" ch, jsonb_to_record(ch.previous) AS r(${ACCOUNT_RECORD_COLUMNS})
      WHERE ch."jobId" = $1::uuid AND NOT ch.created AND a.id = ch."recordId" AND a."tenantId" = $2::uuid`,
    job.id,
    job.tenantId,
  );
  await tx.$executeRawUnsafe(
    `DELETE FROM "Account" a USING "ImportChange" ch
      WHERE ch."jobId" = $1::uuid AND ch.created AND a.id = ch."recordId" AND a."tenantId" = $2::uuid`,
    job.id,
    job.tenantId,
  );
}

/** Deletes the leads an import created (and their score breakdowns); the ones it updated get their values, score and breakdown back. */
async function undoLeads(tx: UndoTx, job: ImportJobModel): Promise<void> {
  await tx.$executeRawUnsafe(
    `UPDATE "Lead" l SET ${LEAD_SET}
       FROM "ImportChange" ch, jsonb_to_record(ch.previous) AS r(${LEAD_RECORD_COLUMNS})
      WHERE ch."jobId" = $1::uuid AND NOT ch.created AND l.id = ch."recordId" AND l."tenantId" = $2::uuid`,
    job.id,
    job.tenantId,
  );
  await tx.$executeRawUnsafe(
    `DELETE FROM "LeadScore" s USING "ImportChange" ch
      WHERE ch."jobId" = $1::uuid AND s."leadId" = ch."recordId" AND s."tenantId" = $2::uuid AND (ch.created OR ch.previous->'breakdown' IS NULL OR ch.previous->'breakdown' = 'null'::jsonb)`,
    job.id,
    job.tenantId,
  );
  await tx.$executeRawUnsafe(
    `UPDATE "LeadScore" s SET breakdown = ch.previous->'breakdown'
       FROM "ImportChange" ch
      WHERE ch."jobId" = $1::uuid AND NOT ch.created AND s."leadId" = ch."recordId" AND s."tenantId" = $2::uuid AND jsonb_typeof(ch.previous->'breakdown') = 'array'`,
    job.id,
    job.tenantId,
  );
  await tx.$executeRawUnsafe(
    `DELETE FROM "Lead" l USING "ImportChange" ch
      WHERE ch."jobId" = $1::uuid AND ch.created AND l.id = ch."recordId" AND l."tenantId" = $2::uuid`,
    job.id,
    job.tenantId,
  );
}

/** How undo reverts each record type (see the change log written by the batch writers). */
const UNDO: Record<ImportEntity, (tx: UndoTx, job: ImportJobModel) => Promise<void>> = { CONTACT: undoContacts, ACCOUNT: undoAccounts, LEAD: undoLeads };
