/**
 * `GET /bi/queries/<name-or-id>?variables=<json>&format=json|csv`: the tenants' named persisted
 * queries for BI tools, over cacheable GET.
 *
 * The caller authenticates as on `/graphql` (Bearer token or API key) and is rate-limited the
 * same way. The query is looked up in the caller's tenant (`persistedQuery` of the analytics
 * subgraph, through the supergraph as the caller) and runs through the gateway's own pipeline with
 * the caller's identity: operation limits, demand control, tenancy and error masking all apply.
 * It runs by hash, as an automatic persisted query, so API keys limited to persisted operations
 * can run their tenant's named queries too.
 *
 * - `format=json` (default): the GraphQL response as it is.
 * - `format=csv`: the query's first list (see `shape.ts`) as RFC 4180 CSV with a header row,
 *   following cursors through `$after` to the last page; no row cap. Pages are spooled (memory,
 *   then a temporary file) so the ETag covers them all, then streamed.
 *
 * Every success carries a strong `ETag`, `Cache-Control: private, max-age=0, must-revalidate` and
 * `Vary: Origin, Authorization, X-Api-Key` (the page's origin, and the two ways to say who asks); a matching `If-None-Match` gets 304 without a body. Errors are JSON
 * `{ errors: [{ message, extensions: { code } }] }`: 404 NOT_FOUND for an unknown query, 400
 * BAD_USER_INPUT for bad variables or format (or CSV of a query without a list), and failures of
 * the query itself with the status of their code (an exhausted cost budget: 429 RATE_LIMITED with
 * `retry-after`).
 *
 * Cached answers (`format=json`, with `cachedAnswers`): a BI tool polling a report asks the same
 * thing again and again. When the response cache holds a fresh entry for exactly this caller,
 * query and variables, and this gateway already gave that very entry to that caller through the
 * pipeline (so the same request passed operation limits, persisted-only keys and the maximum cost),
 * the answer is given from it without running the pipeline again: after authentication, rate
 * limits and the lookup, as always, the tenant's cost budget is charged the operation's estimated
 * cost (as demand control charges a cached answer), then the body and ETag kept from that first
 * answer are sent (or 304). Such answers count in `/metrics` as queries (requests, duration, cost)
 * and as response cache hits. Anything else (a miss, a stale entry, an entry this gateway has not
 * answered yet, CSV) runs through the pipeline.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApolloServer } from '@apollo/server';
import { ErrorCode, globalKey, HttpError, keyValueStore, REQUEST_ID_HEADER, type Cache, type Identity, type Logger } from '@crm/runtime';
import { API_KEY_HEADER } from '../auth/api-keys.ts';
import type { GatewayContext } from '../context.ts';
import { operationOf } from '../cost.ts';
import { budgetExhausted, type CostBudget } from '../plugins/cost-budget.ts';
import { AuthError, type Authenticator } from '../plugins/useAuth.ts';
import type { Metrics } from '../plugins/useMetrics.ts';
import type { ResponseCacheControl } from '../plugins/useResponseCache.ts';
import { parse, type DocumentNode, type GraphQLFormattedError, type GraphQLSchema } from '../graphql.ts';
import { etagOfText, ifNoneMatch } from './etag.ts';
import { createQueryLookup, LookupErrors, type StoredQuery } from './lookup.ts';
import { csvChunks, PageErrors } from './pages.ts';
import { declaresAfter, locateList } from './shape.ts';
import { DEFAULT_SPOOL_MEMORY_BYTES, Spool } from './spool.ts';

export const BI_QUERIES_PATH = '/bi/queries/';
const CACHE_CONTROL = 'private, max-age=0, must-revalidate';
/** Who asks (credentials) and from which page (CORS answers differ per origin). */
const VARY = 'Origin, Authorization, X-Api-Key';
/** Where Apollo's automatic persisted queries live in the gateway cache (`persistedQueries` in index.ts). */
const APQ_PREFIX = 'apq:';
const APQ_TTL_SECONDS = 7 * 24 * 3600;
const REF_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

export interface BiQueriesOptions {
  apollo: ApolloServer<GatewayContext>;
  /** The caller's identity from the request's credentials, as `/graphql` decides it; throws `HttpError` to refuse. */
  authenticate: (req: IncomingMessage, requestId: string) => Promise<Identity>;
  /** Counts one request against the caller's rate limits; returns headers or throws a 429 `HttpError`. */
  rateLimit?: (identity: Identity, req: IncomingMessage) => Promise<Record<string, string>>;
  /** The API schema (for the CSV columns); undefined until the supergraph is loaded. */
  schema: () => GraphQLSchema | undefined;
  /** The gateway cache holding automatic persisted queries. */
  cache: Cache;
  logger: Logger;
  /** How long a looked-up query is reused per tenant, ms. Default 5 000. */
  lookupTtlMs?: number;
  /** CSV bytes kept in memory before spooling to a temporary file. Default 8 MiB. */
  spoolMemoryBytes?: number;
  /** Answer repeated JSON reads from the response cache without the pipeline (see "Cached answers"). Default off. */
  cachedAnswers?: CachedAnswersOptions;
}

