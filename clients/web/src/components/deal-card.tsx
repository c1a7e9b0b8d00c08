/** One deal on the board, with a button that moves it to the pipeline's next stage. */
import { useMutation } from '@apollo/client/react';
import { useId } from 'react';
import type { BoardDealFragment } from '../gql/graphql';
import { errorMessage } from '../lib/api-error.ts';
import { formatMoney } from '../lib/money.ts';
import { MoveDealMutation } from '../operations.ts';

export interface DealCardProps {
  deal: BoardDealFragment;
  /** The stage after the deal's current one; null on the last stage. */
  next: { id: string; name: string } | null;
}

export function DealCard({ deal, next }: DealCardProps) {
  const [moveDeal, { loading, error }] = useMutation(MoveDealMutation);
  const titleId = useId();

  function moveToNext() {
    if (!next) return;
    moveDeal({
      variables: { id: deal.id, stageId: next.id },
      // Show the move at once; Apollo rolls it back if the API refuses it.
      optimisticResponse: {
        __typename: 'Mutation',
        moveDeal: { __typename: 'Deal', id: deal.id, stage: { __typename: 'Stage', id: next.id, name: next.name } },
      },
    }).catch(() => {
      // The error is rendered from the mutation state below.
    });
  }

  return (
    <article className="deal-card" aria-labelledby={titleId}>
      <h3 id={titleId}>{deal.name}</h3>
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
      {next ? (
        <button type="button" onClick={moveToNext} disabled={loading} aria-label={`Move ${deal.name} to ${next.name}`}>
          Move to {next.name} →
        </button>
      ) : null}
      {error ? (
        <p className="error" role="alert">
          {errorMessage(error)}
        </p>
      ) : null}
    </article>
  );
}
