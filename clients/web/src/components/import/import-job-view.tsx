/**
 * One import: while it waits for its start, the mapping step; then its progress, live over
 * `importProgress` (a progress bar with the counts); once ended, the summary with the first failed
 * rows, the error report to download and Undo.
 *
 * The subscription is opened as soon as the page shows an import that has not ended, so it is in
 * place before Start is pressed; a slow re-read of the import backs it up in case a message is
 * lost on a reconnect.
 */
import { useMutation, useQuery, useSubscription } from '@apollo/client/react';
import { useEffect, useState } from 'react';
import { Link } from '../link.tsx';
import { Empty, LoadError, Loading } from '../states.tsx';
import type { ImportJobQuery as ImportJobResult } from '../../gql/graphql';
import { graphqlHttpUrl } from '../../environment.ts';
import { apiFileUrl } from '../../lib/file-transfer.ts';
import { listPathOf, nounOf, type ImportEntityKind } from '../../lib/import-mapping.ts';
import { isFinished, isInProgress, mergeProgress, percentDone, progressSummary, statusText, type ImportFigures } from '../../lib/import-progress.ts';
import { formatDate } from '../../lib/labels.ts';
import { pathOf } from '../../lib/route.ts';
import { downloadAndSave } from '../../lib/session-files.ts';
import { useAction } from '../../lib/use-action.ts';
import { ImportJobQuery, ImportProgressSubscription, UndoImportMutation } from '../../operations.ts';
import { ImportMappingStep } from './import-mapping-step.tsx';

export type ImportJobData = NonNullable<ImportJobResult['importJob']>;

/** Re-read of a queued or running import, in case a live message was lost. */
const BACKUP_POLL_MS = 5_000;

export function ImportJobView({ id }: { id: string }) {
  const { data, loading, error, refetch, startPolling, stopPolling } = useQuery(ImportJobQuery, { variables: { id }, fetchPolicy: 'cache-and-network' });
  const job = data?.importJob;
  const [live, setLive] = useState<ImportFigures | null>(null);
  const figures: ImportFigures | null = job ? (live ? mergeProgress<ImportFigures>(job, live) : job) : null;
  const ended = figures ? isFinished(figures.status) : false;
  const running = figures ? isInProgress(figures.status) : false;

  useSubscription(ImportProgressSubscription, {
    variables: { id },
    skip: !job || ended,
    fetchPolicy: 'no-cache',
    onData: ({ data: message }) => {
      const progress = message.data?.importProgress;
      if (progress) setLive((current) => (current ? mergeProgress(current, progress) : progress));
    },
  });

  useEffect(() => {
    if (!running) return undefined;
    startPolling(BACKUP_POLL_MS);
    return () => stopPolling();
  }, [running, startPolling, stopPolling]);

  // Once the import ends, read it again for what the live messages do not carry (failed rows, times).
  const endedLive = live !== null && isFinished(live.status);
  useEffect(() => {
    if (endedLive) void refetch().catch(() => undefined);
  }, [endedLive, refetch]);

  const back = <Link href={pathOf({ screen: 'settings', section: 'import' })}>← All imports</Link>;
  if (loading && !data) return <Loading>Loading the import…</Loading>;
  if (error && !data) return <LoadError error={error} onRetry={() => void refetch().catch(() => undefined)} />;
  if (!job || !figures) {
    return (
      <>
        <Empty>This import does not exist, or it is not yours to see.</Empty>
        {back}
      </>
    );
  }

  return (
    <div className="import-job">
      {back}
      <h2>
        {job.fileName ?? 'Untitled file'} <span className="muted">· {nounOf(job.entity)}</span>
      </h2>
      {figures.status === 'UPLOADED' ? (
        <ImportMappingStep job={job} />
      ) : (
        <ImportOutcome job={job} figures={figures} onChanged={() => void refetch().catch(() => undefined)} />
      )}
    </div>
  );
}

function ImportOutcome({ job, figures, onChanged }: { job: ImportJobData; figures: ImportFigures; onChanged: () => void }) {
  const [undo] = useMutation(UndoImportMutation);
  const download = useAction();
  const undoing = useAction();
  const entity: ImportEntityKind = job.entity;
  const percent = percentDone(figures);
  const ended = isFinished(figures.status);

  return (
    <section className="card import-outcome" aria-label="Import progress">
      <p className="import-status">
        <strong>{statusText(figures.status)}</strong>
        {job.finishedAt && ended ? <span className="muted"> · {formatDate(job.finishedAt)}</span> : null}
      </p>
      <div className="progress-row">
        <progress max={100} value={percent} aria-label="Rows processed" aria-valuetext={`${percent}%`} />
        <span className="progress-percent">{percent}%</span>
      </div>
      <p className="import-counts" role="status">
        {progressSummary(figures)}
      </p>
      {figures.failure ? (
        <p className="error" role="alert">
          The import stopped: {figures.failure}
        </p>
      ) : null}

      {ended ? (
        <>
          {job.errors.length > 0 ? (
            <div className="table-scroll">
              <table className="records import-errors">
                <caption>Rows that were not imported{figures.failedCount > job.errors.length ? ` (the first ${job.errors.length})` : ''}</caption>
                <thead>
                  <tr>
                    <th scope="col">Row</th>
                    <th scope="col">Column</th>
                    <th scope="col">Reason</th>
                  </tr>
                </thead>
                <tbody>
                  {job.errors.map((e) => (
                    <tr key={e.rowNumber}>
                      <td>{e.rowNumber}</td>
                      <td>{e.column ?? '—'}</td>
                      <td>{e.reason}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ) : null}
          {download.error ? (
            <p className="error" role="alert">
              {download.error}
            </p>
          ) : null}
          {undoing.error ? (
            <p className="error" role="alert">
              {undoing.error}
            </p>
          ) : null}
          <div className="actions">
            {figures.failedCount > 0 ? (
              <button
                type="button"
                disabled={download.busy}
                onClick={() => void download.run(() => downloadAndSave(apiFileUrl(graphqlHttpUrl, job.errorReportUrl), `import-errors-${job.id}.csv`))}
              >
                {download.busy ? 'Downloading…' : 'Download error report'}
              </button>
            ) : null}
            {figures.status === 'COMPLETED' || figures.status === 'FAILED' ? (
              <button
                type="button"
                className="danger"
                disabled={undoing.busy}
                onClick={() => {
                  if (!window.confirm(`Undo this import? The ${nounOf(entity)} it created are deleted and the ones it updated get their previous values back.`)) return;
                  void undoing.run(async () => {
                    await undo({ variables: { id: job.id } });
                    onChanged();
                  });
                }}
              >
                {undoing.busy ? 'Undoing…' : 'Undo import'}
              </button>
            ) : null}
            {figures.status !== 'UNDONE' ? <Link href={listPathOf(entity)}>View {nounOf(entity)}</Link> : null}
            <Link href={pathOf({ screen: 'settings', section: 'import' })}>Import another file</Link>
          </div>
        </>
      ) : null}
    </section>
  );
}
