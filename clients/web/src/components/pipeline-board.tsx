/**
 * The board of one pipeline: a column per stage with its deals, kept live by the
 * `pipelineBoard` subscription (deals moved, created or changed by anyone show up at once).
 */
import { useQuery, useSubscription } from '@apollo/client/react';
import { useId, useMemo, useState } from 'react';
import type { PipelinesQuery } from '../gql/graphql';
import { errorMessage } from '../lib/api-error.ts';
import { applyBoardEvent, DealSequenceTracker } from '../lib/board-events.ts';
import { groupDealsByStage, nextStage } from '../lib/group-deals.ts';
import { formatMoney } from '../lib/money.ts';
import { BoardDealsQuery, PipelineBoardSubscription } from '../operations.ts';
import { DealCard } from './deal-card.tsx';

/** How many deals the board loads (the `first` argument of the board query). */
const BOARD_LIMIT = 100;

export type BoardPipeline = PipelinesQuery['pipelines'][number];

export function PipelineBoard({ pipeline }: { pipeline: BoardPipeline }) {
  const variables = useMemo(() => ({ pipelineId: pipeline.id }), [pipeline.id]);
  const { data, loading, error, refetch } = useQuery(BoardDealsQuery, { variables });
  const [tracker] = useState(() => new DealSequenceTracker());
  const boardId = useId();

  const live = useSubscription(PipelineBoardSubscription, {
    variables,
    // Events are applied to the board's query below rather than cached on their own.
    fetchPolicy: 'no-cache',
    onData: ({ client, data: result }) => {
      const event = result.data?.pipelineBoard;
      if (!event || !tracker.accept(event)) return;
      client.cache.updateQuery({ query: BoardDealsQuery, variables }, (current) => {
        if (!current) return undefined;
        const deals = applyBoardEvent(current.deals, event);
        return deals === current.deals ? undefined : { ...current, deals };
      });
    },
  });

  const deals = data?.deals;
  const columns = useMemo(() => groupDealsByStage(pipeline.stages, deals ?? []), [pipeline.stages, deals]);

  if (loading && !deals) {
    return (
      <p className="status" role="status">
        Loading deals…
      </p>
    );
  }
  if (error && !deals) {
    return (
      <div className="error" role="alert">
        <p>{errorMessage(error)}</p>
        <button type="button" onClick={() => void refetch().catch(() => undefined)}>
          Try again
        </button>
      </div>
    );
  }

  return (
    <>
      <div className="board-status">
        {live.error ? (
          <p className="error" role="alert">
            Live updates paused: {errorMessage(live.error)}{' '}
            <button type="button" onClick={live.restart}>
              Reconnect
            </button>
          </p>
        ) : (
          <p className="live" role="status">
            <span className="dot" aria-hidden="true" /> Live
          </p>
        )}
        {deals && deals.length >= BOARD_LIMIT ? <p className="muted">Showing the first {BOARD_LIMIT} deals.</p> : null}
      </div>
      <div className="board" id={boardId} aria-label={`${pipeline.name} board`} role="region">
        {columns.map(({ stage, deals: stageDeals, totals }) => (
          <section key={stage.id} className="column" aria-labelledby={`${boardId}-${stage.id}`}>
            <header className="column-header">
              <h2 id={`${boardId}-${stage.id}`}>
                {stage.name} <span className="count">{stageDeals.length}</span>
              </h2>
              <p className="muted">
                {stage.probability}% ·{' '}
                {totals.length > 0 ? totals.map((t) => formatMoney(t.amount, t.currency)).join(' + ') : 'no deals'}
              </p>
            </header>
            <ul className="deal-list">
              {stageDeals.map((deal) => (
                <li key={deal.id}>
                  <DealCard deal={deal} next={nextStage(pipeline.stages, deal.stage.id)} />
                </li>
              ))}
            </ul>
          </section>
        ))}
      </div>
    </>
  );
}
