/**
 * Progress of a running import as the screen shows it, from the job as last read and the
 * `importProgress` messages received since. Messages may arrive late or twice (the live path is
 * at-least-once) and the job may be re-read meanwhile: the figures never go backwards, and an
 * ended import never looks running again.
 */

export type ImportStatusKind = 'UPLOADED' | 'QUEUED' | 'RUNNING' | 'COMPLETED' | 'FAILED' | 'UNDONE';

export interface ImportFigures {
  status: ImportStatusKind | string;
  totalRows: number;
  processedRows: number;
  createdCount: number;
  updatedCount: number;
  skippedCount: number;
  failedCount: number;
  failure?: string | null;
}

const ORDER: Record<string, number> = { UPLOADED: 0, QUEUED: 1, RUNNING: 2, COMPLETED: 3, FAILED: 3, UNDONE: 4 };

/** True once an import has ended (it may still be undone). */
export function isFinished(status: string): boolean {
  return status === 'COMPLETED' || status === 'FAILED' || status === 'UNDONE';
}

/** True while it is queued or running, i.e. while progress can change. */
export function isInProgress(status: string): boolean {
  return status === 'QUEUED' || status === 'RUNNING';
}

/** The later of two readings of the same import. */
export function mergeProgress<T extends ImportFigures>(current: T, incoming: ImportFigures): T {
  const rank = (s: string) => ORDER[s] ?? 0;
  if (rank(incoming.status) < rank(current.status)) return current;
  if (rank(incoming.status) === rank(current.status) && incoming.processedRows < current.processedRows) return current;
  return {
    ...current,
    status: incoming.status,
    totalRows: incoming.totalRows,
    processedRows: incoming.processedRows,
    createdCount: incoming.createdCount,
    updatedCount: incoming.updatedCount,
    skippedCount: incoming.skippedCount,
    failedCount: incoming.failedCount,
    failure: incoming.failure ?? null,
  };
}

/** Whole percent of rows processed (0-100); 100 once completed. */
export function percentDone(figures: ImportFigures): number {
  if (figures.status === 'COMPLETED') return 100;
  if (figures.totalRows <= 0) return 0;
  return Math.min(100, Math.floor((figures.processedRows / figures.totalRows) * 100));
}

const STATUS_TEXT: Record<ImportStatusKind, string> = {
  UPLOADED: 'Waiting for its mapping',
  QUEUED: 'Queued',
  RUNNING: 'Running',
  COMPLETED: 'Completed',
  FAILED: 'Failed',
  UNDONE: 'Undone',
};

export function statusText(status: string): string {
  return STATUS_TEXT[status as ImportStatusKind] ?? status;
}

/** "1,200 of 5,000 rows · 1,100 created · 80 updated · 0 skipped · 20 failed". */
export function progressSummary(figures: ImportFigures, locale?: string): string {
  const n = (value: number) => value.toLocaleString(locale);
  return [
    `${n(figures.processedRows)} of ${n(figures.totalRows)} rows`,
    `${n(figures.createdCount)} created`,
    `${n(figures.updatedCount)} updated`,
    `${n(figures.skippedCount)} skipped`,
    `${n(figures.failedCount)} failed`,
  ].join(' · ');
}