export interface CachedAnswersOptions {
  /** The gateway's response cache. */
  responseCache: Pick<ResponseCacheControl, 'cachedAnswer'>;
  /** The tenants' cost budget, the one demand control charges. */
  budget: CostBudget;
  /** Where these answers are recorded as the metrics plugin records queries through the pipeline. */
  metrics?: Pick<Metrics, 'request' | 'cost'>;
}

export interface BiQueries {
  /** The `routes` hook of the HTTP front: handles `/bi/queries/…`, returns false for anything else. */
  route(req: IncomingMessage, res: ServerResponse): Promise<boolean>;
}

type Result = { data?: unknown; errors?: readonly GraphQLFormattedError[] };
/** A JSON answer ready to send (see `bodies`). */
type Serialized = { extensions: string; body: Buffer; etag: string; estimated: number | undefined };

const STATUS_OF_CODE: Record<string, number> = {
  [ErrorCode.UNAUTHENTICATED]: 401,
  [ErrorCode.FORBIDDEN]: 403,
  [ErrorCode.NOT_FOUND]: 404,
  [ErrorCode.CONFLICT]: 409,
  [ErrorCode.BAD_USER_INPUT]: 400,
  [ErrorCode.RATE_LIMITED]: 429,
  [ErrorCode.COST_ESTIMATED_TOO_EXPENSIVE]: 400,
  [ErrorCode.PERSISTED_QUERY_NOT_FOUND]: 404,
  BAD_REQUEST: 400,
  GRAPHQL_PARSE_FAILED: 400,
  GRAPHQL_VALIDATION_FAILED: 400,
  PERSISTED_QUERY_ONLY: 403,
  SUBGRAPH_UNAVAILABLE: 502,
  DOWNSTREAM_SERVICE_ERROR: 502,
};

/** The HTTP status for failed execution: the first error's code decides. */
export function statusOfErrors(errors: readonly GraphQLFormattedError[]): number {
  const code = errors[0]?.extensions?.code;
  return (typeof code === 'string' && STATUS_OF_CODE[code]) || 500;
}

/** Errors as JSON; an exhausted cost budget also says when to retry (`retry-after`), as on `/graphql`. */
function sendErrors(res: ServerResponse, status: number, errors: readonly GraphQLFormattedError[], headers: Record<string, string>) {
  const body = JSON.stringify({ errors });
  const first = errors[0]?.extensions;
  const retryAfter = first?.code === ErrorCode.RATE_LIMITED ? first['retryAfterSeconds'] : undefined;
  res.writeHead(status, {
    ...headers,
    ...(typeof retryAfter === 'number' ? { 'retry-after': String(retryAfter) } : {}),
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(body)),
  });
  res.end(body);
}

