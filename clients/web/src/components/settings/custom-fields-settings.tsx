/**
 * Custom fields of contacts, accounts and leads: define one (key, label, type, options for the
 * select types, the record type a reference points to) and archive one (its values are kept and
 * its key stays taken).
 */
import { useMutation, useQuery } from '@apollo/client/react';
import { useId, useState, type FormEvent } from 'react';
import { FormErrors, FormField, SelectField, textOf } from '../form-field.tsx';
import { Empty, LoadError, Loading } from '../states.tsx';
import type { CustomFieldEntity, CustomFieldRowFragment, CustomFieldType } from '../../gql/graphql';
import { fieldErrorsOf, NO_FIELD_ERRORS, type FieldErrors } from '../../lib/field-errors.ts';
import { enumLabel, formatDate, optionsOf } from '../../lib/labels.ts';
import { splitOptions } from '../../lib/text-list.ts';
import { useAction } from '../../lib/use-action.ts';
import { ArchiveCustomFieldDefinitionMutation, CreateCustomFieldDefinitionMutation, CustomFieldDefinitionsQuery } from '../../operations.ts';

const ENTITIES: readonly CustomFieldEntity[] = ['CONTACT', 'ACCOUNT', 'LEAD'];
const TYPES: readonly CustomFieldType[] = ['TEXT', 'NUMBER', 'CURRENCY', 'DATE', 'BOOLEAN', 'SELECT', 'MULTI_SELECT', 'URL', 'EMAIL', 'REFERENCE'];
const FIELD_FIELDS = ['key', 'label', 'type', 'required', 'options', 'referenceEntity'] as const;

export function CustomFieldsSettings() {
  const [entity, setEntity] = useState<CustomFieldEntity>('CONTACT');
  const pickerId = useId();
  return (
    <>
      <div className="field inline">
        <label htmlFor={pickerId}>Record type</label>
        <select id={pickerId} value={entity} onChange={(e) => setEntity(e.target.value as CustomFieldEntity)}>
          {ENTITIES.map((e) => (
            <option key={e} value={e}>
              {enumLabel(e)}s
            </option>
          ))}
        </select>
      </div>
      <EntityFields key={entity} entity={entity} />
    </>
  );
}

function EntityFields({ entity }: { entity: CustomFieldEntity }) {
  const { data, loading, error, refetch } = useQuery(CustomFieldDefinitionsQuery, { variables: { entity }, fetchPolicy: 'cache-and-network' });
  const [create, creating] = useMutation(CreateCustomFieldDefinitionMutation);
  const [errors, setErrors] = useState<FieldErrors>(NO_FIELD_ERRORS);
  const [type, setType] = useState<CustomFieldType>('TEXT');
  const requiredId = useId();
  const reload = () => void refetch().catch(() => undefined);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    const withOptions = type === 'SELECT' || type === 'MULTI_SELECT';
    try {
      await create({
        variables: {
          input: {
            entity,
            key: textOf(form, 'key') ?? '',
            label: textOf(form, 'label') ?? '',
            type,
            required: form.get('required') === 'on',
            options: withOptions ? splitOptions(textOf(form, 'options')) : null,
            referenceEntity: type === 'REFERENCE' ? ((textOf(form, 'referenceEntity') ?? 'CONTACT') as CustomFieldEntity) : null,
          },
        },
      });
      setErrors(NO_FIELD_ERRORS);
      formElement.reset();
      setType('TEXT');
      reload();
    } catch (failure) {
      setErrors(fieldErrorsOf(failure, FIELD_FIELDS));
    }
  }

  const fields = data?.customFieldDefinitions ?? [];
  const label = `${enumLabel(entity).toLowerCase()}s`;
  return (
    <>
      <section className="card" aria-labelledby="fields-heading">
        <h2 id="fields-heading">Custom fields of {label}</h2>
        {loading && !data ? (
          <Loading>Loading custom fields…</Loading>
        ) : error && !data ? (
          <LoadError error={error} onRetry={reload} />
        ) : fields.length === 0 ? (
          <Empty>No custom fields on {label} yet. Define one below to record what your team needs.</Empty>
        ) : (
          <div className="table-scroll">
            <table className="records" aria-label={`Custom fields of ${label}`}>
              <thead>
                <tr>
                  <th scope="col">Label</th>
                  <th scope="col">Key</th>
                  <th scope="col">Type</th>
                  <th scope="col">Required</th>
                  <th scope="col">Status</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {fields.map((f) => (
                  <FieldRow key={f.id} field={f} />
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <form className="card create-form" onSubmit={onSubmit} aria-label="New custom field" noValidate>
        <h2>New custom field</h2>
        <div className="form-grid">
          <FormField label="Label" name="label" autoComplete="off" error={errors.byField.label} />
          <FormField label="Key" name="key" autoComplete="off" placeholder="e.g. customer_tier" hint="Lower case letters, digits and _; cannot change later." error={errors.byField.key} />
          <SelectField label="Type" name="type" value={type} onChange={(e) => setType(e.target.value as CustomFieldType)} options={optionsOf(TYPES)} error={errors.byField.type} />
          {type === 'SELECT' || type === 'MULTI_SELECT' ? (
            <FormField label="Options" name="options" autoComplete="off" hint="Comma-separated, e.g. Gold, Silver, Bronze" error={errors.byField.options} />
          ) : null}
          {type === 'REFERENCE' ? <SelectField label="Points to" name="referenceEntity" options={optionsOf(ENTITIES)} error={errors.byField.referenceEntity} /> : null}
          <div className="field checkbox">
            <label htmlFor={requiredId}>
              <input id={requiredId} type="checkbox" name="required" /> Required on new records
            </label>
          </div>
        </div>
        <FormErrors messages={errors.general} />
        <div className="actions">
          <button type="submit" className="primary" disabled={creating.loading}>
            {creating.loading ? 'Creating…' : 'Create field'}
          </button>
        </div>
      </form>
    </>
  );
}

function FieldRow({ field }: { field: CustomFieldRowFragment }) {
  const [archive] = useMutation(ArchiveCustomFieldDefinitionMutation);
  const action = useAction();
  return (
    <tr>
      <th scope="row">{field.label}</th>
      <td>
        <code>{field.key}</code>
      </td>
      <td>
        {enumLabel(field.type)}
        {field.options.length > 0 ? <span className="muted"> · {field.options.join(', ')}</span> : null}
      </td>
      <td>{field.required ? 'Yes' : 'No'}</td>
      <td>{field.archivedAt ? `Archived ${formatDate(field.archivedAt)}` : 'Active'}</td>
      <td>
        {field.archivedAt ? null : (
          <button
            type="button"
            disabled={action.busy}
            aria-label={`Archive ${field.label}`}
            onClick={() => {
              if (window.confirm(`Archive “${field.label}”? It leaves records and forms; its values are kept.`)) void action.run(() => archive({ variables: { id: field.id } }));
            }}
          >
            Archive
          </button>
        )}
        {action.error ? (
          <p className="field-error" role="alert">
            {action.error}
          </p>
        ) : null}
      </td>
    </tr>
  );
}
