/**
 * A web-to-lead post's body: `application/x-www-form-urlencoded` (browser forms) or JSON (scripts),
 * as a flat map of field name to string. Repeated form fields keep the first value; JSON values
 * that are not strings, numbers or booleans are dropped.
 */
export type FormFields = Record<string, string>;

export type BodyKind = 'form' | 'json';

export function bodyKindOf(contentType: string | undefined): BodyKind | null {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'application/x-www-form-urlencoded') return 'form';
  if (type === 'application/json') return 'json';
  return null;
}

/** The fields of `raw`, or null when the body is not what its kind says. */
export function parseFormBody(kind: BodyKind, raw: string): FormFields | null {
  const fields: FormFields = Object.create(null) as FormFields;
  if (kind === 'form') {
    for (const [name, value] of new URLSearchParams(raw)) if (!(name in fields)) fields[name] = value;
    return fields;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return null;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return null;
  for (const [name, value] of Object.entries(parsed as Record<string, unknown>)) {
    if (typeof value === 'string') fields[name] = value;
    else if (typeof value === 'number' || typeof value === 'boolean') fields[name] = String(value);
  }
  return fields;
}
