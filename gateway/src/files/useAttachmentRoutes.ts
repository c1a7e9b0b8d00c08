/**
 * Attachment bytes at the public edge, stored by the platform subgraph:
 *
 * - `PUT /files/uploads/<token>`: the body of an upload URL from `createAttachmentUpload`, streamed
 *   to the platform's `/internal/files/uploads/<token>` (never buffered here). The token itself
 *   authorises the upload (no credentials needed); a body whose `content-length` exceeds the size
 *   the token grants is refused here with 413 before any byte moves.
 * - `GET /files/<id>?sig=<sig>`: a signed download URL (`Attachment.downloadUrl`), streamed from the
 *   platform's `/internal/files/<id>` with its `content-disposition: attachment`, content type and
 *   `x-content-type-options: nosniff`.
 *
 * The platform checks the token or signature; this route adds a fresh gateway signature so the
 * platform knows the request came through the edge. Both name their tenant, which `checkTenant`
 * holds to the request's browser origin (the tenant's own CORS allowlist, as on `/graphql`); a
 * forged name gains nothing, since the platform refuses the token or signature. Errors are JSON `{ errors: [{ message, extensions: { code } }] }`.
 */
import { request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { ANONYMOUS, ErrorCode, HttpError, IDENTITY_HEADER, REQUEST_ID_HEADER, signIdentity, type Logger } from '@crm/runtime';

export const FILES_ROUTE = '/files/';
const UPLOAD = /^\/files\/uploads\/(v1\.[A-Za-z0-9_-]{1,2000}\.[A-Za-z0-9_-]{43})$/;
const DOWNLOAD = /^\/files\/([0-9a-fA-F-]{36})$/;
/** Headers of the platform's answer passed to the client. */
const PASSED = ['content-type', 'content-length', 'content-disposition', 'cache-control', 'x-content-type-options', 'content-security-policy'];

export interface AttachmentRoutesOptions {
  /** The platform subgraph's GraphQL url; its internal routes live next to it. */
  platformUrl: string;
  signingSecret: string;
  logger: Logger;
  /** Longest wait for the platform to start answering, ms. Default 120 000 (a large upload is scanned whole). */
  timeoutMs?: number;
  /**
   * Refuses (throws `HttpError`) a request from a browser origin the tenant named by its token or
   * signature does not allow. Default none.
   */
  checkTenant?: (req: IncomingMessage, tenantId: string) => Promise<void>;
}

export interface AttachmentRoutes {
  /** The `routes` hook of the HTTP front: true when it handled the request. */
  route(req: IncomingMessage, res: ServerResponse): Promise<boolean>;
}

const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  const text = JSON.stringify(body);
  res.writeHead(status, { ...headers, 'content-type': 'application/json; charset=utf-8', 'content-length': String(Buffer.byteLength(text)) });
  res.end(text);
};

/** The claims of an upload token, read without checking its signature (the platform does that). */
function uploadClaims(token: string): { s?: unknown; t?: unknown } | null {
  const body = token.split('.')[1];
  if (!body) return null;
  try {
    const claims: unknown = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    return typeof claims === 'object' && claims !== null ? (claims as { s?: unknown; t?: unknown }) : null;
  } catch {
    return null;
  }
}

/** The size an upload token grants, read without checking its signature (the platform does that). */
export function grantedUploadSize(token: string): number | null {
  const size = uploadClaims(token)?.s;
  return typeof size === 'number' && Number.isSafeInteger(size) ? size : null;
}

const TENANT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The tenant an upload token (`v1.<claims>.<mac>`) or a download signature (`<tenantId>.<expiry>.<mac>`) names, unchecked. */
export function claimedTenant(credential: { uploadToken: string } | { downloadSig: string }): string | null {
  const tenantId = 'uploadToken' in credential ? uploadClaims(credential.uploadToken)?.t : credential.downloadSig.split('.')[0];
  return typeof tenantId === 'string' && TENANT_ID.test(tenantId) ? tenantId.toLowerCase() : null;
}

