/**
 * The board of one pipeline: a column per stage with its deals, their totals and weighted
 * values, kept live by the `pipelineBoard` subscription (deals moved, created or changed by
 * anyone show up at once). Deals move by drag and drop, with a pointer or the keyboard; a move
 * someone else beat us to (CONFLICT) is rolled back and explained with where the deal is now.
 *
 * A picked-up deal takes arrow keys only once dnd-kit is listening for them (its keyboard sensor
 * adds its key listener on the task after the key that started the drag) and the stage columns
 * have been measured (the column under the deal is known). Until then an arrow key would be
 * lost, so the board shows `data-drag="ready"` only from that moment on (`"starting"` before it).
 */
import { useMutation, useQuery, useSubscription } from '@apollo/client/react';
import {
  DndContext,
  KeyboardSensor,
  PointerSensor,
  pointerWithin,
  rectIntersection,
  useDroppable,
  useSensor,
  useSensors,
  type Announcements,
  type CollisionDetection,
  type DragEndEvent,
  type DragOverEvent,
  type KeyboardCoordinateGetter,
} from '@dnd-kit/core';
import { useEffect, useId, useMemo, useReducer, useState, type ReactNode } from 'react';
import type { BoardDealFragment, PipelinesQuery } from '../gql/graphql';
import { errorMessage, graphQLErrorsOf } from '../lib/api-error.ts';
import { applyBoardEvent, DealSequenceTracker } from '../lib/board-events.ts';
import { neighbourColumnPoint } from '../lib/board-keyboard.ts';
import { boardMovesReducer, currentDealOf, INITIAL_MOVES } from '../lib/board-moves.ts';
import { groupDealsByStage } from '../lib/group-deals.ts';
import { formatMoney, type MoneyTotal } from '../lib/money.ts';
import { BoardDealsQuery, MoveDealMutation, PipelineBoardSubscription } from '../operations.ts';
import { CreateDealForm } from './create-deal-form.tsx';
import { DealCard } from './deal-card.tsx';
import { LoadError, Loading } from './states.tsx';

/** How many deals the board loads (the `first` argument of the board query). */
const BOARD_LIMIT = 500;

export type BoardPipeline = PipelinesQuery['pipelines'][number];
type BoardStage = BoardPipeline['stages'][number];

/** Arrow keys jump a picked-up deal to the neighbouring column (see lib/board-keyboard.ts). */
const columnKeyboardCoordinates: KeyboardCoordinateGetter = (event, { context, currentCoordinates }) => {
  const direction = event.code === 'ArrowRight' ? 'right' : event.code === 'ArrowLeft' ? 'left' : null;
  const rect = context.collisionRect;
  if (!direction || !rect) return undefined;
  event.preventDefault();
  const columns = [...context.droppableRects.values()];
  const target = neighbourColumnPoint({ x: rect.left + rect.width / 2, y: rect.top + rect.height / 2 }, columns, direction);
  if (!target) return currentCoordinates;
  return { x: target.x - rect.width / 2, y: target.y - rect.height / 2 };
};

/** The column under the pointer; for keyboard moves, the column the card overlaps most. */
const collision: CollisionDetection = (args) => {
  const underPointer = pointerWithin(args);
  return underPointer.length > 0 ? underPointer : rectIntersection(args);
};

function moneyList(totals: readonly MoneyTotal[]): string {
  return totals.map((t) => formatMoney(t.amount, t.currency)).join(' + ');
}

