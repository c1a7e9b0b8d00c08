/**
 * A deal's fields, edited in place. Every edit carries the version the page shows
 * (`expectedVersion`): when someone changed the deal meanwhile the API refuses with CONFLICT,
 * the field says so with the deal's current values and the page reloads them.
 */
import { useMutation, useQuery } from '@apollo/client/react';
import { InlineField } from '../inline-field.tsx';
import { Link } from '../link.tsx';
import type { DealPageFragment, UpdateDealInput } from '../../gql/graphql';
import { errorMessage } from '../../lib/api-error.ts';
import { dealConflictOf, describeDealConflict } from '../../lib/deal-conflict.ts';
import { enumLabel, formatDate } from '../../lib/labels.ts';
import { formatMoney } from '../../lib/money.ts';
import { pathOf } from '../../lib/route.ts';
import { AccountOptionsQuery, UpdateDealMutation, UserOptionsQuery } from '../../operations.ts';

export interface DealDetailsProps {
  deal: DealPageFragment;
  /** Reloads the deal (after a CONFLICT, to show what it is now). */
  reload: () => Promise<unknown>;
  stageName: (id: string | null) => string | null;
}

export function DealDetails({ deal, reload, stageName }: DealDetailsProps) {
  const [update] = useMutation(UpdateDealMutation);
  const users = useQuery(UserOptionsQuery);
  const accounts = useQuery(AccountOptionsQuery);
  const userName = (id: string | null) => users.data?.users.find((u) => u.id === id)?.name ?? null;

  async function save(input: UpdateDealInput): Promise<string | null> {
    try {
      await update({ variables: { id: deal.id, input, expectedVersion: deal.version } });
      return null;
    } catch (error) {
      const conflict = dealConflictOf(error);
      if (!conflict) return errorMessage(error);
      await reload().catch(() => undefined);
      return describeDealConflict(conflict, { stage: stageName(conflict.current?.stageId ?? null), owner: userName(conflict.current?.ownerId ?? null) });
    }
  }

  const closeDate = typeof deal.expectedCloseDate === 'string' ? deal.expectedCloseDate : null;
  const hasLines = deal.lineItems.length > 0;
  const userOptions = [{ value: '', label: 'Unassigned' }, ...(users.data?.users ?? []).filter((u) => u.active || u.id === deal.owner?.id).map((u) => ({ value: u.id, label: u.name }))];
  const accountOptions = [{ value: '', label: 'None' }, ...(accounts.data?.accountsConnection.nodes ?? []).map((a) => ({ value: a.id, label: a.name }))];

  return (
    <section className="card" aria-labelledby="deal-details">
      <h2 id="deal-details">Details</h2>
      <dl className="fields">
        <InlineField label="Name" name="name" value={deal.name} onSave={(v) => save({ name: v })} />
        {hasLines ? (
          <div className="inline-field">
            <dt>Amount</dt>
            <dd>
              {formatMoney(deal.amount, deal.currency)} <span className="muted">· the sum of the line items</span>
            </dd>
          </div>
        ) : (
          <InlineField label="Amount" name="amount" value={deal.amount} display={(v) => formatMoney(v, deal.currency)} onSave={(v) => save({ amount: v })} />
        )}
        <InlineField label="Currency" name="currency" value={deal.currency} onSave={(v) => save({ currency: v.toUpperCase() })} />
        <InlineField
          label="Expected close"
          name="expectedCloseDate"
          type="date"
          value={closeDate}
          display={(v) => formatDate(v)}
          onSave={(v) => save({ expectedCloseDate: v || null })}
        />
        <InlineField
          label="Owner"
          name="ownerId"
          value={deal.owner?.id ?? ''}
          display={() => deal.owner?.name ?? 'Unassigned'}
          options={userOptions}
          onSave={(v) => save({ ownerId: v || null })}
        />
        <InlineField
          label="Account"
          name="accountId"
          value={deal.account?.id ?? ''}
          display={() => deal.account?.name ?? '—'}
          options={accountOptions}
          onSave={(v) => save({ accountId: v || null })}
        />
        <div className="inline-field">
          <dt>Stage</dt>
          <dd>
            {deal.stage.name} <span className="muted">· {enumLabel(deal.status)}</span>
          </dd>
        </div>
        {deal.account ? (
          <div className="inline-field">
            <dt>Account page</dt>
            <dd>
              <Link href={pathOf({ screen: 'account', id: deal.account.id })}>{deal.account.name}</Link>
            </dd>
          </div>
        ) : null}
        <div className="inline-field">
          <dt>Created</dt>
          <dd>{formatDate(deal.createdAt)}</dd>
        </div>
      </dl>
      {deal.warnings.length > 0 ? (
        <ul className="warnings">
          {deal.warnings.map((w) => (
            <li key={w}>{w}</li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
