/**
 * The mapping step of an uploaded import: the detected columns, which field each fills (pre-filled
 * from the API's suggestion, or from a saved mapping), the dedup policy, and a preview of the first
 * rows as they would be written. "Update preview" sends the mapping; "Start import" sends it and
 * starts. Mappings can be saved under a name for files of the same layout.
 */
import { useMutation, useQuery } from '@apollo/client/react';
import { useId, useState } from 'react';
import type { CustomFieldEntity, ImportDedupPolicy } from '../../gql/graphql';
import { errorMessage, graphQLErrorsOf } from '../../lib/api-error.ts';
import {
  DEDUP_KEY,
  fieldOptions,
  mappingFrom,
  mappingInput,
  mappingProblem,
  nounOf,
  sameMapping,
  setColumnField,
  type ImportEntityKind,
  type MappingState,
} from '../../lib/import-mapping.ts';
import { useAction } from '../../lib/use-action.ts';
import {
  ConfigureImportMutation,
  CustomFieldDefinitionsQuery,
  DeleteImportMappingMutation,
  ImportMappingsQuery,
  SaveImportMappingMutation,
  StartImportMutation,
} from '../../operations.ts';
import type { ImportJobData } from './import-job-view.tsx';

const POLICIES: ReadonlyArray<{ value: ImportDedupPolicy; label: string; hint: string }> = [
  { value: 'SKIP', label: 'Skip duplicates', hint: 'Rows that match an existing record are left out.' },
  { value: 'UPDATE', label: 'Update duplicates', hint: 'The matching record gets the row’s non-empty values.' },
  { value: 'CREATE', label: 'Create anyway', hint: 'Every row makes a new record, even when one matches.' },
];

/** The API's message for a refused mapping, naming the column of the entry at fault (`input.mapping.3`). */
function configureErrorOf(error: unknown, sent: ReadonlyArray<{ column: string }>): string {
  const message = errorMessage(error);
  const field = graphQLErrorsOf(error)[0]?.extensions?.['field'];
  const index = typeof field === 'string' ? /^input\.mapping\.(\d+)/.exec(field)?.[1] : undefined;
  const column = index !== undefined ? sent[Number(index)]?.column : undefined;
  return column && !message.includes(column) ? `Column “${column}”: ${message}` : message;
}