export function PipelineBoard({ pipeline }: { pipeline: BoardPipeline }) {
  const variables = useMemo(() => ({ pipelineId: pipeline.id }), [pipeline.id]);
  const { data, loading, error, refetch, client } = useQuery(BoardDealsQuery, { variables });
  const [moveDeal] = useMutation(MoveDealMutation);
  const [tracker] = useState(() => new DealSequenceTracker());
  const [moves, dispatch] = useReducer(boardMovesReducer, INITIAL_MOVES);
  const [creating, setCreating] = useState(false);
  const [drag, setDrag] = useState<{ listening: boolean; measured: boolean } | null>(null);
  const boardId = useId();

  // Scheduled after the render that starts a drag, so after the sensor's own deferred listener.
  const dragStarted = drag !== null;
  useEffect(() => {
    if (!dragStarted) return undefined;
    const timer = setTimeout(() => setDrag((current) => (current ? { ...current, listening: true } : current)));
    return () => clearTimeout(timer);
  }, [dragStarted]);

  const live = useSubscription(PipelineBoardSubscription, {
    variables,
    // Events are applied to the board's query below rather than cached on their own.
    fetchPolicy: 'no-cache',
    onData: ({ client: apollo, data: result }) => {
      const event = result.data?.pipelineBoard;
      if (!event || !tracker.accept(event)) return;
      apollo.cache.updateQuery({ query: BoardDealsQuery, variables }, (current) => {
        if (!current) return undefined;
        const deals = applyBoardEvent(current.deals, event);
        return deals === current.deals ? undefined : { ...current, deals };
      });
    },
  });

  const sensors = useSensors(
    useSensor(PointerSensor, { activationConstraint: { distance: 4 } }),
    useSensor(KeyboardSensor, { coordinateGetter: columnKeyboardCoordinates }),
  );

  const deals = data?.deals;
  const columns = useMemo(() => groupDealsByStage(pipeline.stages, deals ?? []), [pipeline.stages, deals]);
  const stageName = (id: string | null | undefined) => pipeline.stages.find((s) => s.id === id)?.name ?? null;
  const dealName = (id: string | number) => deals?.find((d) => d.id === id)?.name ?? 'the deal';

  function addCreated(deal: BoardDealFragment) {
    client.cache.updateQuery({ query: BoardDealsQuery, variables }, (current) =>
      current && !current.deals.some((d) => d.id === deal.id) ? { ...current, deals: [...current.deals, deal] } : undefined,
    );
    setCreating(false);
  }

  async function move(deal: BoardDealFragment, to: BoardStage) {
    if (deal.stage.id === to.id || moves.pending[deal.id]) return;
    dispatch({ type: 'started', dealId: deal.id, toStageId: to.id });
    try {
      await moveDeal({
        variables: { id: deal.id, stageId: to.id, expectedStageId: deal.stage.id },
        // Show the move at once; Apollo rolls it back if the API refuses it.
        optimisticResponse: {
          __typename: 'Mutation',
          moveDeal: {
            __typename: 'Deal',
            id: deal.id,
            version: deal.version + 1,
            isStale: false,
            stageEnteredAt: new Date().toISOString(),
            stage: { __typename: 'Stage', id: to.id, name: to.name },
          },
        },
      });
      dispatch({ type: 'succeeded', dealId: deal.id });
    } catch (failure) {
      const conflict = graphQLErrorsOf(failure).find((e) => e.extensions?.code === 'CONFLICT');
      if (conflict) {
        const current = currentDealOf(conflict.extensions);
        dispatch({ type: 'conflicted', dealId: deal.id, dealName: deal.name, currentStageName: stageName(current?.stageId) });
        await refetch().catch(() => undefined);
      } else {
        dispatch({ type: 'failed', dealId: deal.id, dealName: deal.name, message: `“${deal.name}” was not moved: ${errorMessage(failure)}` });
      }
    }
  }

  function onDragOver({ over }: DragOverEvent) {
    if (over) setDrag((current) => (current && !current.measured ? { ...current, measured: true } : current));
  }

  function onDragEnd({ active, over }: DragEndEvent) {
    setDrag(null);
    const deal = deals?.find((d) => d.id === active.id);
    const to = pipeline.stages.find((s) => s.id === over?.id);
    if (deal && to) void move(deal, to);
  }

  const announcements: Announcements = {
    onDragStart: ({ active }) => `Picked up ${dealName(active.id)}. Use the left and right arrow keys to choose a stage, Space to drop, Escape to cancel.`,
    onDragOver: ({ active, over }) => (over ? `${dealName(active.id)} is over ${stageName(String(over.id)) ?? 'a stage'}.` : `${dealName(active.id)} is not over a stage.`),
    onDragEnd: ({ active, over }) => (over ? `${dealName(active.id)} dropped in ${stageName(String(over.id)) ?? 'a stage'}.` : `${dealName(active.id)} put back.`),
    onDragCancel: ({ active }) => `Moving ${dealName(active.id)} was cancelled.`,
  };

  if (loading && !deals) return <Loading>Loading deals…</Loading>;
  if (error && !deals) return <LoadError error={error} onRetry={() => void refetch().catch(() => undefined)} />;

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
        <button type="button" className="primary" aria-expanded={creating} onClick={() => setCreating((v) => !v)}>
          {creating ? 'Close' : 'New deal'}
        </button>
      </div>
      {creating ? <CreateDealForm pipelineId={pipeline.id} stages={columns.map((c) => c.stage)} onCreated={addCreated} onCancel={() => setCreating(false)} /> : null}
      <div className="notices" aria-live="assertive">
        {moves.notices.map((notice) => (
          <div key={notice.dealId} className={`notice ${notice.kind}`} role="alert">
            <p>{notice.message}</p>
            <button type="button" onClick={() => dispatch({ type: 'dismissed', dealId: notice.dealId })} aria-label="Dismiss">
              ×
            </button>
          </div>
        ))}
      </div>
      <DndContext
        sensors={sensors}
        collisionDetection={collision}
        onDragStart={() => setDrag({ listening: false, measured: false })}
        onDragOver={onDragOver}
        onDragEnd={onDragEnd}
        onDragCancel={() => setDrag(null)}
        accessibility={{
          announcements,
          screenReaderInstructions: {
            draggable: 'To move a deal, press Space or Enter, use the left and right arrow keys to choose a stage, then press Space or Enter to drop it, or Escape to cancel.',
          },
        }}
      >
        <div
          className="board"
          id={boardId}
          aria-label={`${pipeline.name} board`}
          role="region"
          data-drag={drag ? (drag.listening && drag.measured ? 'ready' : 'starting') : undefined}
        >
          {columns.map(({ stage, deals: stageDeals, totals, weighted }) => (
            <StageColumn key={stage.id} stageId={stage.id} headingId={`${boardId}-${stage.id}`}>
              <header className="column-header">
                <h2 id={`${boardId}-${stage.id}`}>
                  {stage.name} <span className="count">{stageDeals.length}</span>
                </h2>
                <p className="totals">
                  <span className="total">{totals.length > 0 ? moneyList(totals) : 'No deals'}</span>
                  {totals.length > 0 ? (
                    <span className="muted weighted">
                      {' '}
                      · weighted {moneyList(weighted)} at {stage.probability}%
                    </span>
                  ) : (
                    <span className="muted"> · {stage.probability}%</span>
                  )}
                </p>
              </header>
              <ul className="deal-list">
                {stageDeals.map((deal) => (
                  <li key={deal.id}>
                    <DealCard deal={deal} rottingDays={stage.rottingDays ?? null} pending={Boolean(moves.pending[deal.id])} />
                  </li>
                ))}
              </ul>
            </StageColumn>
          ))}
        </div>
      </DndContext>
    </>
  );
}

function StageColumn({ stageId, headingId, children }: { stageId: string; headingId: string; children: ReactNode }) {
  const { setNodeRef, isOver } = useDroppable({ id: stageId });
  return (
    <section ref={setNodeRef} className={isOver ? 'column over' : 'column'} aria-labelledby={headingId} data-stage-id={stageId}>
      {children}
    </section>
  );
}
