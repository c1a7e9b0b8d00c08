/**
 * Cache keys per caller: the caller as subgraphs see them (their whole signed identity but the
 * request id), in canonical form, hashed with what they asked. Two callers share a key only when
 * the subgraphs would see the same caller.
 */
import { createHash } from 'node:crypto';
import type { Identity } from '@crm/runtime';

/** The canonical caller text, once per identity object (one per request). */
const callers = new WeakMap<Identity, string>();

function callerText(identity: Identity): string {
  let text = callers.get(identity);
  if (text === undefined) {
    const { requestId: _requestId, ...caller } = identity;
    text = canonical(caller);
    callers.set(identity, text);
  }
  return text;
}

/** SHA-256 (hex) of the caller and `parts`, each on its own line. */
export function callerKey(identity: Identity, ...parts: string[]): string {
  const hash = createHash('sha256').update(callerText(identity));
  for (const part of parts) hash.update('\n').update(part);
  return hash.digest('hex');
}

/** JSON with object keys sorted, so equal values give equal text. */
export function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
