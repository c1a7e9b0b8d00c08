/**
 * Webhook endpoints: register an HTTPS URL with the events it receives (its signing secret is
 * shown once), list them, delete one.
 */
import { useMutation, useQuery } from '@apollo/client/react';
import { useState, type FormEvent } from 'react';
import { CopyableText } from '../copy-button.tsx';
import { FormErrors, FormField, textOf } from '../form-field.tsx';
import { Empty, LoadError, Loading } from '../states.tsx';
import { fieldErrorsOf, NO_FIELD_ERRORS, type FieldErrors } from '../../lib/field-errors.ts';
import { formatDate } from '../../lib/labels.ts';
import { splitList } from '../../lib/text-list.ts';
import { useAction } from '../../lib/use-action.ts';
import { DeleteWebhookEndpointMutation, RegisterWebhookEndpointMutation, WebhookEndpointsQuery } from '../../operations.ts';

const WEBHOOK_FIELDS = ['url', 'events', 'description'] as const;

export function WebhooksSettings() {
  const { data, loading, error, refetch } = useQuery(WebhookEndpointsQuery, { fetchPolicy: 'cache-and-network' });
  const [register, registering] = useMutation(RegisterWebhookEndpointMutation);
  const [remove] = useMutation(DeleteWebhookEndpointMutation);
  const [errors, setErrors] = useState<FieldErrors>(NO_FIELD_ERRORS);
  const [secret, setSecret] = useState<{ url: string; secret: string } | null>(null);
  const action = useAction();
  const reload = () => void refetch().catch(() => undefined);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    try {
      const { data: result } = await register({
        variables: { input: { url: textOf(form, 'url') ?? '', events: splitList(textOf(form, 'events')), description: textOf(form, 'description') } },
      });
      setErrors(NO_FIELD_ERRORS);
      formElement.reset();
      if (result) setSecret({ url: result.registerWebhookEndpoint.endpoint.url, secret: result.registerWebhookEndpoint.secret });
      reload();
    } catch (failure) {
      setErrors(fieldErrorsOf(failure, WEBHOOK_FIELDS));
    }
  }

  const endpoints = data?.webhookEndpoints ?? [];
  return (
    <>
      <form className="card create-form" onSubmit={onSubmit} aria-label="New webhook" noValidate>
        <h2>New webhook</h2>
        <div className="form-grid">
          <FormField label="URL" name="url" type="url" placeholder="https://example.com/crm-events" autoComplete="off" error={errors.byField.url} />
          <FormField
            label="Events"
            name="events"
            autoComplete="off"
            defaultValue="sales.deal.*"
            hint="Comma-separated: an event type (sales.deal.stage_changed), a pattern (sales.deal.*, customer.*) or * for all."
            error={errors.byField.events}
          />
          <FormField label="Description" name="description" autoComplete="off" error={errors.byField.description} />
        </div>
        <FormErrors messages={errors.general} />
        <div className="actions">
          <button type="submit" className="primary" disabled={registering.loading}>
            {registering.loading ? 'Registering…' : 'Register webhook'}
          </button>
        </div>
      </form>
      {secret ? (
        <section className="card secret" aria-labelledby="webhook-secret" role="alert">
          <h2 id="webhook-secret">Signing secret for {secret.url}</h2>
          <p>Deliveries are signed with this secret. Copy it now: it will not be shown again.</p>
          <CopyableText text={secret.secret} label="Copy the signing secret" />
          <div className="actions">
            <button type="button" onClick={() => setSecret(null)}>
              I have stored it
            </button>
          </div>
        </section>
      ) : null}
      <section className="card" aria-labelledby="webhooks-heading">
        <h2 id="webhooks-heading">Webhooks</h2>
        {loading && !data ? (
          <Loading>Loading webhooks…</Loading>
        ) : error && !data ? (
          <LoadError error={error} onRetry={reload} />
        ) : endpoints.length === 0 ? (
          <Empty>No webhooks yet. Register an HTTPS URL to receive the events you choose, signed.</Empty>
        ) : (
          <ul className="related">
            {endpoints.map((e) => (
              <li key={e.id}>
                <code>{e.url}</code> {e.active ? null : <span className="badge">Inactive</span>}
                <p className="muted">
                  {e.events.join(', ')} · secret {e.secretHint} · since {formatDate(e.createdAt)}
                  {e.description ? ` · ${e.description}` : ''}
                </p>
                <button
                  type="button"
                  disabled={action.busy}
                  aria-label={`Delete webhook ${e.url}`}
                  onClick={() => {
                    if (window.confirm(`Delete the webhook to ${e.url}? Deliveries stop at once.`)) void action.run(async () => (await remove({ variables: { id: e.id } }), reload()));
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
    </>
  );
}
