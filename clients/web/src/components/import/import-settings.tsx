/**
 * Settings → Import: upload a CSV file of contacts, accounts or leads and follow the imports of the
 * workspace. An upload opens the import's own page (`/settings/import/<id>`): mapping and preview,
 * then live progress, then the summary with the error report and undo.
 */
import { useQuery } from '@apollo/client/react';
import { useId, useState, type FormEvent } from 'react';
import { Link } from '../link.tsx';
import { Empty, LoadError, Loading } from '../states.tsx';
import { IMPORT_ENTITIES, nounOf, type ImportEntityKind } from '../../lib/import-mapping.ts';
import { statusText } from '../../lib/import-progress.ts';
import { formatDate } from '../../lib/labels.ts';
import { navigate, pathOf } from '../../lib/route.ts';
import { uploadImportFile } from '../../lib/session-files.ts';
import { useAction } from '../../lib/use-action.ts';
import { ImportJobsQuery } from '../../operations.ts';
import { ImportJobView } from './import-job-view.tsx';

export function ImportSettings({ importId }: { importId?: string | undefined }) {
  if (importId) return <ImportJobView key={importId} id={importId} />;
  return (
    <>
      <UploadForm />
      <RecentImports />
    </>
  );
}

const ENTITY_LABELS: Record<ImportEntityKind, string> = { CONTACT: 'Contacts', ACCOUNT: 'Accounts', LEAD: 'Leads' };

function UploadForm() {
  const [entity, setEntity] = useState<ImportEntityKind>('CONTACT');
  const action = useAction();
  const entityId = useId();
  const fileId = useId();

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const file = new FormData(event.currentTarget).get('file');
    if (!(file instanceof File) || file.name === '') {
      action.setError('Choose a CSV file to upload.');
      return;
    }
    const uploaded = await action.run(() => uploadImportFile(entity, file));
    if (uploaded) navigate(pathOf({ screen: 'settings', section: 'import', importId: uploaded.id }));
  }

  return (
    <form className="card import-upload" onSubmit={onSubmit} aria-label="Upload a CSV file" noValidate>
      <h2>Import from a CSV file</h2>
      <p className="muted">
        The first row names the columns. UTF-8, comma, semicolon or tab separated, at most 50 MB. You check the mapping and a preview before anything is written.
      </p>
      <div className="form-grid">
        <div className="field">
          <label htmlFor={entityId}>Import as</label>
          <select id={entityId} value={entity} onChange={(e) => setEntity(e.target.value as ImportEntityKind)}>
            {IMPORT_ENTITIES.map((e) => (
              <option key={e} value={e}>
                {ENTITY_LABELS[e]}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={fileId}>CSV file</label>
          <input id={fileId} name="file" type="file" accept=".csv,.tsv,.txt,text/csv" aria-invalid={action.error ? true : undefined} />
        </div>
      </div>
      {action.error ? (
        <p className="error" role="alert">
          {action.error}
        </p>
      ) : null}
      <div className="actions">
        <button type="submit" className="primary" disabled={action.busy}>
          {action.busy ? 'Uploading…' : 'Upload'}
        </button>
      </div>
    </form>
  );
}

function RecentImports() {
  const { data, loading, error, refetch } = useQuery(ImportJobsQuery, { fetchPolicy: 'cache-and-network' });
  const jobs = data?.importJobs.edges.map((edge) => edge.node) ?? [];
  return (
    <section className="card" aria-labelledby="recent-imports">
      <h2 id="recent-imports">Recent imports</h2>
      {loading && !data ? (
        <Loading>Loading imports…</Loading>
      ) : error && !data ? (
        <LoadError error={error} onRetry={() => void refetch().catch(() => undefined)} />
      ) : jobs.length === 0 ? (
        <Empty>No imports yet. Upload a CSV file above to start one.</Empty>
      ) : (
        <div className="table-scroll">
          <table className="records">
            <caption className="visually-hidden">Recent imports</caption>
            <thead>
              <tr>
                <th scope="col">File</th>
                <th scope="col">Records</th>
                <th scope="col">Status</th>
                <th scope="col">Rows</th>
                <th scope="col">Created</th>
                <th scope="col">Updated</th>
                <th scope="col">Failed</th>
                <th scope="col">Uploaded</th>
              </tr>
            </thead>
            <tbody>
              {jobs.map((job) => (
                <tr key={job.id}>
                  <td data-label="File">
                    <Link href={pathOf({ screen: 'settings', section: 'import', importId: job.id })}>{job.fileName ?? 'Untitled file'}</Link>
                  </td>
                  <td data-label="Records">{nounOf(job.entity)}</td>
                  <td data-label="Status">{statusText(job.status)}</td>
                  <td data-label="Rows">{job.totalRows.toLocaleString()}</td>
                  <td data-label="Created">{job.createdCount.toLocaleString()}</td>
                  <td data-label="Updated">{job.updatedCount.toLocaleString()}</td>
                  <td data-label="Failed">{job.failedCount.toLocaleString()}</td>
                  <td data-label="Uploaded">{formatDate(job.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
