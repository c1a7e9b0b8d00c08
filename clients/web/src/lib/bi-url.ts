/**
 * BI tools run a tenant's named persisted queries over GET, next to the GraphQL endpoint:
 * `<api>/bi/queries/<name>?format=json|csv` (with the caller's Bearer token or API key).
 */

/** The GET URL of a named query, on the API's origin and path prefix. */
export function biQueryUrl(graphqlHttpUrl: string, name: string, format: 'json' | 'csv' = 'json'): string {
  const url = new URL(`bi/queries/${encodeURIComponent(name)}`, new URL('./', graphqlHttpUrl));
  if (format !== 'json') url.searchParams.set('format', format);
  return url.toString();
}
