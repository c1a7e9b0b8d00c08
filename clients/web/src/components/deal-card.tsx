/**
 * One deal on the board; its name opens the deal's page. Its handle picks it up: drag it with a pointer, or focus the handle,
 * press Space or Enter, move between stages with the arrow keys and drop with Space or Enter
 * (Escape cancels).
 */
import { useDraggable } from '@dnd-kit/core';
import { useId } from 'react';
import type { BoardDealFragment } from '../gql/graphql';
import { formatMoney } from '../lib/money.ts';
import { pathOf } from '../lib/route.ts';
import { Link } from './link.tsx';

export interface DealCardProps {
  deal: BoardDealFragment;
  /** Days a deal may stand in its stage before it is stale; null = never. */
  rottingDays: number | null;
  /** True while a move of this deal waits for the API. */
  pending: boolean;
}

export function DealCard({ deal, rottingDays, pending }: DealCardProps) {
  const titleId = useId();
  const { attributes, listeners, setNodeRef, transform, isDragging } = useDraggable({ id: deal.id, data: { dealId: deal.id } });
  const style = transform ? { transform: `translate3d(${transform.x}px, ${transform.y}px, 0)` } : undefined;
  const classes = ['deal-card', isDragging ? 'dragging' : '', deal.isStale ? 'stale' : '', pending ? 'pending' : ''].filter(Boolean).join(' ');

  return (
    <article ref={setNodeRef} style={style} className={classes} aria-labelledby={titleId} data-deal-id={deal.id} aria-busy={pending}>
      <div className="deal-card-top">
        <h3 id={titleId}>
          <Link href={pathOf({ screen: 'deal', id: deal.id })}>{deal.name}</Link>
        </h3>
        <button type="button" className="drag-handle" {...attributes} {...listeners} aria-label={`Move ${deal.name}`}>
          <span aria-hidden="true">⠿</span>
        </button>
      </div>
      <p className="amount">{formatMoney(deal.amount, deal.currency)}</p>
      <dl className="facts">
        <div>
          <dt>Account</dt>
          <dd>{deal.account?.name ?? '—'}</dd>
        </div>
        <div>
          <dt>Owner</dt>
          <dd>{deal.owner?.name ?? 'Unassigned'}</dd>
        </div>
      </dl>
      {deal.isStale ? (
        <p className="stale-marker" title={rottingDays !== null ? `In this stage for more than ${rottingDays} days` : undefined}>
          <span aria-hidden="true">⏳</span> Stale{rottingDays !== null ? `: over ${rottingDays} days in this stage` : ''}
        </p>
      ) : null}
      {pending ? <p className="muted">Saving…</p> : null}
    </article>
  );
}
