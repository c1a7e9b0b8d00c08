/**
 * How the gateway talks to subgraphs.
 *
 * Every subgraph request carries exactly two identity headers the gateway sets itself:
 * `x-crm-identity` (the caller's verified identity, HMAC-signed with the shared secret, which
 * subgraphs check before running anything) and `x-request-id`. Client headers are never forwarded;
 * anything identity-like that reaches the outgoing request is removed first.
 *
 * Identical queries in flight at the same time for the same caller (tenant, user, roles) share one
 * subgraph request: each gets its own copy of the answer, parsed from the shared response text.
 * Mutations are never shared.
 *
 * Entity fetches of records that change only with an event (accounts, contacts, users) may be
 * answered from the entity cache (`cache/entity-cache.ts`) when the same caller asked the same
 * before; a mutation sent to a subgraph drops the tenant's entities kept from it.
 *
 * A subgraph that cannot be reached does not fail the whole operation: its part of the result is
 * null and the response carries an error `Subgraph <name> is unavailable`
 * (`extensions.code` SUBGRAPH_UNAVAILABLE, `extensions.serviceName` <name>).
 */
import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { ANONYMOUS, IDENTITY_HEADER, injectTraceContext, REQUEST_ID_HEADER, signIdentity, type Identity, type Logger } from '@crm/runtime';
import { Kind, type GraphQLFormattedError, type OperationTypeNode } from '../graphql.ts';
import type { GatewayContext } from '../context.ts';
import { dedupeRepresentations, expandEntities } from '../entity-dedup.ts';
import type { EntityCache } from '../cache/entity-cache.ts';
import { SubgraphHttpClient, SubgraphUnreachableError, type SubgraphHttpOptions, type SubgraphHttpResponse } from '../subgraph-http.ts';

export const SUBGRAPH_UNAVAILABLE = 'SUBGRAPH_UNAVAILABLE';

export interface IdentityForwardingOptions {
  /** HMAC secret shared with the subgraphs (see `signIdentity` in @crm/runtime). */
  signingSecret: string;
  logger: Logger;
  /** Keep-alive pool and timeout per subgraph. Defaults: see `SubgraphHttpOptions`. */
  http?: SubgraphHttpOptions;
  /** How long one signature is reused within a request, ms. Default 10 000 (subgraphs accept 60 000). */
  signatureReuseMs?: number;
  /** Share identical in-flight subgraph queries of the same caller. Default true. */
  dedupeInflight?: boolean;
  /** Told the duration and outcome of every subgraph request (metrics). */
  onFetch?: (subgraph: string, seconds: number, outcome: 'ok' | 'error' | 'unavailable') => void;
  /** Entity fetches kept between operations (see `cache/entity-cache.ts`); none when absent. */
  entityCache?: EntityCache;
}

type ProcessOptions = GraphQLDataSourceProcessOptions<GatewayContext>;
type SubgraphResult = Awaited<ReturnType<RemoteGraphQLDataSource<GatewayContext>['process']>>;

/** Headers a client could use to pose as someone else; removed from every subgraph request. */
const IDENTITY_LIKE = /^(x-crm-|x-tenant|x-user|x-roles)|^(authorization|proxy-authorization|cookie|x-request-id|forwarded|x-forwarded-for)$/i;

interface Signature {
  value: string;
  at: number;
}

