/**
 * A small node:http front for Apollo Server, shared by the gateway and every subgraph.
 *
 * Routes: `GET /health` (process is up), `GET /ready` (dependencies reachable),
 * `GET|POST /graphql`. Bad JSON is a 400, an oversized body a 413, a rejected caller
 * whatever status the `context` function chose (401 for a missing gateway signature).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HeaderMap, type ApolloServer, type BaseContext } from '@apollo/server';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export interface GraphQLHttpOptions<TContext extends BaseContext> {
  server: ApolloServer<TContext>;
  /** Builds the per-request context; throw `HttpError` to refuse the request. */
  context: (req: IncomingMessage, headers: HeaderMap) => Promise<TContext>;
  /** Readiness probe used by `/ready`. Default: always ready. */
  ready?: () => Promise<boolean>;
  /** Largest request body accepted, in bytes. Default 1 MiB. */
  maxBodyBytes?: number;
  /** Extra routes tried before GraphQL (e.g. JWKS); return true when handled. */
  routes?: (req: IncomingMessage, res: ServerResponse) => Promise<boolean> | boolean;
  /** Headers added to every GraphQL response. */
  responseHeaders?: (req: IncomingMessage) => Record<string, string>;
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  const payload = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(payload), ...headers });
  res.end(payload);
}

const errorBody = (code: string, message: string) => ({ errors: [{ message, extensions: { code } }] });

async function readBody(req: IncomingMessage, limit: number): Promise<string> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) throw new HttpError(413, 'BAD_REQUEST', `Request body larger than ${limit} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new HttpError(413, 'BAD_REQUEST', `Request body larger than ${limit} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export function headerMapOf(req: IncomingMessage): HeaderMap {
  const headers = new HeaderMap();
  for (const [key, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
  }
  return headers;
}

export function createGraphQLHandler<TContext extends BaseContext>(options: GraphQLHttpOptions<TContext>) {
  const limit = options.maxBodyBytes ?? 1024 * 1024;
  return async (req: IncomingMessage, res: ServerResponse) => {
    try {
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (req.method === 'GET' && url.pathname === '/health') return sendJson(res, 200, { status: 'ok' });
      if (req.method === 'GET' && url.pathname === '/ready') {
        const ok = await (options.ready?.() ?? Promise.resolve(true)).catch(() => false);
        return sendJson(res, ok ? 200 : 503, { status: ok ? 'ready' : 'not ready' });
      }
      if (options.routes && (await options.routes(req, res))) return;
      if (url.pathname !== '/graphql') return sendJson(res, 404, errorBody('NOT_FOUND', 'Not found'));
      if (req.method !== 'GET' && req.method !== 'POST') {
        return sendJson(res, 405, errorBody('BAD_REQUEST', 'Use GET or POST'), { allow: 'GET, POST' });
      }

      const headers = headerMapOf(req);
      let body: unknown = undefined;
      if (req.method === 'POST') {
        const raw = await readBody(req, limit);
        const type = headers.get('content-type') ?? '';
        if (!type.includes('application/json') && !type.includes('application/graphql-response+json')) {
          throw new HttpError(415, 'BAD_REQUEST', 'Content-Type must be application/json');
        }
        try {
          body = raw.length ? JSON.parse(raw) : undefined;
        } catch {
          throw new HttpError(400, 'BAD_REQUEST', 'Request body is not valid JSON');
        }
        if (Array.isArray(body)) throw new HttpError(400, 'BAD_REQUEST', 'Batched requests are not supported');
        if (typeof body !== 'object' || body === null) throw new HttpError(400, 'BAD_REQUEST', 'Request body must be a JSON object');
      }

      const context = await options.context(req, headers);
      const result = await options.server.executeHTTPGraphQLRequest({
        httpGraphQLRequest: { method: req.method, headers, search: url.search, body },
        context: async () => context,
      });
      const out: Record<string, string> = { ...(options.responseHeaders?.(req) ?? {}) };
      for (const [key, value] of result.headers) out[key] = value;
      res.writeHead(result.status ?? 200, out);
      if (result.body.kind === 'complete') {
        res.end(result.body.string);
      } else {
        for await (const chunk of result.body.asyncIterator) res.write(chunk);
        res.end();
      }
    } catch (error) {
      if (res.headersSent) return res.end();
      if (error instanceof HttpError) return sendJson(res, error.status, errorBody(error.code, error.message), error.headers);
      return sendJson(res, 500, errorBody('INTERNAL_SERVER_ERROR', 'Internal server error'));
    }
  };
}

export interface Listening {
  server: Server;
  port: number;
  url: string;
  close(): Promise<void>;
}

/** Listens on `port` (0 = any free port) on 127.0.0.1 unless `host` says otherwise. */
export async function listen(handler: Parameters<typeof createServer>[1], port: number, host = '127.0.0.1'): Promise<Listening> {
  const server = createServer(handler);
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const actual = (server.address() as AddressInfo).port;
  return {
    server,
    port: actual,
    url: `http://${host}:${actual}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}
