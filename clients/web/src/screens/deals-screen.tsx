/** The signed-in home: a header with the user and sign-out, a pipeline picker and its board. */
import { useQuery } from '@apollo/client/react';
import { useId, useState } from 'react';
import { PipelineBoard } from '../components/pipeline-board.tsx';
import { errorMessage } from '../lib/api-error.ts';
import { PipelinesQuery } from '../operations.ts';
import { endSession, type Session } from '../session.ts';

/** `SALES_MANAGER` → `Sales manager`. */
function roleLabel(role: string): string {
  const words = role.toLowerCase().replaceAll('_', ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export function DealsScreen({ session }: { session: Session }) {
  const { data, loading, error, refetch } = useQuery(PipelinesQuery);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const pickerId = useId();

  const pipelines = data?.pipelines ?? [];
  const pipeline = pipelines.find((p) => p.id === selectedId) ?? pipelines[0] ?? null;

  return (
    <div className="app">
      <header className="app-header">
        <span className="brand">CRM</span>
        <div className="account">
          <span>
            {session.user.name} <span className="muted">· {roleLabel(session.user.role)}</span>
          </span>
          <button type="button" onClick={endSession}>
            Sign out
          </button>
        </div>
      </header>

      <main className="deals">
        <div className="toolbar">
          <h1>Deals</h1>
          {pipelines.length > 1 ? (
            <div className="field inline">
              <label htmlFor={pickerId}>Pipeline</label>
              <select id={pickerId} value={pipeline?.id ?? ''} onChange={(event) => setSelectedId(event.target.value)}>
                {pipelines.map((p) => (
                  <option key={p.id} value={p.id}>
                    {p.name}
                  </option>
                ))}
              </select>
            </div>
          ) : pipeline ? (
            <span className="muted">{pipeline.name}</span>
          ) : null}
        </div>

        {loading && !data ? (
          <p className="status" role="status">
            Loading pipelines…
          </p>
        ) : error && !data ? (
          <div className="error" role="alert">
            <p>{errorMessage(error)}</p>
            <button type="button" onClick={() => void refetch().catch(() => undefined)}>
              Try again
            </button>
          </div>
        ) : pipeline ? (
          <PipelineBoard key={pipeline.id} pipeline={pipeline} />
        ) : (
          <p className="status">There are no pipelines in this workspace yet.</p>
        )}
      </main>
    </div>
  );
}