export function useAttachmentRoutes(options: AttachmentRoutesOptions): AttachmentRoutes {
  const origin = new URL(options.platformUrl).origin;
  const timeoutMs = options.timeoutMs ?? 120_000;

  function forward(req: IncomingMessage, res: ServerResponse, path: string, upload: boolean): Promise<void> {
    const requestId = req.headers[REQUEST_ID_HEADER] as string;
    const headers: Record<string, string> = {
      [IDENTITY_HEADER]: signIdentity(ANONYMOUS(requestId), options.signingSecret),
      [REQUEST_ID_HEADER]: requestId,
    };
    if (upload) {
      headers['content-type'] = req.headers['content-type'] ?? 'application/octet-stream';
      if (req.headers['content-length']) headers['content-length'] = req.headers['content-length'];
      else headers['transfer-encoding'] = 'chunked';
    }
    return new Promise<void>((resolve, reject) => {
      let answered = false;
      const upstream = httpRequest(`${origin}${path}`, { method: upload ? 'PUT' : 'GET', headers, timeout: timeoutMs }, (answer) => {
        answered = true;
        const out: Record<string, string> = {};
        for (const name of PASSED) {
          const value = answer.headers[name];
          if (typeof value === 'string') out[name] = value;
        }
        // the platform refused before reading the whole body: do not keep reading it either
        if (upload && !req.complete) out.connection = 'close';
        res.writeHead(answer.statusCode ?? 502, out);
        answer.pipe(res);
        // a download the platform broke off is broken off here too: a client never sees a cut file as whole
        answer.on('aborted', () => res.destroy());
        answer.on('error', () => res.destroy());
        res.on('close', () => {
          if (!answer.complete) answer.destroy();
          resolve();
        });
      });
      upstream.on('timeout', () => upstream.destroy(new Error('platform subgraph timed out')));
      upstream.on('error', (error) => {
        // a refusal answered before the whole body was sent ends the upload stream early: not a failure
        if (answered) return;
        options.logger.warn({ err: error, path: path.replace(/uploads\/.*/, 'uploads/…') }, 'files route: platform subgraph unreachable');
        if (res.headersSent) {
          res.destroy();
          resolve();
        } else reject(new HttpError(502, 'SUBGRAPH_UNAVAILABLE', 'The file service is unavailable; retry shortly'));
      });
      if (upload) {
        req.pipe(upstream);
        // a client that gives up mid-upload: the platform sees the body end early and keeps nothing
        req.on('close', () => {
          if (!req.complete) upstream.destroy();
        });
      } else upstream.end();
    });
  }

  async function handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
    const upload = UPLOAD.exec(url.pathname);
    if (upload) {
      if (req.method !== 'PUT') throw new HttpError(405, 'BAD_REQUEST', 'Use PUT', { allow: 'PUT' });
      const token = upload[1]!;
      const tenantId = claimedTenant({ uploadToken: token });
      if (tenantId) await options.checkTenant?.(req, tenantId);
      const granted = grantedUploadSize(token);
      const length = Number(req.headers['content-length'] ?? NaN);
      if (granted !== null && Number.isFinite(length) && length > granted) {
        json(res, 413, { errors: [{ message: `The upload must be exactly ${granted} bytes, not ${length}`, extensions: { code: ErrorCode.PAYLOAD_TOO_LARGE, maxBytes: granted } }] }, { connection: 'close' });
        return true;
      }
      await forward(req, res, `/internal/files/uploads/${token}`, true);
      return true;
    }
    const download = DOWNLOAD.exec(url.pathname);
    if (download) {
      if (req.method !== 'GET') throw new HttpError(405, 'BAD_REQUEST', 'Use GET', { allow: 'GET' });
      const sig = url.searchParams.get('sig') ?? '';
      const tenantId = claimedTenant({ downloadSig: sig });
      if (tenantId) await options.checkTenant?.(req, tenantId);
      await forward(req, res, `/internal/files/${download[1]!}?sig=${encodeURIComponent(sig)}`, false);
      return true;
    }
    throw new HttpError(404, ErrorCode.NOT_FOUND, 'Not found');
  }

  return {
    async route(req, res) {
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (!url.pathname.startsWith(FILES_ROUTE)) return false;
      try {
        return await handle(req, res, url);
      } catch (error) {
        if (error instanceof HttpError && !res.headersSent) {
          json(res, error.status, { errors: [{ message: error.message, extensions: { code: error.code } }] }, { ...error.headers, ...(req.method === 'PUT' ? { connection: 'close' } : {}) });
          return true;
        }
        throw error;
      }
    },
  };
}
