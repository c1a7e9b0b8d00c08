/**
 * API keys for partners and BI tools: create one (its secret is shown this once, with a copy
 * button), see when each was last used, revoke one. A persisted-only key may run registered
 * operations only.
 */
import { useMutation, useQuery } from '@apollo/client/react';
import { useId, useState, type FormEvent } from 'react';
import { CopyableText } from '../copy-button.tsx';
import { FormErrors, FormField, SelectField, textOf } from '../form-field.tsx';
import { Empty, LoadError, Loading } from '../states.tsx';
import type { ApiKeyRowFragment, Role } from '../../gql/graphql';
import { fieldErrorsOf, NO_FIELD_ERRORS, type FieldErrors } from '../../lib/field-errors.ts';
import { enumLabel, formatDate } from '../../lib/labels.ts';
import { useAction } from '../../lib/use-action.ts';
import { ApiKeysQuery, CreateApiKeyMutation, RevokeApiKeyMutation } from '../../operations.ts';
import { ROLE_OPTIONS } from './users-settings.tsx';

const KEY_FIELDS = ['name', 'role', 'expiresAt', 'persistedOnly'] as const;

export function ApiKeysSettings() {
  const { data, loading, error, refetch } = useQuery(ApiKeysQuery, { fetchPolicy: 'cache-and-network' });
  const [created, setCreated] = useState<{ name: string; key: string } | null>(null);

  return (
    <>
      <CreateApiKeyForm
        onCreated={(name, key) => {
          setCreated({ name, key });
          void refetch().catch(() => undefined);
        }}
      />
      {created ? (
        <section className="card secret" aria-labelledby="new-key-heading" role="alert">
          <h2 id="new-key-heading">API key “{created.name}” created</h2>
          <p>Copy it now and keep it somewhere safe: it will not be shown again. Send it as <code>Authorization: Bearer &lt;key&gt;</code>.</p>
          <CopyableText text={created.key} label="Copy the API key" />
          <div className="actions">
            <button type="button" onClick={() => setCreated(null)}>
              I have stored it
            </button>
          </div>
        </section>
      ) : null}
      <section className="card" aria-labelledby="keys-heading">
        <h2 id="keys-heading">API keys</h2>
        {loading && !data ? (
          <Loading>Loading API keys…</Loading>
        ) : error && !data ? (
          <LoadError error={error} onRetry={() => void refetch().catch(() => undefined)} />
        ) : (data?.apiKeys.length ?? 0) === 0 ? (
          <Empty>No API keys yet. Create one for each partner or BI tool that calls the API.</Empty>
        ) : (
          <div className="table-scroll">
            <table className="records" aria-label="API keys">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Key</th>
                  <th scope="col">Role</th>
                  <th scope="col">Persisted only</th>
                  <th scope="col">Created</th>
                  <th scope="col">Last used</th>
                  <th scope="col">Status</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {data?.apiKeys.map((k) => (
                  <ApiKeyRow key={k.id} apiKey={k} />
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </>
  );
}

function keyStatus(k: ApiKeyRowFragment): string {
  if (k.revokedAt) return `Revoked ${formatDate(k.revokedAt)}`;
  if (!k.active) return 'Expired';
  return k.expiresAt ? `Active until ${formatDate(k.expiresAt)}` : 'Active';
}

function ApiKeyRow({ apiKey }: { apiKey: ApiKeyRowFragment }) {
  const [revoke] = useMutation(RevokeApiKeyMutation);
  const action = useAction();
  return (
    <tr>
      <th scope="row">{apiKey.name}</th>
      <td>
        <code>{apiKey.prefix}…</code>
      </td>
      <td>{enumLabel(apiKey.role)}</td>
      <td>{apiKey.persistedOnly ? 'Yes' : 'No'}</td>
      <td>{formatDate(apiKey.createdAt)}</td>
      <td>{apiKey.lastUsedAt ? formatDate(apiKey.lastUsedAt) : 'Never'}</td>
      <td>{keyStatus(apiKey)}</td>
      <td>
        {apiKey.active ? (
          <button
            type="button"
            disabled={action.busy}
            onClick={() => {
              if (window.confirm(`Revoke “${apiKey.name}”? Callers using it are refused at once.`)) void action.run(() => revoke({ variables: { id: apiKey.id } }));
            }}
            aria-label={`Revoke ${apiKey.name}`}
          >
            Revoke
          </button>
        ) : null}
        {action.error ? (
          <p className="field-error" role="alert">
            {action.error}
          </p>
        ) : null}
      </td>
    </tr>
  );
}

function CreateApiKeyForm({ onCreated }: { onCreated: (name: string, key: string) => void }) {
  const [create, { loading }] = useMutation(CreateApiKeyMutation);
  const [errors, setErrors] = useState<FieldErrors>(NO_FIELD_ERRORS);
  const persistedId = useId();

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    const expires = textOf(form, 'expiresAt');
    try {
      const { data } = await create({
        variables: {
          input: {
            name: textOf(form, 'name') ?? '',
            role: (textOf(form, 'role') ?? 'SALES_REP') as Role,
            // The key stops working at the end of the chosen day (UTC).
            expiresAt: expires ? `${expires}T23:59:59.999Z` : null,
            persistedOnly: form.get('persistedOnly') === 'on',
          },
        },
      });
      setErrors(NO_FIELD_ERRORS);
      formElement.reset();
      if (data) onCreated(data.createApiKey.apiKey.name, data.createApiKey.key);
    } catch (error) {
      setErrors(fieldErrorsOf(error, KEY_FIELDS));
    }
  }

  return (
    <form className="card create-form" onSubmit={onSubmit} aria-label="New API key" noValidate>
      <h2>New API key</h2>
      <div className="form-grid">
        <FormField label="Key name" name="name" autoComplete="off" placeholder="e.g. Acme BI" error={errors.byField.name} />
        <SelectField label="Acts as" name="role" options={ROLE_OPTIONS} error={errors.byField.role} />
        <FormField label="Expires" name="expiresAt" type="date" hint="Optional" error={errors.byField.expiresAt} />
        <div className="field checkbox">
          <label htmlFor={persistedId}>
            <input id={persistedId} type="checkbox" name="persistedOnly" /> Persisted queries only
          </label>
          <p className="hint">The key may run registered operations only, never ad-hoc queries.</p>
        </div>
      </div>
      <FormErrors messages={errors.general} />
      <div className="actions">
        <button type="submit" className="primary" disabled={loading}>
          {loading ? 'Creating…' : 'Create API key'}
        </button>
      </div>
    </form>
  );
}
