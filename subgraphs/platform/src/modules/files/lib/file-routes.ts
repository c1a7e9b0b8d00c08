/**
 * The platform's side of attachment uploads and downloads, behind the gateway's public routes
 * (`PUT /files/uploads/<token>`, `GET /files/<id>?sig=`), which forward here with a fresh
 * gateway signature; the upload token or download signature then says who and what.
 *
 * - `PUT /internal/files/uploads/<token>`: the body streams to storage (see `AttachmentService.receive`);
 *   200 `{ id, status: "AVAILABLE", size, sha256 }`, or `{ errors: [{ message, extensions: { code, status } }] }`
 *   with 400, 403, 404, 409, 413 (PAYLOAD_TOO_LARGE), 415, 422 (flagged by the virus scanner) or 503.
 * - `GET /internal/files/<id>?sig=<sig>`: the bytes, `content-disposition: attachment`, the stored
 *   content type, `x-content-type-options: nosniff`, no caching.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { IDENTITY_HEADER, sendJson, verifyIdentity, type Logger } from '@crm/runtime';
import { FileRefusal, type AttachmentService } from '../services/attachments.ts';

export const INTERNAL_UPLOAD_PATH = '/internal/files/uploads/';
export const INTERNAL_DOWNLOAD_PATH = '/internal/files/';

const TOKEN = /^v1\.[A-Za-z0-9_-]{1,2000}\.[A-Za-z0-9_-]{43}$/;
const DOWNLOAD = /^\/internal\/files\/([0-9a-fA-F-]{36})$/;

const problem = (code: string, message: string, extensions: Record<string, unknown> = {}) => ({ errors: [{ message, extensions: { ...extensions, code } }] });

/** `filename="<ascii>"; filename*=UTF-8''<percent-encoded>` (RFC 6266), safe for any name. */
export function contentDisposition(fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  const encoded = encodeURIComponent(fileName).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

export function createFileRoutes(options: { attachments: AttachmentService; signingSecret: string; logger: Logger }) {
  const { attachments, logger } = options;

  async function upload(req: IncomingMessage, res: ServerResponse, token: string): Promise<void> {
    const length = req.headers['content-length'];
    const contentLength = length === undefined ? null : Number(length);
    if (contentLength !== null && !Number.isSafeInteger(contentLength)) {
      sendJson(res, 400, problem('BAD_USER_INPUT', 'Invalid content-length'), { connection: 'close' });
      return;
    }
    if (!TOKEN.test(token)) {
      sendJson(res, 403, problem('FORBIDDEN', 'This upload URL is not valid'), { connection: 'close' });
      return;
    }
    try {
      const { attachment } = await attachments.receive(token, req, contentLength);
      sendJson(res, 200, { id: attachment.id, status: attachment.status, size: attachment.size, sha256: attachment.sha256 }, { 'cache-control': 'no-store' });
    } catch (error) {
      if (!(error instanceof FileRefusal)) throw error;
      // the rest of a refused body is not read: close the connection instead
      sendJson(res, error.status, problem(error.code, error.message, error.extensions), { connection: 'close', 'cache-control': 'no-store' });
    }
  }

  async function download(req: IncomingMessage, res: ServerResponse, id: string, sig: string): Promise<void> {
    let file;
    try {
      file = await attachments.openDownload(id, sig);
    } catch (error) {
      if (!(error instanceof FileRefusal)) throw error;
      sendJson(res, error.status, problem(error.code, error.message, error.extensions), { 'cache-control': 'no-store' });
      return;
    }
    res.writeHead(200, {
      'content-type': file.attachment.contentType,
      'content-length': String(file.attachment.size),
      'content-disposition': contentDisposition(file.attachment.fileName),
      'x-content-type-options': 'nosniff',
      'content-security-policy': "default-src 'none'; sandbox",
      'cache-control': 'private, no-store',
    });
    await pipeline(file.body, res).catch((error: unknown) => {
      logger.warn({ err: error, attachmentId: id }, 'download broke off');
      res.destroy();
    });
  }

  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (!url.pathname.startsWith(INTERNAL_DOWNLOAD_PATH)) return false;
    const raw = req.headers[IDENTITY_HEADER];
    if (!verifyIdentity(Array.isArray(raw) ? raw[0] : raw, options.signingSecret)) {
      sendJson(res, 401, problem('UNAUTHENTICATED', 'Requests must come through the gateway'), { connection: 'close' });
      return true;
    }
    if (url.pathname.startsWith(INTERNAL_UPLOAD_PATH)) {
      if (req.method !== 'PUT') {
        sendJson(res, 405, problem('BAD_REQUEST', 'Use PUT'), { allow: 'PUT', connection: 'close' });
        return true;
      }
      await upload(req, res, url.pathname.slice(INTERNAL_UPLOAD_PATH.length));
      return true;
    }
    const match = DOWNLOAD.exec(url.pathname);
    if (!match) {
      sendJson(res, 404, problem('NOT_FOUND', 'Not found'));
      return true;
    }
    if (req.method !== 'GET') {
      sendJson(res, 405, problem('BAD_REQUEST', 'Use GET'), { allow: 'GET' });
      return true;
    }
    await download(req, res, match[1]!, url.searchParams.get('sig') ?? '');
    return true;
  };
}
