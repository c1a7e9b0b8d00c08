import { describe, expect, it } from 'vitest';
import { isFinished, isInProgress, mergeProgress, percentDone, progressSummary, statusText, type ImportFigures } from './import-progress.ts';

const base: ImportFigures = { status: 'QUEUED', totalRows: 2000, processedRows: 0, createdCount: 0, updatedCount: 0, skippedCount: 0, failedCount: 0, failure: null };

describe('import progress', () => {
  it('takes later progress and keeps the rest of the job', () => {
    const job = { ...base, id: 'j1', fileName: 'people.csv' };
    const next = mergeProgress(job, { ...base, status: 'RUNNING', processedRows: 1000, createdCount: 990, failedCount: 10 });
    expect(next).toEqual({ ...job, status: 'RUNNING', processedRows: 1000, createdCount: 990, failedCount: 10, failure: null });
  });

  it('never goes backwards: late messages and an older re-read are ignored', () => {
    const running = { ...base, status: 'RUNNING', processedRows: 1000 };
    expect(mergeProgress(running, { ...base, status: 'RUNNING', processedRows: 500 })).toBe(running);
    expect(mergeProgress(running, { ...base, status: 'QUEUED' })).toBe(running);
    const done = { ...base, status: 'COMPLETED', processedRows: 2000 };
    expect(mergeProgress(done, { ...base, status: 'RUNNING', processedRows: 2000 })).toBe(done);
    expect(mergeProgress(done, { ...done, status: 'UNDONE' }).status).toBe('UNDONE');
  });

  it('reports a failed import with its reason', () => {
    const failed = mergeProgress({ ...base, status: 'RUNNING', processedRows: 1000 }, { ...base, status: 'FAILED', processedRows: 1000, failure: 'the database went away' });
    expect(failed).toMatchObject({ status: 'FAILED', failure: 'the database went away' });
    expect(isFinished(failed.status)).toBe(true);
  });

  it('computes whole percents and the counts line', () => {
    expect(percentDone({ ...base, processedRows: 999 })).toBe(49);
    expect(percentDone({ ...base, totalRows: 0 })).toBe(0);
    expect(percentDone({ ...base, status: 'COMPLETED', totalRows: 0 })).toBe(100);
    expect(progressSummary({ ...base, processedRows: 1200, createdCount: 1100, updatedCount: 80, failedCount: 20 }, 'en-US')).toBe(
      '1,200 of 2,000 rows · 1,100 created · 80 updated · 0 skipped · 20 failed',
    );
  });

  it('names statuses and tells running from ended', () => {
    expect(statusText('UPLOADED')).toBe('Waiting for its mapping');
    expect(statusText('SOMETHING_NEW')).toBe('SOMETHING_NEW');
    expect(isInProgress('RUNNING') && isInProgress('QUEUED')).toBe(true);
    expect(isInProgress('COMPLETED') || isFinished('RUNNING')).toBe(false);
  });
});
