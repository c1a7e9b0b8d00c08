/**
 * CSV files at the public edge, served by the customer subgraph:
 *
 * - `POST /imports?entity=CONTACT|ACCOUNT|LEAD[&fileName=][&delimiter=]` with the CSV as the body (`text/csv`,
 *   at most `maxUploadBytes`): 201 `{ id, status, columns, delimiter, totalRows }`, then configure
 *   and start the import over GraphQL. A file that is not CSV, not UTF-8, has broken quotes or an
 *   oversized field is refused with 400 naming the row and column (`extensions.row`, `column`).
 * - `GET /imports/<id>/errors.csv`: the import's error report (row, column, reason, the row's cells).
 * - `GET /exports/<contacts|accounts|leads>.csv?filter=<json>&orderBy=<json>&state=`: every row of
 *   a filtered list the caller may read, streamed, no row cap.
 *
 * The caller authenticates as on `/graphql` (Bearer token or API key) and is rate-limited the same
 * way; the request and the answer are streamed to and from the customer subgraph's internal route
 * with the caller's identity signed as for `/graphql`, so tenancy and role scopes are the subgraph's.
 * Errors are JSON `{ errors: [{ message, extensions: { code } }] }`.
 */
import { request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { ErrorCode, HttpError, IDENTITY_HEADER, REQUEST_ID_HEADER, signIdentity, type Identity, type Logger } from '@crm/runtime';

export const IMPORTS_ROUTE = '/imports';
export const EXPORTS_ROUTE = '/exports/';
const ERRORS_CSV = /^\/imports\/[0-9a-fA-F-]{36}\/errors\.csv$/;
const EXPORT_CSV = /^\/exports\/(contacts|accounts|leads)\.csv$/;

export interface FileRoutesOptions {
  /** The customer subgraph's GraphQL url; the internal routes live next to it. */
  customerUrl: string;
  signingSecret: string;
  /** The caller's identity from the request's credentials, as `/graphql` decides it; throws `HttpError` to refuse. */
  authenticate: (req: IncomingMessage, requestId: string) => Promise<Identity>;
  /** Counts one request against the caller's rate limits; returns headers or throws a 429 `HttpError`. */
  rateLimit?: (identity: Identity, req: IncomingMessage) => Promise<Record<string, string>>;
  logger: Logger;
  /** Largest upload, bytes. Default 50 MiB (the customer subgraph's own limit). */
  maxUploadBytes?: number;
  /** Longest wait for the subgraph to start answering, ms. Default 120 000 (a large upload is checked whole). */
  timeoutMs?: number;
}

export interface FileRoutes {
  /** The `routes` hook of the HTTP front: true when it handled the request. */
  route(req: IncomingMessage, res: ServerResponse): Promise<boolean>;
}

const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  const text = JSON.stringify(body);
  res.writeHead(status, { ...headers, 'content-type': 'application/json; charset=utf-8', 'content-length': String(Buffer.byteLength(text)) });
  res.end(text);
};

/** The internal path for a public one, or null when the path is not one of these routes. */
function internalPath(pathname: string, method: string | undefined): string | null {
  if (pathname === IMPORTS_ROUTE) {
    if (method !== 'POST') throw new HttpError(405, 'BAD_REQUEST', 'Use POST', { allow: 'POST' });
    return '/internal/imports';
  }
  if (ERRORS_CSV.test(pathname) || EXPORT_CSV.test(pathname)) {
    if (method !== 'GET') throw new HttpError(405, 'BAD_REQUEST', 'Use GET', { allow: 'GET' });
    return `/internal${pathname}`;
  }
  if (pathname.startsWith(`${IMPORTS_ROUTE}/`) || pathname.startsWith(EXPORTS_ROUTE)) throw new HttpError(404, ErrorCode.NOT_FOUND, 'Not found');
  return null;
}

export function useFileRoutes(options: FileRoutesOptions): FileRoutes {
  const origin = new URL(options.customerUrl).origin;
  const maxUpload = options.maxUploadBytes ?? 50 * 1024 * 1024;
  const timeoutMs = options.timeoutMs ?? 120_000;

  async function handle(req: IncomingMessage, res: ServerResponse, url: URL, path: string): Promise<void> {
    const requestId = req.headers[REQUEST_ID_HEADER] as string;
    const identity = await options.authenticate(req, requestId);
    if (!identity.tenantId) throw new HttpError(401, ErrorCode.UNAUTHENTICATED, 'Authentication required', { 'www-authenticate': 'Bearer' });
    const limitHeaders = (await options.rateLimit?.(identity, req)) ?? {};
    if (req.method === 'POST' && Number(req.headers['content-length'] ?? 0) > maxUpload) {
      return json(res, 413, { errors: [{ message: `The file is larger than ${maxUpload} bytes`, extensions: { code: ErrorCode.BAD_USER_INPUT, field: 'file' } }] }, { ...limitHeaders, connection: 'close' });
    }
    const headers: Record<string, string> = {
      [IDENTITY_HEADER]: signIdentity({ ...identity, requestId }, options.signingSecret),
      [REQUEST_ID_HEADER]: requestId,
    };
    if (req.method === 'POST') {
      headers['content-type'] = req.headers['content-type'] ?? 'text/csv';
      if (req.headers['content-length']) headers['content-length'] = req.headers['content-length'];
      else headers['transfer-encoding'] = 'chunked';
    }
    await new Promise<void>((resolve, reject) => {
      const upstream = httpRequest(`${origin}${path}${url.search}`, { method: req.method, headers, timeout: timeoutMs }, (answer) => {
        const out: Record<string, string> = { ...limitHeaders };
        for (const name of ['content-type', 'content-disposition', 'content-length', 'cache-control']) {
          const value = answer.headers[name];
          if (typeof value === 'string') out[name] = value;
        }
        res.writeHead(answer.statusCode ?? 502, out);
        answer.pipe(res);
        // a stream the subgraph aborted is aborted here too: a client never sees a cut-off file as whole
        answer.on('aborted', () => res.destroy());
        answer.on('error', () => res.destroy());
        res.on('close', () => {
          if (!answer.complete) answer.destroy();
          resolve();
        });
      });
      upstream.on('timeout', () => upstream.destroy(new Error('customer subgraph timed out')));
      upstream.on('error', (error) => {
        options.logger.warn({ err: error, path }, 'file route: customer subgraph unreachable');
        if (res.headersSent) {
          res.destroy();
          resolve();
        } else reject(new HttpError(502, 'SUBGRAPH_UNAVAILABLE', 'The customer service is unavailable; retry shortly', limitHeaders));
      });
      if (req.method === 'POST') {
        req.pipe(upstream);
        // a client that gives up mid-upload: the subgraph sees the request end early and stores nothing
        req.on('close', () => {
          if (!req.complete) upstream.destroy();
        });
      } else upstream.end();
    });
  }

  return {
    async route(req, res) {
      const url = new URL(req.url ?? '/', 'http://localhost');
      let path: string | null;
      try {
        path = internalPath(url.pathname, req.method);
        if (path === null) return false;
        await handle(req, res, url, path);
      } catch (error) {
        if (error instanceof HttpError && !res.headersSent) {
          json(res, error.status, { errors: [{ message: error.message, extensions: { code: error.code } }] }, error.headers);
          return true;
        }
        throw error;
      }
      return true;
    },
  };
}
