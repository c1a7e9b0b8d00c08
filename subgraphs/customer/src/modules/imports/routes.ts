/**
 * Internal HTTP routes of the customer subgraph for files, called by the gateway with the caller's
 * signed identity (the header that protects `/graphql`; 401 without a fresh one):
 *
 * - `POST /internal/imports?entity=CONTACT|ACCOUNT|LEAD&fileName=&delimiter=`: the raw CSV body (at most
 *   `MAX_IMPORT_BYTES`, else 413) becomes an UPLOADED import; 201 with the job, or 400 naming the
 *   row and column at fault (`extensions.field`, `row`, `column`), 403, 415 for a body that is not text.
 * - `GET /internal/imports/<id>/errors.csv`: the import's error report, streamed.
 * - `GET /internal/exports/<contacts|accounts|leads>.csv?filter=&orderBy=&state=`: a filtered list, streamed.
 *
 * Errors use the GraphQL shape `{ errors: [{ message, extensions: { code } }] }`. A failure after
 * the first bytes of a stream were sent aborts the response, so a client never mistakes a cut-off
 * file for a complete one.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AppError, IDENTITY_HEADER, sendJson, verifyIdentity, type Identity, type Logger } from '@crm/runtime';
import type { PrismaClient } from '../../__generated__/prisma/client.ts';
import type { CustomerServices } from '../../services.ts';
import { prepareExport } from '../exports/services/exports.ts';
import { MAX_IMPORT_BYTES, UploadRejected } from './services/imports.ts';

export const IMPORTS_PATH = '/internal/imports';
export const EXPORTS_PATH = '/internal/exports/';

const ERRORS_CSV = /^\/internal\/imports\/([0-9a-fA-F-]{36})\/errors\.csv$/;
const EXPORT_CSV = /^\/internal\/exports\/([a-z]+)\.csv$/;
/** Content types an upload may declare (spreadsheets label CSV in several ways). */
const TEXT_TYPES = ['text/csv', 'text/plain', 'application/csv', 'text/comma-separated-values', 'application/vnd.ms-excel', 'application/octet-stream', 'text/tab-separated-values'];

const STATUS_OF: Record<string, number> = { BAD_USER_INPUT: 400, FORBIDDEN: 403, NOT_FOUND: 404, CONFLICT: 409, UNAUTHENTICATED: 401 };

const problem = (code: string, message: string, extensions: Record<string, unknown> = {}) => ({ errors: [{ message, extensions: { ...extensions, code } }] });

class TooLarge extends Error {}

async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) throw new TooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new TooLarge();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

async function stream(res: ServerResponse, headers: Record<string, string>, chunks: AsyncIterable<string>): Promise<void> {
  const iterator = chunks[Symbol.asyncIterator]();
  const first = await iterator.next(); // failures before any byte is sent still get a JSON error
  res.writeHead(200, { 'cache-control': 'no-store', ...headers });
  try {
    if (!first.done) res.write(first.value);
    for (;;) {
      const next = await iterator.next();
      if (next.done) break;
      if (!res.write(next.value)) await new Promise((resolve) => res.once('drain', resolve));
    }
    res.end();
  } catch (error) {
    res.destroy(error instanceof Error ? error : new Error('export failed'));
    throw error;
  }
}

export interface FileRoutesOptions {
  prisma: PrismaClient;
  services: CustomerServices;
  signingSecret: string;
  logger: Logger;
}