export function ImportMappingStep({ job }: { job: ImportJobData }) {
  const entity: ImportEntityKind = job.entity;
  const [mapping, setMapping] = useState<MappingState>(() => mappingFrom(job.columns, job.mapping));
  const [policy, setPolicy] = useState<ImportDedupPolicy>(job.dedupPolicy);
  const customFields = useQuery(CustomFieldDefinitionsQuery, { variables: { entity: entity as CustomFieldEntity } });
  const [configure] = useMutation(ConfigureImportMutation);
  const [start] = useMutation(StartImportMutation);
  const action = useAction();
  const policyName = useId();

  const options = fieldOptions(
    entity,
    customFields.data?.customFieldDefinitions ?? [],
    [...job.mapping.map((m) => m.field), ...mapping.map((m) => m.field)],
  );
  const labelOf = (field: string) => options.find((o) => o.field === field)?.label ?? field;
  const problem = mappingProblem(entity, mapping);
  const changed = !sameMapping(mappingInput(mapping), job.mapping) || policy !== job.dedupPolicy;

  async function send(): Promise<boolean> {
    const sent = mappingInput(mapping);
    try {
      await configure({ variables: { id: job.id, input: { mapping: sent, dedupPolicy: policy } } });
      return true;
    } catch (error) {
      action.setError(configureErrorOf(error, sent));
      return false;
    }
  }

  const fieldsShown = [...new Set(job.preview.flatMap((row) => row.fields.map((f) => f.field)))];
  return (
    <>
      <section className="card" aria-labelledby="import-columns">
        <h3 id="import-columns">Columns</h3>
        <p className="muted">
          {job.columns.length} columns, {job.totalRows.toLocaleString()} rows, separated by {delimiterName(job.delimiter)}. Choose the field each column fills; columns left on “Don’t import” are ignored.
        </p>
        <SavedMappings entity={entity} mapping={mapping} columns={job.columns} onApply={setMapping} />
        <div className="table-scroll">
          <table className="records import-mapping">
            <caption className="visually-hidden">Column mapping</caption>
            <thead>
              <tr>
                <th scope="col">Column in the file</th>
                <th scope="col">Imported as</th>
              </tr>
            </thead>
            <tbody>
              {mapping.map((entry) => (
                <tr key={entry.column}>
                  <td>{entry.column}</td>
                  <td>
                    <select
                      aria-label={`Field for column ${entry.column}`}
                      value={entry.field}
                      onChange={(e) => setMapping((current) => setColumnField(current, entry.column, e.target.value))}
                    >
                      <option value="">Don’t import</option>
                      {options.map((o) => (
                        <option key={o.field} value={o.field}>
                          {o.label}
                        </option>
                      ))}
                    </select>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>

      <fieldset className="card dedup-policy">
        <legend>When a row matches an existing record (by {DEDUP_KEY[entity]})</legend>
        {POLICIES.map((p) => (
          <label key={p.value} className="radio">
            <input type="radio" name={policyName} value={p.value} checked={policy === p.value} onChange={() => setPolicy(p.value)} />
            <span>
              {p.label} <span className="muted">— {p.hint}</span>
            </span>
          </label>
        ))}
      </fieldset>

      <section className="card" aria-labelledby="import-preview">
        <h3 id="import-preview">Preview</h3>
        <p className="muted">
          The first rows as they would be written{changed ? ' with the mapping as last applied: press “Update preview” to see your changes' : ''}.
        </p>
        {job.preview.length === 0 ? (
          <p className="status empty">No rows to preview.</p>
        ) : (
          <div className="table-scroll">
            <table className="records import-preview">
              <caption className="visually-hidden">Preview of the first rows</caption>
              <thead>
                <tr>
                  <th scope="col">Row</th>
                  {fieldsShown.map((field) => (
                    <th key={field} scope="col">
                      {labelOf(field)}
                    </th>
                  ))}
                  <th scope="col">Problem</th>
                </tr>
              </thead>
              <tbody>
                {job.preview.map((row) => (
                  <tr key={row.rowNumber} className={row.error ? 'has-error' : undefined}>
                    <td>{row.rowNumber}</td>
                    {fieldsShown.map((field) => (
                      <td key={field}>{row.fields.find((f) => f.field === field)?.value ?? ''}</td>
                    ))}
                    <td>{row.error ? `${row.error.column ? `${row.error.column}: ` : ''}${row.error.reason}` : ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      {problem ? <p className="warnings">{problem}</p> : null}
      {action.error ? (
        <p className="error" role="alert">
          {action.error}
        </p>
      ) : null}
      <div className="actions">
        <button type="button" disabled={action.busy || problem !== null || !changed} onClick={() => void action.run(send)}>
          Update preview
        </button>
        <button
          type="button"
          className="primary"
          disabled={action.busy || problem !== null}
          onClick={() =>
            void action.run(async () => {
              if (changed && !(await send())) return;
              await start({ variables: { id: job.id } });
            })
          }
        >
          {action.busy ? 'Working…' : `Start import of ${job.totalRows.toLocaleString()} ${nounOf(entity)}`}
        </button>
      </div>
    </>
  );
}

function delimiterName(delimiter: string): string {
  if (delimiter === ',') return 'commas';
  if (delimiter === ';') return 'semicolons';
  if (delimiter === '\t') return 'tabs';
  if (delimiter === '|') return 'vertical bars';
  return `“${delimiter}”`;
}

function SavedMappings({
  entity,
  mapping,
  columns,
  onApply,
}: {
  entity: ImportEntityKind;
  mapping: MappingState;
  columns: readonly string[];
  onApply: (mapping: MappingState) => void;
}) {
  const { data, error, refetch } = useQuery(ImportMappingsQuery, { variables: { entity }, fetchPolicy: 'cache-and-network' });
  const [save] = useMutation(SaveImportMappingMutation);
  const [remove] = useMutation(DeleteImportMappingMutation);
  const [selected, setSelected] = useState('');
  const [name, setName] = useState('');
  const action = useAction();
  const pickId = useId();
  const nameId = useId();
  const saved = data?.importMappings ?? [];
  const reload = () => void refetch().catch(() => undefined);

  return (
    <div className="saved-mappings">
      <div className="field inline">
        <label htmlFor={pickId}>Saved mapping</label>
        <select
          id={pickId}
          value={selected}
          onChange={(e) => {
            setSelected(e.target.value);
            const found = saved.find((m) => m.id === e.target.value);
            if (found) onApply(mappingFrom(columns, found.mapping));
          }}
        >
          <option value="">{error ? 'Could not load saved mappings' : saved.length === 0 ? 'None saved yet' : 'Choose…'}</option>
          {saved.map((m) => (
            <option key={m.id} value={m.id}>
              {m.name}
            </option>
          ))}
        </select>
        {selected ? (
          <button
            type="button"
            disabled={action.busy}
            onClick={() => {
              const found = saved.find((m) => m.id === selected);
              if (!found || !window.confirm(`Delete the saved mapping “${found.name}”?`)) return;
              void action.run(async () => {
                await remove({ variables: { id: found.id } });
                setSelected('');
                reload();
              });
            }}
          >
            Delete
          </button>
        ) : null}
      </div>
      <form
        className="field inline"
        onSubmit={(event) => {
          event.preventDefault();
          if (name.trim() === '') {
            action.setError('Give the mapping a name.');
            return;
          }
          void action.run(async () => {
            const result = await save({ variables: { input: { entity, name: name.trim(), mapping: mappingInput(mapping) } } });
            setName('');
            setSelected(result.data?.saveImportMapping.id ?? '');
            reload();
          });
        }}
      >
        <label htmlFor={nameId}>Save this mapping as</label>
        <input id={nameId} value={name} maxLength={100} onChange={(e) => setName(e.target.value)} placeholder="Trade fair leads" />
        <button type="submit" disabled={action.busy}>
          Save mapping
        </button>
      </form>
      {action.error ? (
        <p className="error" role="alert">
          {action.error}
        </p>
      ) : null}
    </div>
  );
}
