/** Leads: searchable, filterable by status, sortable, page by page; and a form to add one. */
import { useMutation, useQuery } from '@apollo/client/react';
import { useState, type FormEvent } from 'react';
import { FormErrors, FormField, textOf } from '../components/form-field.tsx';
import { useListView } from '../components/list-view-tools.tsx';
import { LIST_QUERY_POLICY, RecordListScreen } from '../components/record-list-screen.tsx';
import type { ListColumn } from '../components/record-list.tsx';
import type { LeadRowFragment, LeadSortField } from '../gql/graphql';
import { fieldErrorsOf, NO_FIELD_ERRORS, type FieldErrors } from '../lib/field-errors.ts';
import { enumLabel, formatDate, LEAD_STATUSES, optionsOf } from '../lib/labels.ts';
import { pageVariables, searchFilter, type ListState } from '../lib/list-query.ts';
import { navigate, pathOf } from '../lib/route.ts';
import { CreateLeadMutation, LeadsQuery } from '../operations.ts';

const INITIAL: ListState<LeadSortField> = { search: '', choice: '', sort: { field: 'CREATED_AT', direction: 'DESC' }, page: null };

const COLUMNS: ReadonlyArray<ListColumn<LeadRowFragment, LeadSortField>> = [
  { key: 'name', label: 'Name', sortField: 'NAME', render: (l) => l.name },
  { key: 'company', label: 'Company', sortField: 'COMPANY', render: (l) => l.company ?? '—' },
  { key: 'email', label: 'Email', sortField: 'EMAIL', render: (l) => l.email ?? '—' },
  { key: 'status', label: 'Status', sortField: 'STATUS', render: (l) => enumLabel(l.status) },
  { key: 'score', label: 'Score', sortField: 'SCORE', render: (l) => l.score },
  { key: 'created', label: 'Created', sortField: 'CREATED_AT', render: (l) => formatDate(l.createdAt) },
];

const LEAD_FIELDS = ['name', 'email', 'company', 'source'] as const;

export function LeadsScreen() {
  const view = useListView('leads', INITIAL, COLUMNS);
  const { state } = view;
  const filter = searchFilter(state.search, ['name', 'company', 'email'], state.choice ? [{ status: { eq: state.choice } }] : []);
  const { data, previousData, loading, error, refetch } = useQuery(LeadsQuery, { variables: { ...pageVariables(state.page), filter, orderBy: [state.sort] }, ...LIST_QUERY_POLICY });
  return (
    <RecordListScreen
      kind="leads"
      title="Leads"
      newLabel="New lead"
      view={view}
      filter={filter}
      result={{ page: (data ?? previousData)?.leadsConnection, loading, error, retry: () => void refetch().catch(() => undefined) }}
      searchLabel="Search name, company or email"
      choice={{ label: 'Status', options: optionsOf(LEAD_STATUSES) }}
      hrefOf={(l) => pathOf({ screen: 'lead', id: l.id })}
      titleOf={(l) => l.name}
      createForm={(close) => <CreateLeadForm onCancel={close} />}
    />
  );
}

function CreateLeadForm({ onCancel }: { onCancel: () => void }) {
  const [create, { loading }] = useMutation(CreateLeadMutation);
  const [errors, setErrors] = useState<FieldErrors>(NO_FIELD_ERRORS);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    try {
      const { data } = await create({
        variables: { input: { name: textOf(form, 'name') ?? '', email: textOf(form, 'email'), company: textOf(form, 'company'), source: textOf(form, 'source') } },
      });
      if (data) navigate(pathOf({ screen: 'lead', id: data.createLead.id }));
    } catch (error) {
      setErrors(fieldErrorsOf(error, LEAD_FIELDS));
    }
  }

  return (
    <form className="card create-form" onSubmit={onSubmit} aria-label="New lead" noValidate>
      <h2>New lead</h2>
      <div className="form-grid">
        <FormField label="Name" name="name" autoComplete="off" error={errors.byField.name} autoFocus />
        <FormField label="Email" name="email" type="email" autoComplete="off" error={errors.byField.email} />
        <FormField label="Company" name="company" autoComplete="off" error={errors.byField.company} />
        <FormField label="Source" name="source" autoComplete="off" placeholder="web, referral, event…" error={errors.byField.source} />
      </div>
      <FormErrors messages={errors.general} />
      <div className="actions">
        <button type="submit" className="primary" disabled={loading}>
          {loading ? 'Creating…' : 'Create lead'}
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