export function createFileRoutes(options: FileRoutesOptions) {
  const { services, logger } = options;

  async function handle(req: IncomingMessage, res: ServerResponse, url: URL, identity: Identity & { tenantId: string }): Promise<void> {
    const viewer = { identity, tenantId: identity.tenantId };
    if (url.pathname === IMPORTS_PATH) {
      if (req.method !== 'POST') return sendJson(res, 405, problem('BAD_REQUEST', 'Use POST'), { allow: 'POST' });
      const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
      if (type && !TEXT_TYPES.includes(type)) {
        return sendJson(res, 415, problem('BAD_USER_INPUT', `Send the CSV file as the body with content-type text/csv, not ${type}`, { field: 'file' }));
      }
      let bytes: Buffer;
      try {
        bytes = await readBody(req, MAX_IMPORT_BYTES);
      } catch (error) {
        if (error instanceof TooLarge) return sendJson(res, 413, problem('BAD_USER_INPUT', `The file is larger than ${MAX_IMPORT_BYTES} bytes`, { field: 'file' }), { connection: 'close' });
        throw error;
      }
      const job = await services.imports.upload(viewer, {
        entity: url.searchParams.get('entity'),
        fileName: url.searchParams.get('fileName'),
        delimiter: url.searchParams.get('delimiter'),
        bytes,
      });
      return sendJson(res, 201, { id: job.id, status: job.status, columns: job.columns, delimiter: job.delimiter, totalRows: job.totalRows });
    }
    const errorsMatch = ERRORS_CSV.exec(url.pathname);
    if (errorsMatch) {
      if (req.method !== 'GET') return sendJson(res, 405, problem('BAD_REQUEST', 'Use GET'), { allow: 'GET' });
      const id = errorsMatch[1]!;
      return stream(
        res,
        { 'content-type': 'text/csv; charset=utf-8; header=present', 'content-disposition': `attachment; filename="import-${id}-errors.csv"` },
        services.imports.errorReport(viewer, id),
      );
    }
    const exportMatch = EXPORT_CSV.exec(url.pathname);
    if (exportMatch) {
      if (req.method !== 'GET') return sendJson(res, 405, problem('BAD_REQUEST', 'Use GET'), { allow: 'GET' });
      const prepared = await prepareExport(options, identity, {
        kind: exportMatch[1]!,
        filter: url.searchParams.get('filter'),
        orderBy: url.searchParams.get('orderBy'),
        state: url.searchParams.get('state'),
      });
      return stream(res, { 'content-type': 'text/csv; charset=utf-8; header=present', 'content-disposition': `attachment; filename="${prepared.fileName}"` }, prepared.rows);
    }
    return sendJson(res, 404, problem('NOT_FOUND', 'Not found'));
  }

  /** The `routes` hook of the subgraph server: true when the request was one of these routes. */
  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== IMPORTS_PATH && !url.pathname.startsWith(`${IMPORTS_PATH}/`) && !url.pathname.startsWith(EXPORTS_PATH)) return false;
    const raw = req.headers[IDENTITY_HEADER];
    const identity = verifyIdentity(Array.isArray(raw) ? raw[0] : raw, options.signingSecret);
    if (!identity || !identity.tenantId) {
      sendJson(res, 401, problem('UNAUTHENTICATED', 'Requests must come through the gateway'));
      return true;
    }
    try {
      await handle(req, res, url, { ...identity, tenantId: identity.tenantId });
    } catch (error) {
      if (res.headersSent) {
        logger.error({ err: error, path: url.pathname }, 'file route failed while streaming');
        return true;
      }
      if (error instanceof UploadRejected) {
        sendJson(res, error.status, problem(error.code, error.message, error.details));
      } else if (error instanceof AppError) {
        const code = String(error.extensions['code']);
        const { code: _code, ...extensions } = error.extensions;
        sendJson(res, STATUS_OF[code] ?? 400, problem(code, error.message, extensions));
      } else {
        logger.error({ err: error, path: url.pathname }, 'file route failed');
        sendJson(res, 500, problem('INTERNAL_SERVER_ERROR', 'Internal server error'));
      }
    }
    return true;
  };
}

type Route = (req: IncomingMessage, res: ServerResponse) => Promise<boolean> | boolean;

/** One `routes` hook from several: the first that handles the request wins. */
export function firstRoute(...routes: Route[]): Route {
  return async (req, res) => {
    for (const route of routes) if (await route(req, res)) return true;
    return false;
  };
}