/** The data source of one subgraph. */
export class IdentityForwardingDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  private readonly client: SubgraphHttpClient;
  private readonly signatures = new WeakMap<object, Signature>();
  private readonly inflight = new Map<string, Promise<SubgraphHttpResponse>>();

  constructor(
    readonly name: string,
    url: string,
    private readonly options: IdentityForwardingOptions,
  ) {
    super({ url });
    this.client = new SubgraphHttpClient(url, options.http);
  }

  /** Replaces anything identity-like on the outgoing request with the gateway's own headers. */
  override willSendRequest({ request, context }: ProcessOptions): void {
    const headers = request.http?.headers;
    if (!headers) return;
    const names: string[] = [];
    for (const [name] of headers) if (IDENTITY_LIKE.test(name)) names.push(name);
    for (const name of names) headers.delete(name);
    const identity = identityOf(context);
    headers.set(IDENTITY_HEADER, this.sign(identity, context));
    headers.set(REQUEST_ID_HEADER, identity.requestId);
    // W3C traceparent of Apollo Gateway's `gateway.fetch` span (nothing when tracing is off)
    injectTraceContext(headers);
  }

  /**
   * Sends one subgraph request over the keep-alive pool. Only the GraphQL payload is sent
   * (query, variables, operationName, extensions); headers are the ones `willSendRequest` leaves.
   */
  override async process(options: ProcessOptions): Promise<SubgraphResult> {
    const { request } = options;
    if (!request.query) throw new Error('Missing query');
    request.http = { method: 'POST', url: this.url, headers: new Headers({ 'content-type': 'application/json' }) };
    this.willSendRequest(options);

    const headers: Record<string, string> = {};
    for (const [name, value] of request.http.headers) headers[name] = value;
    const representations = request.variables?.representations;
    const deduped = Array.isArray(representations) ? dedupeRepresentations(representations) : null;
    const body = JSON.stringify({
      query: request.query,
      variables: deduped ? { ...request.variables, representations: deduped.unique } : request.variables,
      ...(request.operationName ? { operationName: request.operationName } : {}),
      ...(request.extensions ? { extensions: request.extensions } : {}),
    });

    const identity = identityOf(options.context);
    const operationType = operationTypeOf(options);
    const entities = this.options.entityCache;
    // a write drops the tenant's entities kept from this subgraph before it is sent, and again once
    // answered (reads racing it are refused); other subgraphs learn of its effects from events
    const written = operationType === 'mutation' && identity.tenantId ? { tenantId: identity.tenantId, subgraph: this.name } : undefined;
    if (written) entities?.invalidate(written);
    const cacheKey = operationType === 'query' ? entities?.keyOf(this.name, identity, request.query, deduped?.unique ?? representations, body) : undefined;
    const kept = cacheKey ? entities!.get(this.name, cacheKey) : undefined;
    if (kept) {
      const result = this.interpret(kept.status, kept.contentType, kept.body, options);
      return deduped ? expandEntities(result, deduped) : result;
    }
    const token = entities?.token() ?? 0;

    let response;
    const started = performance.now();
    const observe = (outcome: 'ok' | 'error' | 'unavailable') => this.options.onFetch?.(this.name, (performance.now() - started) / 1000, outcome);
    try {
      response = await this.send(body, headers, operationType === 'query', identity);
      observe(response.status >= 200 && response.status < 300 ? 'ok' : 'error');
      if (cacheKey) entities!.set(this.name, cacheKey, identity.tenantId!, response, token);
      if (written) entities?.invalidate(written);
    } catch (error) {
      observe('unavailable');
      if (!(error instanceof SubgraphUnreachableError)) throw error;
      this.options.logger.warn({ subgraph: this.name, reason: error.reason, err: error.cause, requestId: identity.requestId }, 'subgraph unreachable');
      return unavailable(this.name, error.reason === 'timeout' ? 'did not respond in time' : 'is unavailable');
    }
    const result = this.interpret(response.status, response.contentType, response.body, options);
    return deduped ? expandEntities(result, deduped) : result;
  }

  /** Posts a request, or joins an identical query of the same caller already in flight. */
  private send(body: string, headers: Record<string, string>, query: boolean, identity: Identity): Promise<SubgraphHttpResponse> {
    if (!query || this.options.dedupeInflight === false) return this.client.post(body, headers, query);
    const key = `${identity.tenantId}|${identity.userId}|${identity.roles.join(',')}|${body}`;
    const pending = this.inflight.get(key);
    if (pending) return pending;
    const request = this.client.post(body, headers, query).finally(() => this.inflight.delete(key));
    this.inflight.set(key, request);
    return request;
  }

  /** Closes the idle keep-alive sockets. */
  close(): void {
    this.client.close();
  }

  private interpret(status: number, contentType: string, text: string, options: ProcessOptions): SubgraphResult {
    const json = contentType.includes('json') ? parseJson(text) : undefined;
    const requestId = identityOf(options.context).requestId;
    if (status >= 200 && status < 300 && json) return json;
    if (status === 502 || status === 503 || status === 504) return unavailable(this.name, 'is unavailable');
    if (status === 401 || status === 403) {
      // Our own signature was refused: a configuration problem, never the caller's fault.
      this.options.logger.error({ subgraph: this.name, status, requestId }, 'subgraph refused the gateway signature; check GATEWAY_SIGNING_SECRET');
      return internal(this.name);
    }
    if (json?.errors?.length) return { errors: json.errors };
    this.options.logger.error({ subgraph: this.name, status, requestId, body: text.slice(0, 500) }, 'unexpected subgraph response');
    return internal(this.name);
  }

  private sign(identity: Identity, context: object | undefined): string {
    const now = Date.now();
    const memo = context ? this.signatures.get(context) : undefined;
    if (memo && now - memo.at < (this.options.signatureReuseMs ?? 10_000)) return memo.value;
    const value = signIdentity(identity, this.options.signingSecret, now);
    if (context) this.signatures.set(context, { value, at: now });
    return value;
  }
}

/** Health checks and schema loads run without a caller; they act as an anonymous system request. */
function identityOf(context: Partial<GatewayContext> | undefined): Identity {
  return context?.identity ?? ANONYMOUS('gateway');
}

function operationTypeOf(options: ProcessOptions): OperationTypeNode | undefined {
  if ('document' in options && options.document) {
    const definition = options.document.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION);
    return definition?.kind === Kind.OPERATION_DEFINITION ? definition.operation : undefined;
  }
  // query plans carry the subgraph operation as text only (no document node unless configured)
  const keyword = /^\s*(query|mutation|subscription)\b|^\s*\{/.exec(options.request.query ?? '');
  if (!keyword) return undefined;
  return (keyword[1] ?? 'query') as OperationTypeNode;
}

function parseJson(text: string): SubgraphResult | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as SubgraphResult) : undefined;
  } catch {
    return undefined;
  }
}

function unavailable(name: string, what: string): SubgraphResult {
  const error: GraphQLFormattedError = { message: `Subgraph ${name} ${what}`, extensions: { code: SUBGRAPH_UNAVAILABLE } };
  return { errors: [error] };
}

function internal(name: string): SubgraphResult {
  return { errors: [{ message: `Subgraph ${name} failed`, extensions: { code: 'INTERNAL_SERVER_ERROR' } }] };
}

export function useIdentityForwarding(options: IdentityForwardingOptions) {
  const sources = new Set<IdentityForwardingDataSource>();
  return {
    /** `buildService` for `ApolloGateway`: one data source per subgraph, at the url given. */
    createDataSource(name: string, url: string): IdentityForwardingDataSource {
      const source = new IdentityForwardingDataSource(name, url, options);
      sources.add(source);
      return source;
    },
    close(): void {
      for (const source of sources) source.close();
      sources.clear();
    },
  };
}
