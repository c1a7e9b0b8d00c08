/** The form that adds a deal to the open pipeline, in the stage the user picks, owned by the signed-in user unless another owner is chosen. */
import { useMutation, useQuery } from '@apollo/client/react';
import { useState, type FormEvent } from 'react';
import type { BoardDealFragment } from '../gql/graphql';
import { fieldErrorsOf, NO_FIELD_ERRORS, type FieldErrors } from '../lib/field-errors.ts';
import { AccountOptionsQuery, CreateDealMutation, UserOptionsQuery } from '../operations.ts';
import { useSession } from '../session.ts';
import { FormErrors, FormField, SelectField, textOf } from './form-field.tsx';

const DEAL_FIELDS = ['name', 'amount', 'currency', 'stageId', 'accountId', 'ownerId', 'expectedCloseDate'] as const;

export interface CreateDealFormProps {
  pipelineId: string;
  stages: ReadonlyArray<{ id: string; name: string }>;
  onCreated: (deal: BoardDealFragment) => void;
  onCancel: () => void;
}

export function CreateDealForm({ pipelineId, stages, onCreated, onCancel }: CreateDealFormProps) {
  const [create, { loading }] = useMutation(CreateDealMutation);
  const accounts = useQuery(AccountOptionsQuery, { fetchPolicy: 'cache-and-network' });
  const users = useQuery(UserOptionsQuery, { fetchPolicy: 'cache-and-network' });
  const session = useSession();
  const [ownerId, setOwnerId] = useState(session?.user.id ?? '');
  const [errors, setErrors] = useState<FieldErrors>(NO_FIELD_ERRORS);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    try {
      const { data } = await create({
        variables: {
          input: {
            pipelineId,
            stageId: textOf(form, 'stageId'),
            name: textOf(form, 'name') ?? '',
            amount: textOf(form, 'amount') ?? '',
            currency: (textOf(form, 'currency') ?? '').toUpperCase(),
            accountId: textOf(form, 'accountId'),
            ownerId: ownerId || null,
            expectedCloseDate: textOf(form, 'expectedCloseDate'),
          },
        },
      });
      if (data) onCreated(data.createDeal);
    } catch (error) {
      setErrors(fieldErrorsOf(error, DEAL_FIELDS));
    }
  }

  const accountOptions = [{ value: '', label: 'None' }, ...(accounts.data?.accountsConnection.nodes ?? []).map((a) => ({ value: a.id, label: a.name }))];
  // Until the users are loaded, the signed-in user is the one owner to choose.
  const people = users.data?.users.filter((u) => u.active) ?? (session ? [{ id: session.user.id, name: session.user.name }] : []);
  const ownerOptions = [...people.map((u) => ({ value: u.id, label: u.id === session?.user.id ? `${u.name} (me)` : u.name })), { value: '', label: 'Unassigned' }];
  return (
    <form className="card create-form" onSubmit={onSubmit} aria-label="New deal" noValidate>
      <h2>New deal</h2>
      <div className="form-grid">
        <FormField label="Name" name="name" autoComplete="off" error={errors.byField.name} autoFocus />
        <FormField label="Amount" name="amount" inputMode="decimal" autoComplete="off" placeholder="12000.00" error={errors.byField.amount} />
        <FormField label="Currency" name="currency" defaultValue="USD" maxLength={3} autoComplete="off" error={errors.byField.currency} />
        <SelectField label="Stage" name="stageId" options={stages.map((s) => ({ value: s.id, label: s.name }))} error={errors.byField.stageId} />
        <SelectField label="Account" name="accountId" options={accountOptions} error={errors.byField.accountId} />
        <SelectField label="Owner" name="ownerId" value={ownerId} onChange={(e) => setOwnerId(e.target.value)} options={ownerOptions} error={errors.byField.ownerId} />
        <FormField label="Expected close" name="expectedCloseDate" type="date" error={errors.byField.expectedCloseDate} />
      </div>
      <FormErrors messages={errors.general} />
      <div className="actions">
        <button type="submit" className="primary" disabled={loading}>
          {loading ? 'Creating…' : 'Create deal'}
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
