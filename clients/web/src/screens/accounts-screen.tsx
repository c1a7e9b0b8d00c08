/** Accounts: searchable by name or domain, sortable, page by page; and a form to add one. */
import { useMutation, useQuery } from '@apollo/client/react';
import { useState, type FormEvent } from 'react';
import { FormErrors, FormField, textOf } from '../components/form-field.tsx';
import { useListView } from '../components/list-view-tools.tsx';
import { LIST_QUERY_POLICY, RecordListScreen } from '../components/record-list-screen.tsx';
import type { ListColumn } from '../components/record-list.tsx';
import type { AccountRowFragment, AccountSortField } from '../gql/graphql';
import { fieldErrorsOf, NO_FIELD_ERRORS, type FieldErrors } from '../lib/field-errors.ts';
import { formatDate } from '../lib/labels.ts';
import { pageVariables, searchFilter, type ListState } from '../lib/list-query.ts';
import { navigate, pathOf } from '../lib/route.ts';
import { AccountsQuery, CreateAccountMutation } from '../operations.ts';

const INITIAL: ListState<AccountSortField> = { search: '', choice: '', sort: { field: 'CREATED_AT', direction: 'DESC' }, page: null };

const COLUMNS: ReadonlyArray<ListColumn<AccountRowFragment, AccountSortField>> = [
  { key: 'name', label: 'Name', sortField: 'NAME', render: (a) => a.name },
  { key: 'domain', label: 'Domain', sortField: 'DOMAIN', render: (a) => a.domain ?? '—' },
  { key: 'industry', label: 'Industry', sortField: 'INDUSTRY', render: (a) => a.industry ?? '—' },
  { key: 'employees', label: 'Employees', sortField: 'EMPLOYEES', render: (a) => (a.employees ?? '—').toLocaleString() },
  { key: 'owner', label: 'Owner', render: (a) => a.owner?.name ?? '—' },
  { key: 'created', label: 'Created', sortField: 'CREATED_AT', render: (a) => formatDate(a.createdAt) },
];

const INDUSTRIES = ['Healthcare', 'Logistics', 'Manufacturing', 'Retail', 'Software', 'Finance'];
const ACCOUNT_FIELDS = ['name', 'domain', 'industry', 'employees'] as const;

/** A whole number typed by the user; the text itself when it is not one (the API then says why). */
export function integerOrText(value: string | null): number | null {
  if (value === null) return null;
  return /^-?\d+$/.test(value) ? Number(value) : Number.NaN;
}

export function AccountsScreen() {
  const view = useListView('accounts', INITIAL, COLUMNS);
  const { state } = view;
  const filter = searchFilter(state.search, ['name', 'domain'], state.choice ? [{ industry: { eq: state.choice } }] : []);
  const { data, previousData, loading, error, refetch } = useQuery(AccountsQuery, { variables: { ...pageVariables(state.page), filter, orderBy: [state.sort] }, ...LIST_QUERY_POLICY });
  return (
    <RecordListScreen
      kind="accounts"
      title="Accounts"
      newLabel="New account"
      view={view}
      filter={filter}
      result={{ page: (data ?? previousData)?.accountsConnection, loading, error, retry: () => void refetch().catch(() => undefined) }}
      searchLabel="Search name or domain"
      choice={{ label: 'Industry', options: INDUSTRIES.map((i) => ({ value: i, label: i })) }}
      hrefOf={(a) => pathOf({ screen: 'account', id: a.id })}
      titleOf={(a) => a.name}
      createForm={(close) => <CreateAccountForm onCancel={close} />}
    />
  );
}

function CreateAccountForm({ onCancel }: { onCancel: () => void }) {
  const [create, { loading }] = useMutation(CreateAccountMutation);
  const [errors, setErrors] = useState<FieldErrors>(NO_FIELD_ERRORS);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const employees = integerOrText(textOf(form, 'employees'));
    if (Number.isNaN(employees)) {
      setErrors({ byField: { employees: 'Employees must be a whole number.' }, general: [] });
      return;
    }
    try {
      const { data } = await create({
        variables: { input: { name: textOf(form, 'name') ?? '', domain: textOf(form, 'domain'), industry: textOf(form, 'industry'), employees } },
      });
      if (data) navigate(pathOf({ screen: 'account', id: data.createAccount.id }));
    } catch (error) {
      setErrors(fieldErrorsOf(error, ACCOUNT_FIELDS));
    }
  }

  return (
    <form className="card create-form" onSubmit={onSubmit} aria-label="New account" noValidate>
      <h2>New account</h2>
      <div className="form-grid">
        <FormField label="Name" name="name" autoComplete="off" error={errors.byField.name} autoFocus />
        <FormField label="Domain" name="domain" autoComplete="off" placeholder="example.com" error={errors.byField.domain} />
        <FormField label="Industry" name="industry" autoComplete="off" error={errors.byField.industry} />
        <FormField label="Employees" name="employees" inputMode="numeric" autoComplete="off" error={errors.byField.employees} />
      </div>
      <FormErrors messages={errors.general} />
      <div className="actions">
        <button type="submit" className="primary" disabled={loading}>
          {loading ? 'Creating…' : 'Create account'}
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
