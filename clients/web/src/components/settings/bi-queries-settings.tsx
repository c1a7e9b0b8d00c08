/**
 * Named persisted queries for BI tools: register one (a name and one GraphQL query), list them
 * with the GET URLs a BI tool calls (JSON or CSV), delete one.
 */
import { useMutation, useQuery } from '@apollo/client/react';
import { useState, type FormEvent } from 'react';
import { CopyableText } from '../copy-button.tsx';
import { FormErrors, FormField, textOf } from '../form-field.tsx';
import { Empty, LoadError, Loading } from '../states.tsx';
import { graphqlHttpUrl } from '../../environment.ts';
import { biQueryUrl } from '../../lib/bi-url.ts';
import { fieldErrorsOf, NO_FIELD_ERRORS, type FieldErrors } from '../../lib/field-errors.ts';
import { formatDate } from '../../lib/labels.ts';
import { useAction } from '../../lib/use-action.ts';
import { DeletePersistedQueryMutation, PersistedQueriesQuery, RegisterPersistedQueryMutation } from '../../operations.ts';

const QUERY_FIELDS = ['name', 'document'] as const;
const EXAMPLE = `query OpenDeals($after: String) {
  deals(pipelineId: "<pipeline id>", first: 500) { id name amount currency stage { name } }
}`;

export function BiQueriesSettings() {
  const { data, loading, error, refetch } = useQuery(PersistedQueriesQuery, { fetchPolicy: 'cache-and-network' });
  const [register, registering] = useMutation(RegisterPersistedQueryMutation);
  const [remove] = useMutation(DeletePersistedQueryMutation);
  const [errors, setErrors] = useState<FieldErrors>(NO_FIELD_ERRORS);
  const action = useAction();
  const reload = () => void refetch().catch(() => undefined);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    try {
      await register({ variables: { input: { name: textOf(form, 'name') ?? '', document: textOf(form, 'document') ?? '' } } });
      setErrors(NO_FIELD_ERRORS);
      formElement.reset();
      reload();
    } catch (failure) {
      setErrors(fieldErrorsOf(failure, QUERY_FIELDS));
    }
  }

  const queries = data?.persistedQueries.edges.map((e) => e.node) ?? [];
  return (
    <>
      <section className="card" aria-labelledby="bi-heading">
        <h2 id="bi-heading">BI queries</h2>
        <p className="muted">BI tools (Power BI, Tableau, Looker, Metabase) call these URLs with GET and an API key as the Bearer token.</p>
        {loading && !data ? (
          <Loading>Loading BI queries…</Loading>
        ) : error && !data ? (
          <LoadError error={error} onRetry={reload} />
        ) : queries.length === 0 ? (
          <Empty>No BI queries yet. Register a named query below, then give its URL to your BI tool.</Empty>
        ) : (
          <ul className="related bi-queries">
            {queries.map((q) => (
              <li key={q.id}>
                <strong>{q.name}</strong>{' '}
                <span className="muted">
                  · {q.operationName ?? 'anonymous'} · {q.paginates ? 'pages through $after' : 'one page'} · {formatDate(q.createdAt)}
                </span>
                <CopyableText text={biQueryUrl(graphqlHttpUrl, q.name)} label={`Copy the JSON URL of ${q.name}`} />
                <CopyableText text={biQueryUrl(graphqlHttpUrl, q.name, 'csv')} label={`Copy the CSV URL of ${q.name}`} />
                <button
                  type="button"
                  disabled={action.busy}
                  aria-label={`Delete ${q.name}`}
                  onClick={() => {
                    if (window.confirm(`Delete “${q.name}”? BI tools using its URL get 404.`)) void action.run(async () => (await remove({ variables: { id: q.id } }), reload()));
                  }}
                >
                  Delete
                </button>
              </li>
            ))}
          </ul>
        )}
        {action.error ? (
          <p className="error" role="alert">
            {action.error}
          </p>
        ) : null}
      </section>
      <form className="card create-form" onSubmit={onSubmit} aria-label="New BI query" noValidate>
        <h2>New BI query</h2>
        <FormField label="Query name" name="name" autoComplete="off" placeholder="e.g. open-deals" hint="Letters, digits, . _ and -; it is part of the URL." error={errors.byField.name} />
        <div className="field">
          <label htmlFor="bi-document">GraphQL query</label>
          <textarea
            id="bi-document"
            name="document"
            rows={6}
            placeholder={EXAMPLE}
            spellCheck={false}
            aria-invalid={errors.byField.document ? true : undefined}
            aria-describedby={errors.byField.document ? 'bi-document-error' : undefined}
          />
          {errors.byField.document ? (
            <p id="bi-document-error" className="field-error">
              {errors.byField.document}
            </p>
          ) : null}
        </div>
        <FormErrors messages={errors.general} />
        <div className="actions">
          <button type="submit" className="primary" disabled={registering.loading}>
            {registering.loading ? 'Registering…' : 'Register query'}
          </button>
        </div>
      </form>
    </>
  );
}
