/** The deals board: a pipeline picker and the live board of the chosen pipeline. */
import { useQuery } from '@apollo/client/react';
import { useId, useState } from 'react';
import { PipelineBoard } from '../components/pipeline-board.tsx';
import { Empty, LoadError, Loading } from '../components/states.tsx';
import { PipelinesQuery } from '../operations.ts';

export function DealsScreen() {
  const { data, loading, error, refetch } = useQuery(PipelinesQuery);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const pickerId = useId();

  const pipelines = data?.pipelines ?? [];
  const pipeline = pipelines.find((p) => p.id === selectedId) ?? pipelines[0] ?? null;

  return (
    <div className="screen deals">
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
        <Loading>Loading pipelines…</Loading>
      ) : error && !data ? (
        <LoadError error={error} onRetry={() => void refetch().catch(() => undefined)} />
      ) : pipeline ? (
        <PipelineBoard key={pipeline.id} pipeline={pipeline} />
      ) : (
        <Empty>There are no pipelines in this workspace yet.</Empty>
      )}
    </div>
  );
}
