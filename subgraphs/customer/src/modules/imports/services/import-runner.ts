/**
 * Runs queued imports in the customer process, one at a time per runner.
 *
 * A runner claims a job from `"ImportQueue"` with `FOR UPDATE SKIP LOCKED` and holds it with a
 * lease (`lockedUntil`) it renews after every batch; several processes can run side by side. The
 * file is read in batches of `batchSize` rows; each batch commits its records, change log, row
 * errors and the job's counters (`processedRows`) together, so a runner that dies leaves a job
 * that another runner resumes after its lease ends, from the first row not committed. Progress is
 * recorded as `customer.import.progressed` in the outbox at most every `progressEveryMs` and when
 * the job ends.
 */
import { forTenant } from '@crm/db';
import { appendOutbox } from '@crm/events';
import { missingRecords, RecordDirectoryUnavailable, type Logger, type RecordDirectory } from '@crm/runtime';
import type { PrismaClient } from '../../../__generated__/prisma/client.ts';
import type { ImportJobModel } from '../../../__generated__/prisma/models.ts';
import type { Actor } from '../../../context.ts';
import { isMissingOwner } from '../../../lib/owners.ts';
import { liveDefinitions } from '../../../lib/records.ts';
import { CsvFormatError, decodeCsv, type Delimiter } from '../lib/csv.ts';
import { mappedColumns, readContactRow } from '../lib/contact-rows.ts';
import { readAccountRow, readLeadRow } from '../lib/record-rows.ts';
import { writeAccountBatch } from './account-batch.ts';
import type { BatchOutcome } from './batch-log.ts';
import { writeContactBatch } from './contact-batch.ts';
import { dataRecords, ENTITY_INFO, mappingOf, progressEvent, storedPrincipal } from './imports.ts';
import { writeLeadBatch } from './lead-batch.ts';

export interface ImportRunnerOptions {
  prisma: PrismaClient;
  logger: Logger;
  /** Called after commits that appended outbox events. */
  onCommit: () => void;
  /** Whether the owners rows name are users of the tenant (see lib/owners.ts); asked once per batch. */
  records: RecordDirectory;
  /** Rows per transaction. Default 1 000. */
  batchSize?: number;
  /** How often to look for queued jobs when not nudged, ms. Default 1 000. */
  pollMs?: number;
  /** How long a claim holds without renewal, ms. Default 30 000. */
  leaseMs?: number;
  /** Least time between two progress events of a job, ms. Default 500. */
  progressEveryMs?: number;
}

export interface ImportRunner {
  start(): void;
  /** Looks for work now (after a job is queued). */
  nudge(): void;
  /** Stops after the current batch. */
  stop(): Promise<void>;
  /** Runs queued jobs until none is left (tests). */
  drain(): Promise<void>;
}

const actorOf = (job: ImportJobModel): Actor => ({ userId: job.createdById, kind: 'user' });

