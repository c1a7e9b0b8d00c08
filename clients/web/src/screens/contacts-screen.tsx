/** Contacts: searchable, filterable by lifecycle stage, sortable, page by page; and a form to add one. */
import { useMutation, useQuery } from '@apollo/client/react';
import { useState, type FormEvent } from 'react';
import { FormErrors, FormField, SelectField, textOf } from '../components/form-field.tsx';
import { useListView } from '../components/list-view-tools.tsx';
import { LIST_QUERY_POLICY, RecordListScreen } from '../components/record-list-screen.tsx';
import type { ListColumn } from '../components/record-list.tsx';
import type { ContactRowFragment, ContactSortField, LifecycleStage } from '../gql/graphql';
import { fieldErrorsOf, NO_FIELD_ERRORS, type FieldErrors } from '../lib/field-errors.ts';
import { enumLabel, formatDate, LIFECYCLE_STAGES, optionsOf } from '../lib/labels.ts';
import { pageVariables, searchFilter, type ListState } from '../lib/list-query.ts';
import { navigate, pathOf } from '../lib/route.ts';
import { AccountOptionsQuery, ContactsQuery, CreateContactMutation } from '../operations.ts';

const INITIAL: ListState<ContactSortField> = { search: '', choice: '', sort: { field: 'CREATED_AT', direction: 'DESC' }, page: null };

const COLUMNS: ReadonlyArray<ListColumn<ContactRowFragment, ContactSortField>> = [
  { key: 'name', label: 'Name', sortField: 'LAST_NAME', render: (c) => c.name },
  { key: 'email', label: 'Email', sortField: 'EMAIL', render: (c) => c.email ?? '—' },
  { key: 'account', label: 'Account', render: (c) => c.accounts[0]?.name ?? '—' },
  { key: 'stage', label: 'Lifecycle stage', sortField: 'LIFECYCLE_STAGE', render: (c) => enumLabel(c.lifecycleStage) },
  { key: 'owner', label: 'Owner', render: (c) => c.owner?.name ?? '—' },
  { key: 'created', label: 'Created', sortField: 'CREATED_AT', render: (c) => formatDate(c.createdAt) },
];

const CONTACT_FIELDS = ['firstName', 'lastName', 'email', 'phone', 'lifecycleStage', 'accountIds'] as const;

export function ContactsScreen() {
  const view = useListView('contacts', INITIAL, COLUMNS);
  const { state } = view;
  const filter = searchFilter(state.search, ['firstName', 'lastName', 'email'], state.choice ? [{ lifecycleStage: { eq: state.choice } }] : []);
  const { data, previousData, loading, error, refetch } = useQuery(ContactsQuery, { variables: { ...pageVariables(state.page), filter, orderBy: [state.sort] }, ...LIST_QUERY_POLICY });
  return (
    <RecordListScreen
      kind="contacts"
      title="Contacts"
      newLabel="New contact"
      view={view}
      filter={filter}
      result={{ page: (data ?? previousData)?.contactsConnection, loading, error, retry: () => void refetch().catch(() => undefined) }}
      searchLabel="Search name or email"
      choice={{ label: 'Lifecycle stage', options: optionsOf(LIFECYCLE_STAGES) }}
      hrefOf={(c) => pathOf({ screen: 'contact', id: c.id })}
      titleOf={(c) => c.name}
      createForm={(close) => <CreateContactForm onCancel={close} />}
    />
  );
}

function CreateContactForm({ onCancel }: { onCancel: () => void }) {
  const [create, { loading }] = useMutation(CreateContactMutation);
  const accounts = useQuery(AccountOptionsQuery);
  const [errors, setErrors] = useState<FieldErrors>(NO_FIELD_ERRORS);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const accountId = textOf(form, 'accountId');
    try {
      const { data } = await create({
        variables: {
          input: {
            firstName: textOf(form, 'firstName') ?? '',
            lastName: textOf(form, 'lastName') ?? '',
            email: textOf(form, 'email'),
            phone: textOf(form, 'phone'),
            lifecycleStage: (textOf(form, 'lifecycleStage') ?? 'SUBSCRIBER') as LifecycleStage,
            ...(accountId ? { accountIds: [accountId] } : {}),
          },
        },
      });
      if (data) navigate(pathOf({ screen: 'contact', id: data.createContact.id }));
    } catch (error) {
      setErrors(fieldErrorsOf(error, CONTACT_FIELDS));
    }
  }

  const accountOptions = [{ value: '', label: 'None' }, ...(accounts.data?.accountsConnection.nodes ?? []).map((a) => ({ value: a.id, label: a.name }))];
  return (
    <form className="card create-form" onSubmit={onSubmit} aria-label="New contact" noValidate>
      <h2>New contact</h2>
      <div className="form-grid">
        <FormField label="First name" name="firstName" autoComplete="off" error={errors.byField.firstName} autoFocus />
        <FormField label="Last name" name="lastName" autoComplete="off" error={errors.byField.lastName} />
        <FormField label="Email" name="email" type="email" autoComplete="off" error={errors.byField.email} />
        <FormField label="Phone" name="phone" type="tel" autoComplete="off" error={errors.byField.phone} />
        <SelectField label="Lifecycle stage" name="lifecycleStage" defaultValue="LEAD" options={optionsOf(LIFECYCLE_STAGES)} error={errors.byField.lifecycleStage} />
        <SelectField label="Account" name="accountId" options={accountOptions} error={errors.byField.accountIds} />
      </div>
      <FormErrors messages={errors.general} />
      <div className="actions">
        <button type="submit" className="primary" disabled={loading}>
          {loading ? 'Creating…' : 'Create contact'}
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
