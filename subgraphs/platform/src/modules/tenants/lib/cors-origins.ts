/**
 * Validation of a tenant's CORS allowlist: each entry must be a browser origin, exactly
 * `scheme://host[:port]` (no path, query, fragment, credentials or wildcard), over `https`, or
 * `http` for a loopback host (local development). Entries are normalised the way browsers send
 * the `Origin` header (lower-case host, default port dropped) and de-duplicated.
 */
import { badInput } from '@crm/runtime';

/** Most origins one tenant may list. */
export const MAX_CORS_ORIGINS = 20;

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Why `value` is not an allowed origin, or undefined when it is one. */
export function originProblem(value: string): string | undefined {
  if (value.length > 255) return 'is longer than 255 characters';
  if (value.includes('*')) return 'may not contain wildcards; list each origin';
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'is not a URL';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'must use https';
  if (url.protocol === 'http:' && !LOOPBACK.has(url.hostname)) return 'must use https (http only for localhost)';
  if (url.username || url.password) return 'may not contain credentials';
  // `new URL` adds "/" to a bare origin; anything else is a path, query or fragment
  if (!/^[a-z][a-z0-9+.-]*:\/\/[^/?#]+\/?$/i.test(value)) return 'must be an origin (scheme://host[:port]) without path, query or fragment';
  return undefined;
}

/** The normalised, de-duplicated allowlist; BAD_USER_INPUT naming the first bad entry (`origins.<i>`). */
export function parseCorsOrigins(values: readonly string[]): string[] {
  if (values.length > MAX_CORS_ORIGINS) throw badInput(`At most ${MAX_CORS_ORIGINS} origins may be listed`, 'origins');
  const origins: string[] = [];
  values.forEach((raw, i) => {
    const value = raw.trim();
    const problem = originProblem(value);
    if (problem) throw badInput(`Origin "${value.slice(0, 100)}" ${problem}`, `origins.${i}`);
    const origin = new URL(value).origin;
    if (!origins.includes(origin)) origins.push(origin);
  });
  return origins;
}
