/**
 * A record field that can be edited in place: shows the value with an Edit button; editing
 * shows an input, Enter (or Save) saves, Escape (or Cancel) gives up. The API's validation
 * message for the field is shown under the input.
 */
import { useId, useState, type FormEvent, type KeyboardEvent } from 'react';

export interface InlineFieldProps {
  label: string;
  name: string;
  value: string | null | undefined;
  type?: 'text' | 'email' | 'tel' | 'number' | 'url' | 'date';
  /** Saves the new value; resolves to an error message to show, or null when saved. */
  onSave: (value: string) => Promise<string | null>;
  /** Options make it a select instead of a text input. */
  options?: ReadonlyArray<{ value: string; label: string }>;
  display?: (value: string) => string;
}

export function InlineField({ label, name, value, type = 'text', onSave, options, display }: InlineFieldProps) {
  const [editing, setEditing] = useState(false);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const id = useId();

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const raw = new FormData(event.currentTarget).get(name);
    const next = typeof raw === 'string' ? raw.trim() : '';
    if (next === (value ?? '')) {
      setEditing(false);
      return;
    }
    setSaving(true);
    const message = await onSave(next);
    setSaving(false);
    setError(message);
    if (!message) setEditing(false);
  }

  function onKeyDown(event: KeyboardEvent) {
    if (event.key === 'Escape') {
      setEditing(false);
      setError(null);
    }
  }

  const shown = value ? (display ? display(value) : value) : '—';
  return (
    <div className="inline-field">
      <dt id={`${id}-label`}>{label}</dt>
      <dd>
        {editing ? (
          <form onSubmit={submit} onKeyDown={onKeyDown} className="inline-form" noValidate>
            {options ? (
              <select name={name} defaultValue={value ?? ''} aria-labelledby={`${id}-label`} autoFocus aria-invalid={error ? true : undefined}>
                {options.map((o) => (
                  <option key={o.value} value={o.value}>
                    {o.label}
                  </option>
                ))}
              </select>
            ) : (
              <input
                name={name}
                type={type}
                defaultValue={value ?? ''}
                aria-labelledby={`${id}-label`}
                aria-invalid={error ? true : undefined}
                aria-describedby={error ? `${id}-error` : undefined}
                autoFocus
              />
            )}
            <button type="submit" className="primary" disabled={saving}>
              {saving ? 'Saving…' : 'Save'}
            </button>
            <button type="button" onClick={() => (setEditing(false), setError(null))}>
              Cancel
            </button>
            {error ? (
              <p id={`${id}-error`} className="field-error" role="alert">
                {error}
              </p>
            ) : null}
          </form>
        ) : (
          <>
            <span className="value">{shown}</span>{' '}
            <button type="button" className="link-button" onClick={() => setEditing(true)} aria-label={`Edit ${label.toLowerCase()}`}>
              Edit
            </button>
          </>
        )}
      </dd>
    </div>
  );
}