export function createImportRunner(options: ImportRunnerOptions): ImportRunner {
  const { prisma, logger } = options;
  const batchSize = options.batchSize ?? 1_000;
  const pollMs = options.pollMs ?? 1_000;
  const leaseMs = options.leaseMs ?? 30_000;
  const progressEveryMs = options.progressEveryMs ?? 500;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopping = false;
  let again = false;

  async function claim(): Promise<{ jobId: string; tenantId: string } | null> {
    return prisma.$transaction(async (tx) => {
      const rows = await tx.$queryRawUnsafe<{ jobId: string; tenantId: string }[]>(
        `SELECT "jobId", "tenantId" FROM "ImportQueue" WHERE "lockedUntil" IS NULL OR "lockedUntil" < now()
          ORDER BY "enqueuedAt" LIMIT 1 FOR UPDATE SKIP LOCKED`,
      );
      const row = rows[0];
      if (!row) return null;
      await tx.$executeRawUnsafe(`UPDATE "ImportQueue" SET "lockedUntil" = now() + make_interval(secs => $2::double precision / 1000) WHERE "jobId" = $1::uuid`, row.jobId, leaseMs);
      return row;
    });
  }

  const renew = (jobId: string) =>
    prisma.$executeRawUnsafe(`UPDATE "ImportQueue" SET "lockedUntil" = now() + make_interval(secs => $2::double precision / 1000) WHERE "jobId" = $1::uuid`, jobId, leaseMs);
  const release = (jobId: string) => prisma.$executeRawUnsafe(`DELETE FROM "ImportQueue" WHERE "jobId" = $1::uuid`, jobId);

  async function finish(tenantId: string, job: ImportJobModel, data: { status: 'COMPLETED' | 'FAILED'; failure?: string }) {
    const db = forTenant(prisma, tenantId);
    await db.$transaction(async (tx) => {
      const done = await tx.importJob.update({ where: { id: job.id }, data: { ...data, finishedAt: new Date() } });
      await appendOutbox(tx, progressEvent(done, actorOf(job)));
    });
    options.onCommit();
  }

  async function run(jobId: string, tenantId: string): Promise<void> {
    const db = forTenant(prisma, tenantId);
    let job = await db.importJob.findFirst({ where: { id: jobId } });
    if (!job || (job.status !== 'QUEUED' && job.status !== 'RUNNING')) {
      await release(jobId);
      return;
    }
    const file = await db.importFile.findFirst({ where: { jobId } });
    if (!file) {
      await finish(tenantId, job, { status: 'FAILED', failure: 'The uploaded file is gone' });
      await release(jobId);
      return;
    }
    const started = job;
    job = await db.$transaction(async (tx) => {
      const updated = await tx.importJob.update({ where: { id: jobId }, data: { status: 'RUNNING', startedAt: started.startedAt ?? new Date() } });
      await appendOutbox(tx, progressEvent(updated, actorOf(updated)));
      return updated;
    });
    options.onCommit();

    const entity = job.entity;
    const definitions = await liveDefinitions(db, ENTITY_INFO[entity].resource);
    const byKey = new Map(definitions.map((def) => [def.key, def]));
    const mapped = mappedColumns(job.columns, mappingOf(job.mapping));
    const columnOf = (field: string) => mapped.find((entry) => entry.field === field)?.column ?? null;
    const principal = storedPrincipal(job);
    let lastProgress = 0;
    let current = job;

    /** One row read for this job's record type, with its cells (the batch writers' input). */
    const read = (record: { row: number; fields: string[] }) => {
      if (entity === 'ACCOUNT') return { kind: 'ACCOUNT' as const, reading: readAccountRow(record.row, record.fields, current.columns.length, mapped, byKey), cells: record.fields };
      if (entity === 'LEAD') return { kind: 'LEAD' as const, reading: readLeadRow(record.row, record.fields, current.columns.length, mapped, byKey), cells: record.fields };
      return { kind: 'CONTACT' as const, reading: readContactRow(record.row, record.fields, current.columns.length, mapped, byKey), cells: record.fields };
    };
    type Read = ReturnType<typeof read>;

    const write = (tx: Parameters<typeof writeAccountBatch>[0], rows: Read[]): Promise<BatchOutcome> => {
      const common = { jobId, tenantId, policy: current.dedupPolicy, principal, defaultOwnerId: current.ownerId, definitions };
      if (entity === 'ACCOUNT') return writeAccountBatch(tx, { ...common, parentColumn: columnOf('parent'), rows: rows.flatMap((row) => (row.kind === 'ACCOUNT' ? [row] : [])) });
      if (entity === 'LEAD') return writeLeadBatch(tx, { ...common, statusColumn: columnOf('status'), rows: rows.flatMap((row) => (row.kind === 'LEAD' ? [row] : [])) });
      return writeContactBatch(tx, { ...common, rows: rows.flatMap((row) => (row.kind === 'CONTACT' ? [row] : [])) });
    };

    /** The rows, those naming an owner who is not a user of the tenant failed (one question for the batch). */
    const withKnownOwners = async (rows: Read[]): Promise<Read[]> => {
      const named = rows.flatMap(({ reading }) => (reading.ok ? [{ type: 'USER' as const, id: reading.patch.ownerId }] : []));
      const missing = await missingRecords(options.records, tenantId, named, current.createdById);
      if (missing.size === 0) return rows;
      const column = columnOf('ownerId');
      return rows.map((row) =>
        row.reading.ok && isMissingOwner(missing, row.reading.patch.ownerId)
          ? ({ ...row, reading: { ok: false, rowNumber: row.reading.rowNumber, column, reason: 'ownerId must be a user of the tenant' } } as Read)
          : row,
      );
    };

    const commit = async (read: Read[], processed: number) => {
      const due = Date.now() - lastProgress >= progressEveryMs;
      const began = performance.now();
      const rows = await withKnownOwners(read);
      current = await db.$transaction(
        async (tx) => {
          const outcome = await write(tx, rows);
          const updated = await tx.importJob.update({
            where: { id: jobId },
            data: {
              processedRows: processed,
              createdCount: { increment: outcome.created },
              updatedCount: { increment: outcome.updated },
              skippedCount: { increment: outcome.skipped },
              failedCount: { increment: outcome.failed },
            },
          });
          if (due) await appendOutbox(tx, progressEvent(updated, actorOf(updated)));
          return updated;
        },
        { timeout: 60_000, maxWait: 10_000 },
      );
      if (due) {
        lastProgress = Date.now();
        options.onCommit();
      }
      await renew(jobId);
      logger.debug({ importId: jobId, rows: rows.length, processed, writeMs: Math.round(performance.now() - began) }, 'import batch committed');
    };

    try {
      const text = decodeCsv(file.content);
      let batch: Read[] = [];
      let processed = current.processedRows;
      for (const record of dataRecords(text, current.delimiter as Delimiter, current.processedRows)) {
        batch.push(read(record));
        if (batch.length >= batchSize) {
          processed += batch.length;
          await commit(batch, processed);
          batch = [];
          if (stopping) return; // the lease ends and this or another runner resumes
        }
      }
      if (batch.length) await commit(batch, processed + batch.length);
      await finish(tenantId, current, { status: 'COMPLETED' });
    } catch (error) {
      const failure =
        error instanceof CsvFormatError
          ? `${error.message}; rows before it were imported (undo the import to revert them)`
          : error instanceof RecordDirectoryUnavailable
            ? `The import stopped after ${current.processedRows} rows because the owners it names could not be checked; rows before it were imported (run the rest again later, or undo the import)`
            : `The import stopped after ${current.processedRows} rows because of an internal error; rows before it were imported (undo the import to revert them)`;
      if (!(error instanceof CsvFormatError)) logger.error({ err: error, importId: jobId }, 'import failed');
      await finish(tenantId, current, { status: 'FAILED', failure });
    }
    await release(jobId);
  }

  async function loop(): Promise<void> {
    do {
      again = false;
      for (;;) {
        if (stopping) return;
        const claimed = await claim();
        if (!claimed) break;
        await run(claimed.jobId, claimed.tenantId);
      }
    } while (again && !stopping);
  }

  function kick(): Promise<void> {
    if (running) {
      again = true;
      return running;
    }
    running = loop()
      .catch((error: unknown) => logger.error({ err: error }, 'import runner failed'))
      .finally(() => {
        running = undefined;
      });
    return running;
  }

  return {
    start() {
      stopping = false;
      timer ??= setInterval(() => void kick(), pollMs);
      timer.unref();
      void kick();
    },
    nudge() {
      if (!stopping) void kick();
    },
    async stop() {
      stopping = true;
      if (timer) clearInterval(timer);
      timer = undefined;
      await running;
    },
    async drain() {
      await kick();
      while (running) await running;
    },
  };
}