function parseVariables(raw: string | null): Record<string, unknown> {
  if (raw === null || raw === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw new HttpError(400, ErrorCode.BAD_USER_INPUT, 'variables is not valid JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new HttpError(400, ErrorCode.BAD_USER_INPUT, 'variables must be a JSON object');
  return value as Record<string, unknown>;
}

function parseFormat(raw: string | null): 'json' | 'csv' {
  if (raw === null || raw === '' || raw === 'json') return 'json';
  if (raw === 'csv') return 'csv';
  throw new HttpError(400, ErrorCode.BAD_USER_INPUT, 'format must be json or csv');
}

function refOf(pathname: string): string {
  let ref: string;
  try {
    ref = decodeURIComponent(pathname.slice(BI_QUERIES_PATH.length));
  } catch {
    ref = '';
  }
  if (!REF_PATTERN.test(ref)) throw new HttpError(404, ErrorCode.NOT_FOUND, 'Persisted query not found');
  return ref;
}

export function useBiQueries(options: BiQueriesOptions): BiQueries {
  const { apollo, logger } = options;
  const apq = keyValueStore(options.cache, globalKey(''));
  const spoolBytes = options.spoolMemoryBytes ?? DEFAULT_SPOOL_MEMORY_BYTES;
  const parsed = new Map<string, DocumentNode>();
  /** The name of each stored query's operation by hash (null: anonymous; undefined: not one operation). */
  const operationNames = new Map<string, string | null | undefined>();
  /**
   * Bodies and ETags by answer: the response cache hands out the same `data` object until the entry
   * changes, so a cached answer is serialized and hashed once, not on every GET (the extensions,
   * e.g. the cost figures, are compared as text). An answer found here was given through the
   * pipeline to the caller whose cache entry holds that `data`; `estimated` is its operation's
   * cost (`extensions.cost`), charged again when the answer is given from the cache.
   */
  const bodies = new WeakMap<object, Serialized>();
  function serialized(result: Result & { extensions?: Record<string, unknown> }): Serialized {
    const { data } = result;
    const extensions = result.extensions ? JSON.stringify(result.extensions) : '';
    const known = data && typeof data === 'object' && !result.errors?.length ? bodies.get(data) : undefined;
    if (known && known.extensions === extensions) return known;
    const text = JSON.stringify(result);
    const estimated = (result.extensions?.['cost'] as { estimated?: unknown } | undefined)?.estimated;
    const entry = { extensions, body: Buffer.from(text, 'utf8'), etag: etagOfText(text), estimated: typeof estimated === 'number' ? estimated : undefined };
    if (data && typeof data === 'object' && !result.errors?.length) bodies.set(data, entry);
    return entry;
  }

  /** Sends a JSON answer, or 304 when the caller holds it already. */
  function sendAnswer(req: IncomingMessage, res: ServerResponse, { body, etag }: Serialized, headers: Record<string, string>): void {
    if (ifNoneMatch(req.headers['if-none-match'], etag)) return void res.writeHead(304, { ...headers, etag }).end();
    res.writeHead(200, { ...headers, etag, 'content-type': 'application/json; charset=utf-8', 'content-length': String(body.length) });
    res.end(body);
  }

  /**
   * Answers from the response cache when this gateway already gave the caller that very entry
   * through the pipeline (see "Cached answers"); false when the pipeline must answer.
   */
  async function answerFromCache(
    req: IncomingMessage,
    res: ServerResponse,
    identity: Identity,
    stored: StoredQuery,
    variables: Record<string, unknown>,
    headers: Record<string, string>,
  ): Promise<boolean> {
    const cached = options.cachedAnswers;
    if (!cached) return false;
    const started = process.hrtime.bigint();
    const operationName = operationNameOf(stored);
    if (operationName === undefined) return false;
    const read = cached.responseCache.cachedAnswer(identity, stored.sha256, operationName, variables);
    const known = read ? bodies.get(read.data) : undefined;
    if (!read || known?.estimated === undefined) return false;
    const refusal = await cached.budget.charge(identity, known.estimated);
    const seconds = () => Number(process.hrtime.bigint() - started) / 1e9;
    if (refusal) {
      cached.metrics?.request('query', ErrorCode.RATE_LIMITED, seconds());
      sendErrors(res, 429, [budgetExhausted(refusal)], headers);
      return true;
    }
    cached.metrics?.cost(known.estimated);
    read.hit();
    cached.metrics?.request('query', 'ok', seconds());
    sendAnswer(req, res, known, headers);
    return true;
  }

  async function execute(identity: Identity, request: { query?: string; variables: Record<string, unknown>; sha256?: string }): Promise<Result> {
    const response = await apollo.executeOperation(
      {
        ...(request.query !== undefined ? { query: request.query } : {}),
        variables: request.variables,
        ...(request.sha256 ? { extensions: { persistedQuery: { version: 1, sha256Hash: request.sha256 } } } : {}),
      },
      { contextValue: { identity } },
    );
    if (response.body.kind !== 'single') return { errors: [{ message: 'Incremental delivery is not supported here', extensions: { code: 'BAD_REQUEST' } }] };
    return response.body.singleResult;
  }

  /** Runs a stored query by hash, putting it in the persisted-query store when it is not there. */
  async function run(identity: Identity, stored: StoredQuery, variables: Record<string, unknown>): Promise<Result> {
    const result = await execute(identity, { variables, sha256: stored.sha256 });
    if (result.errors?.[0]?.extensions?.code !== ErrorCode.PERSISTED_QUERY_NOT_FOUND) return result;
    await apq.set(APQ_PREFIX + stored.sha256, stored.document, { ttl: APQ_TTL_SECONDS });
    return execute(identity, { variables, sha256: stored.sha256 });
  }

  const lookup = createQueryLookup({
    execute: (identity, query, variables) => execute(identity, { query, variables }),
    ...(options.lookupTtlMs !== undefined ? { ttlMs: options.lookupTtlMs } : {}),
  });

  /** The name Apollo resolves for a stored query run without an operation name. */
  function operationNameOf(stored: StoredQuery): string | null | undefined {
    if (operationNames.has(stored.sha256)) return operationNames.get(stored.sha256);
    let name: string | null | undefined;
    try {
      const operation = operationOf(documentOf(stored));
      name = operation ? (operation.name?.value ?? null) : undefined;
    } catch {
      name = undefined; // the pipeline reports it
    }
    if (operationNames.size >= 500) operationNames.clear();
    operationNames.set(stored.sha256, name);
    return name;
  }

  function documentOf(stored: StoredQuery): DocumentNode {
    let document = parsed.get(stored.sha256);
    if (!document) {
      try {
        document = parse(stored.document, { noLocation: true });
      } catch {
        throw new HttpError(400, 'GRAPHQL_PARSE_FAILED', `Persisted query "${stored.name}" no longer parses`);
      }
      if (parsed.size >= 500) parsed.clear();
      parsed.set(stored.sha256, document);
    }
    return document;
  }

  async function handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    if (req.method !== 'GET') throw new HttpError(405, 'BAD_REQUEST', 'Use GET', { allow: 'GET' });
    const ref = refOf(url.pathname);
    const variables = parseVariables(url.searchParams.get('variables'));
    const format = parseFormat(url.searchParams.get('format'));

    const requestId = req.headers[REQUEST_ID_HEADER] as string;
    const identity = await options.authenticate(req, requestId);
    if (!identity.tenantId) throw new HttpError(401, ErrorCode.UNAUTHENTICATED, 'Authentication required', { 'www-authenticate': 'Bearer' });
    const limitHeaders = (await options.rateLimit?.(identity, req)) ?? {};
    const headers: Record<string, string> = { ...limitHeaders, 'cache-control': CACHE_CONTROL, vary: VARY };

    let found: StoredQuery | null;
    try {
      found = await lookup.find({ ...identity, tenantId: identity.tenantId }, ref);
    } catch (error) {
      if (!(error instanceof LookupErrors)) throw error;
      return sendErrors(res, statusOfErrors(error.errors), error.errors, headers);
    }
    if (!found) throw new HttpError(404, ErrorCode.NOT_FOUND, `Persisted query ${ref} not found`, headers);
    const stored = found;

    if (format === 'json') {
      if (await answerFromCache(req, res, identity, stored, variables, headers)) return;
      const result = await run(identity, stored, variables);
      if (result.errors?.length && (result.data === undefined || result.data === null)) return sendErrors(res, statusOfErrors(result.errors), result.errors, headers);
      return sendAnswer(req, res, serialized(result), headers);
    }

    const schema = options.schema();
    if (!schema) throw new HttpError(503, 'BAD_REQUEST', 'The gateway is starting; retry shortly', { ...headers, 'retry-after': '1' });
    const document = documentOf(stored);
    const location = locateList(schema, document);
    if (!location) {
      throw new HttpError(400, ErrorCode.BAD_USER_INPUT, `Persisted query "${stored.name}" selects no list, so it has no CSV form; ask for format=json`, headers);
    }
    const spool = new Spool(spoolBytes);
    try {
      try {
        for await (const chunk of csvChunks({ location, variables, followCursors: declaresAfter(document), run: (page) => run(identity, stored, page) })) {
          await spool.write(chunk);
        }
      } catch (error) {
        if (error instanceof PageErrors) return sendErrors(res, statusOfErrors(error.errors), error.errors, headers);
        throw error;
      }
      const etag = spool.etag();
      if (ifNoneMatch(req.headers['if-none-match'], etag)) return void res.writeHead(304, { ...headers, etag }).end();
      res.writeHead(200, {
        ...headers,
        etag,
        'content-type': 'text/csv; charset=utf-8; header=present',
        'content-disposition': `attachment; filename="${stored.name}.csv"`,
        'content-length': String(spool.size),
      });
      await spool.pipeTo(res);
    } finally {
      await spool.dispose().catch((error: unknown) => logger.warn({ err: error }, 'could not remove a CSV spool file'));
    }
  }

  return {
    async route(req, res) {
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (!url.pathname.startsWith(BI_QUERIES_PATH)) return false;
      await handle(req, res, url);
      return true;
    },
  };
}

/** `authenticate` for {@link useBiQueries}: the credentials `/graphql` accepts, refused the same way. */
export function authenticateWith(auth: Authenticator): BiQueriesOptions['authenticate'] {
  return async (req, requestId) => {
    try {
      return await auth.authenticate({ authorization: req.headers.authorization, [API_KEY_HEADER]: req.headers[API_KEY_HEADER] }, requestId);
    } catch (error) {
      if (error instanceof AuthError) throw auth.httpError(error);
      throw error;
    }
  };
}
