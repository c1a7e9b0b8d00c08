/**
 * CSV files to and from the API, next to the GraphQL endpoint (same origin and path prefix):
 * `POST <api>/imports?entity=…` uploads a file to import, `GET <api>/imports/<id>/errors.csv` is an
 * import's error report and `GET <api>/exports/<contacts|accounts|leads>.csv?filter=…&orderBy=…`
 * a filtered list. These routes take the session's Bearer token like `/graphql`, so the browser
 * cannot follow a plain link: the app fetches the file with the token and saves it from a blob URL.
 */

export type ExportKind = 'contacts' | 'accounts' | 'leads';

/** An API route's absolute URL from a path of the gateway (`/imports/…`). */
export function apiFileUrl(graphqlHttpUrl: string, path: string): string {
  return new URL(path.replace(/^\/+/, ''), new URL('./', graphqlHttpUrl)).toString();
}

export function uploadUrl(graphqlHttpUrl: string, entity: string, fileName: string): string {
  const url = new URL(apiFileUrl(graphqlHttpUrl, '/imports'));
  url.searchParams.set('entity', entity);
  if (fileName) url.searchParams.set('fileName', fileName);
  return url.toString();
}

/** The export of a list as filtered and sorted on screen (no filter: the whole list). */
export function exportUrl(graphqlHttpUrl: string, kind: ExportKind, filter: object | undefined, orderBy: readonly object[] | undefined): string {
  const url = new URL(apiFileUrl(graphqlHttpUrl, `/exports/${kind}.csv`));
  if (filter) url.searchParams.set('filter', JSON.stringify(filter));
  if (orderBy && orderBy.length > 0) url.searchParams.set('orderBy', JSON.stringify(orderBy));
  return url.toString();
}

/** The file name a response gives (`Content-Disposition: attachment; filename="…"`), else `fallback`. */
export function fileNameOf(contentDisposition: string | null, fallback: string): string {
  if (!contentDisposition) return fallback;
  const star = /filename\*\s*=\s*(?:UTF-8'')?([^;]+)/i.exec(contentDisposition);
  if (star?.[1]) {
    try {
      return safeName(decodeURIComponent(star[1].trim().replace(/^"|"$/g, '')), fallback);
    } catch {
      // malformed percent-encoding: try the plain parameter
    }
  }
  const plain = /filename\s*=\s*("([^"]*)"|[^;]+)/i.exec(contentDisposition);
  return safeName((plain?.[2] ?? plain?.[1] ?? '').trim(), fallback);
}

function safeName(name: string, fallback: string): string {
  const cleaned = name.replace(/[/\\]/g, '_').trim();
  return cleaned === '' ? fallback : cleaned;
}

/** `contacts-2026-11-26.csv` */
export function datedFileName(stem: string, now: Date): string {
  return `${stem}-${now.toISOString().slice(0, 10)}.csv`;
}

/** A refused file request: the API's message and code. */
export class FileRequestError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string | null,
    readonly field: string | null = null,
  ) {
    super(message);
    this.name = 'FileRequestError';
  }
}

/** The error of a failed response, in the API's words when it gave some. */
export function fileRequestError(status: number, bodyText: string): FileRequestError {
  try {
    const body = JSON.parse(bodyText) as { errors?: Array<{ message?: unknown; extensions?: { code?: unknown; field?: unknown } }> };
    const first = body.errors?.[0];
    if (first && typeof first.message === 'string' && first.message !== '') {
      const code = typeof first.extensions?.code === 'string' ? first.extensions.code : null;
      const field = typeof first.extensions?.field === 'string' ? first.extensions.field : null;
      return new FileRequestError(first.message, status, code, field);
    }
  } catch {
    // not JSON: fall through to a sentence by status
  }
  if (status === 401) return new FileRequestError('Your sign-in has expired. Sign in again.', status, 'UNAUTHENTICATED');
  if (status === 403) return new FileRequestError('You may not do this.', status, 'FORBIDDEN');
  if (status === 404) return new FileRequestError('The file was not found.', status, 'NOT_FOUND');
  if (status === 413) return new FileRequestError('The file is too large (at most 50 MB).', status, 'BAD_USER_INPUT', 'file');
  if (status === 429) return new FileRequestError('Too many requests. Wait a moment and try again.', status, 'RATE_LIMITED');
  return new FileRequestError(`The server answered with status ${status}. Please try again.`, status, null);
}

export interface UploadedImport {
  id: string;
  columns: string[];
  delimiter: string;
  totalRows: number;
}

export interface FileRequestDeps {
  fetch: typeof fetch;
  /** `Authorization` header value of the session. */
  authorization: string;
}

async function send(deps: FileRequestDeps, url: string, init: RequestInit): Promise<Response> {
  let response: Response;
  try {
    response = await deps.fetch(url, { ...init, headers: { ...(init.headers as Record<string, string>), authorization: deps.authorization } });
  } catch {
    throw new FileRequestError('Cannot reach the server. Check your connection and try again.', 0, null);
  }
  if (!response.ok) throw fileRequestError(response.status, await response.text().catch(() => ''));
  return response;
}

/** Uploads a CSV file to import; resolves to the new import, or rejects with the API's reason. */
export async function uploadCsv(deps: FileRequestDeps, url: string, file: Blob): Promise<UploadedImport> {
  const response = await send(deps, url, { method: 'POST', headers: { 'content-type': 'text/csv' }, body: file });
  return (await response.json()) as UploadedImport;
}

/** Fetches a file; resolves to its content and name. */
export async function downloadFile(deps: FileRequestDeps, url: string, fallbackName: string): Promise<{ blob: Blob; fileName: string }> {
  const response = await send(deps, url, { method: 'GET' });
  return { blob: await response.blob(), fileName: fileNameOf(response.headers.get('content-disposition'), fallbackName) };
}

/** Hands a blob to the browser as a download named `fileName`. */
export function saveBlob(blob: Blob, fileName: string): void {
  const href = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = href;
  link.download = fileName;
  link.style.display = 'none';
  document.body.append(link);
  link.click();
  link.remove();
  // The download has started from the click; the URL can go once the browser has read it.
  setTimeout(() => URL.revokeObjectURL(href), 60_000);
}
