/**
 * The public entry of the CRM: one GraphQL endpoint over the five subgraphs.
 *
 * `POST|GET /graphql` runs federated queries and mutations (Apollo Gateway over the committed
 * supergraph); the same port and path accept graphql-ws connections for live pipeline boards.
 * `GET /health` and `GET /ready` serve probes, `GET /metrics` Prometheus metrics.
 * `GET /bi/queries/<name-or-id>` runs a tenant's named persisted query for BI tools (JSON or CSV, ETags).
 * `PUT /files/uploads/<token>` and `GET /files/<id>?sig=` carry attachment bytes to and from the platform
 * (`files/useAttachmentRoutes.ts`); `POST /internal/records/readable` tells the platform whether a caller may read a record,
 * `POST /internal/records/exist` tells sales and customer whether the records a write references are the tenant's.
 *
 * Policies of the public edge, in the order a request meets them: tracing (a SERVER span when
 * OpenTelemetry is on), CORS allowlists (global, and per tenant: preflights for any tenant's
 * origins) and preflights, request id, body size / JSON shape (HTTP front), authentication (access
 * tokens and API keys), request rate limits (the tenant's from its plan), the caller's own tenant's CORS allowlist, persisted-only
 * API keys and the web app's safelist (its codegen manifest, trusted documents), token
 * limit (parse), CSRF prevention, operation limits and fragment cycles (validation),
 * introspection policy, page-size caps, demand control (cost limit and the tenant's plan budget), then
 * execution with masked errors and `extensions.cost` in the response.
 */
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginLandingPageDisabled,
  ApolloServerPluginSchemaReportingDisabled,
  ApolloServerPluginUsageReportingDisabled,
} from '@apollo/server/plugin/disabled';
import type { GraphQLFormattedError, GraphQLSchema } from './graphql.ts';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createGraphQLHandler, globalKey, keyValueStore, listen, maskError, REQUEST_ID_HEADER, traceRequests, type Cache, type Identity, type Listening, type Logger } from '@crm/runtime';
import type { EventBus } from '@crm/events';
import { SUBGRAPH_NAMES, type GatewayContext, type SubgraphName } from './context.ts';
import { isProduction } from './environment.ts';
import { AuthError, useAuth, type AuthOptions } from './plugins/useAuth.ts';
import { useHideSuggestions } from './plugins/useHideSuggestions.ts';
import { useIdentityForwarding, type IdentityForwardingOptions } from './plugins/useIdentityForwarding.ts';
import { useRequestId } from './plugins/useRequestId.ts';
import { useOperationLimits, type OperationLimitsOptions } from './plugins/useOperationLimits.ts';
import { DEMAND_CONTROL_DEFAULTS, useDemandControl, type DemandControlOptions } from './plugins/useDemandControl.ts';
import { createCostBudget } from './plugins/cost-budget.ts';
import { RATE_LIMIT_DEFAULTS, useRateLimit, type RateLimitOptions } from './plugins/useRateLimit.ts';
import { useIntrospectionPolicy, type IntrospectionAccess } from './plugins/useIntrospectionPolicy.ts';
import { useCors } from './plugins/useCors.ts';
import { useMetrics, type MetricsOptions } from './plugins/useMetrics.ts';
import { useResponseCache, type ResponseCacheControl, type ResponseCacheOptions } from './plugins/useResponseCache.ts';
import { createLimitStore, type LimitStoreOptions } from './limit-store.ts';
import { EntityCache } from './cache/entity-cache.ts';
import { authenticateWith, BI_QUERIES_PATH, useBiQueries } from './bi/useBiQueries.ts';
import { useFileRoutes } from './imports/useFileRoutes.ts';
import { useAttachmentRoutes } from './files/useAttachmentRoutes.ts';
import { createRecordAccessRoute } from './files/record-access-route.ts';
import { createRecordsExistRoute } from './files/records-exist-route.ts';
import { memoizedPersistedQueries } from './persisted-query-store.ts';
import { federatedRunner } from './subscriptions/federated.ts';
import { useLeadForms, type LeadFormsOptions } from './forms/useLeadForms.ts';
import { subscriptionsOverHttpGuard, useSubscriptions, type SubscriptionsOptions } from './plugins/useSubscriptions.ts';
import { API_KEY_CACHE_DEFAULTS, API_KEY_HEADER, apiKeyVerifyUrl, platformApiKeyLookup, type ApiKeyCacheOptions, type ApiKeyLookup } from './auth/api-keys.ts';
import { platformTeamFactsLookup, teamFactsUrl, type TeamFactsLookup } from './auth/team-facts.ts';
import { usePersistedOnly } from './auth/persisted-only.ts';
import { createSystemAdminAccessAudit } from './auth/system-admin-access.ts';
import { createOidcProxy } from './auth/oidc.ts';
import { trustedDocumentStore, useTrustedDocuments, type TrustedDocuments } from './plugins/useTrustedDocuments.ts';
import { createTenantSettings, platformTenantSettingsLookup, type TenantSettings, type TenantSettingsLookup } from './tenant-settings.ts';

export type { GatewayContext, SubgraphName };
export { SUBGRAPH_NAMES };
export { CLOSE_TOO_SLOW, CLOSE_UNAUTHORIZED } from './plugins/useSubscriptions.ts';
export { SUBGRAPH_UNAVAILABLE } from './plugins/useIdentityForwarding.ts';
export { loadTrustedDocuments, parseTrustedDocuments, WEB_CLIENT_ID, type TrustedDocuments } from './plugins/useTrustedDocuments.ts';
export { platformTenantSettingsLookup, type TenantEdgeSettings, type TenantSettingsLookup } from './tenant-settings.ts';

export interface GatewayOptions {
  supergraphSdl: string;
  /** Where each subgraph really is; overrides the placeholder urls of the supergraph. */
  subgraphUrls: Record<SubgraphName, string>;
  /** The platform's `/.well-known/jwks.json`. */
  jwksUrl: string;
  /** HMAC secret for the internal identity header (`signIdentity` in @crm/runtime). */
  signingSecret: string;
  /** Kafka or in-process; the gateway reads deal events from it for subscriptions. */
  bus: EventBus;
  /** Redis or memory; holds the JWKS, persisted queries, rate-limit counters and cost budgets. */
  cache: Cache;
  logger: Logger;
  /**
   * Who may introspect the schema. `true` means everyone outside production and authenticated
   * callers in production (never anonymous there), `false` nobody. Default `true`.
   */
  introspection?: boolean | IntrospectionAccess;
  /** Depth, aliases, directives, tokens, root fields and page sizes. Defaults: `OPERATION_LIMIT_DEFAULTS`. */
  limits?: OperationLimitsOptions;
  /**
   * Cost limit per operation (default `DEMAND_CONTROL_DEFAULTS.maxCost`) and cost budget per tenant
   * (only when `budgetPerMinute` is given; the deployable sets it from COST_BUDGET_PER_MINUTE).
   */
  demandControl?: Omit<DemandControlOptions, 'onReject' | 'onAccept'> & {
    /**
     * Take each tenant's budget from its plan (platform `lib/plans.ts`, cached as `tenantSettings`
     * says); `budgetPerMinute` (a number) is then the budget while the platform cannot answer.
     * Default false.
     */
    budgetFromPlan?: boolean;
  };
  /** Tenants' plan limits and CORS allowlists from the platform: caching and the lookup (tests). */
  tenantSettings?: { ttlSeconds?: number; localTtlMs?: number; lookup?: TenantSettingsLookup };
  /**
   * The web app's trusted documents (its codegen manifest), served by hash; with `enforce`, the web
   * client may run nothing else (plugins/useTrustedDocuments.ts). Default none.
   */
  trustedDocuments?: { documents: TrustedDocuments; enforce?: boolean; webClients?: readonly string[] };
  /**
   * Request rate limits, on when given (defaults for missing fields: `RATE_LIMIT_DEFAULTS`). The
   * deployable always turns them on (RATE_LIMIT_* variables); the in-process stack used by tests,
   * benchmarks and `pnpm start` runs without them unless asked.
   */
  rateLimit?: Omit<RateLimitOptions, 'onReject'> & {
    /**
     * Take each tenant's request limit from its plan (platform `lib/plans.ts`, requests per minute,
     * scaled to `windowMs`; cached as `tenantSettings` says); `perTenant` is then the limit while the
     * platform cannot answer. Default false.
     */
    perTenantFromPlan?: boolean;
  };
  /** Redis timeout and local fallback of the rate-limit counters. */
  limitStore?: LimitStoreOptions;
  /**
   * Browser origins allowed to call the API cross-origin, for every tenant; tenants add their own
   * with `setCorsOrigins` (plugins/useCors.ts). Default none (same origin only).
   */
  corsOrigins?: string[];
  /** Apply tenants' own CORS allowlists. Default true. */
  tenantCors?: boolean;
  /** `/metrics` endpoint. Default on. */
  metrics?: MetricsOptions;
  /**
   * Response cache of the pipeline board's reads, dropped by domain events and mutations
   * (plugins/useResponseCache.ts); on when given. Default off.
   */
  responseCache?: ResponseCacheOptions;
  /** Finer settings of authentication (issuer, audience, algorithms, JWKS caching). */
  auth?: Omit<AuthOptions, 'jwksUrl' | 'cache' | 'logger' | 'apiKeys'>;
  /** Partners' API keys: answer caching (a revocation applies within `cacheTtlSeconds`, default 30) and the platform lookup. */
  apiKeys?: ApiKeyGatewayOptions;
  /** Team facts of signed-in users (for the `team` scope): cached `ttlSeconds` (default 60); `lookup` replaces the platform route (tests). */
  teamFacts?: { ttlSeconds?: number; lookup?: TeamFactsLookup };
  /** Keep-alive pool and timeouts towards subgraphs. */
  subgraphs?: Omit<IdentityForwardingOptions, 'signingSecret' | 'logger'>;
  /** Subscription limits (queue size, keep-alive, topic). */
  subscriptions?: Pick<SubscriptionsOptions, 'topic' | 'groupPrefix' | 'maxQueuedPerConnection' | 'maxSubscriptionsPerConnection' | 'keepAliveMs' | 'connectionInitWaitTimeoutMs' | 'allowedOrigins' | 'maxConnectionsPerTenant'>;
  /** The public web-to-lead endpoint `/forms/<key>`: rate limits, minimum fill time, body size (defaults in `LeadFormsOptions`). */
  leadForms?: LeadFormsOptions;
  /** Largest request body, bytes. Default 1 MiB. */
  maxBodyBytes?: number;
  /**
   * Forwarding of `/oidc/*` to the platform's OpenID Connect provider (the gateway is its public host).
   * Default: on, to the origin of the platform subgraph url; `false` turns it off.
   */
  oidc?: { upstream?: string; timeoutMs?: number } | false;
  /** Interface to listen on. Default `127.0.0.1` (use `0.0.0.0` in containers). */
  host?: string;
}

export interface ApiKeyGatewayOptions extends ApiKeyCacheOptions {
  /** The platform's verification route. Default: `/internal/api-keys/verify` next to the platform subgraph url. */
  verifyUrl?: string;
  /** Timeout of one verification, ms. Default 3 000. */
  timeoutMs?: number;
  /** Replaces the platform lookup (tests). */
  lookup?: ApiKeyLookup;
}

export interface Gateway {
  start(port: number): Promise<{ url: string; wsUrl: string; port: number }>;
  stop(): Promise<void>;
  /** Resolves once the subscription consumer receives events (after `start`). */
  subscriptionsReady: Promise<void>;
  /** Open graphql-ws connections and live board subscribers (for probes and tests). */
  stats(): { connections: number; subscribers: number };
  /** The response cache, when on. */
  responseCache?: ResponseCacheControl;
}

export async function createGateway(options: GatewayOptions): Promise<Gateway> {
  const { logger } = options;
  const missing = SUBGRAPH_NAMES.filter((name) => !options.subgraphUrls[name]);
  if (missing.length) throw new Error(`No url for subgraph(s): ${missing.join(', ')}`);

  const metrics = useMetrics(options.metrics);
  // entity fetches (accounts, contacts, users) kept per caller, dropped by the response cache's events and by writes
  const entityCache = options.responseCache && options.responseCache.entities !== false ? new EntityCache({ registry: metrics.registry }) : undefined;
  const forwarding = useIdentityForwarding({
    ...options.subgraphs,
    ...(entityCache ? { entityCache } : {}),
    signingSecret: options.signingSecret,
    logger,
    onFetch: (subgraph, seconds, outcome) => {
      metrics.subgraphFetch(subgraph, seconds, outcome);
      options.subgraphs?.onFetch?.(subgraph, seconds, outcome);
    },
  });
  const responseCache = options.responseCache
    ? useResponseCache(options.responseCache, {
        bus: options.bus,
        logger,
        schema: () => apiSchema,
        registry: metrics.registry,
        // stale entries are re-read in the background as their caller (the server exists by the time a read is served)
        refresh: (request, identity) => apollo.executeOperation(request, { contextValue: { identity, responseCacheRefresh: true, alreadyCharged: true } }),
        ...(entityCache ? { entities: entityCache } : {}),
      })
    : undefined;
  const gateway = new ApolloGateway({
    supergraphSdl: options.supergraphSdl,
    ...(responseCache ? { experimental_didResolveQueryPlan: responseCache.didResolveQueryPlan } : {}),
    buildService: ({ name, url }) => {
      const override = (options.subgraphUrls as Record<string, string | undefined>)[name];
      if (!override) logger.warn({ subgraph: name }, 'subgraph without an url override; using the supergraph url');
      return forwarding.createDataSource(name, override ?? url ?? '');
    },
    logger,
  });
  let apiSchema: GraphQLSchema | undefined;
  gateway.onSchemaLoadOrUpdate(({ apiSchema: schema }) => {
    apiSchema = schema;
  });

  const hideSuggestions = useHideSuggestions();
  const mask = maskError((error) => logger.error({ err: error }, 'unexpected error'));
  const formatError = (formatted: GraphQLFormattedError, error: unknown) => mask(hideSuggestions(formatted), error);

  const { verifyUrl, timeoutMs, lookup, ...apiKeyCache } = options.apiKeys ?? {};
  // a System Admin acting in a tenant leaves an entry in that tenant's audit log (auth/system-admin-access.ts)
  const systemAdminAccess = createSystemAdminAccessAudit({ bus: options.bus, cache: options.cache, logger });
  const auth = useAuth({
    ...options.auth,
    jwksUrl: options.jwksUrl,
    cache: options.cache,
    logger,
    onUserAuthenticated: (identity) => systemAdminAccess.observe(identity),
    apiKeys: {
      ...apiKeyCache,
      lookup: lookup ?? platformApiKeyLookup({ url: verifyUrl ?? apiKeyVerifyUrl(options.subgraphUrls.platform), signingSecret: options.signingSecret, ...(timeoutMs ? { timeoutMs } : {}) }),
    },
    teamFacts: {
      ...(options.teamFacts?.ttlSeconds ? { ttlSeconds: options.teamFacts.ttlSeconds } : {}),
      lookup: options.teamFacts?.lookup ?? platformTeamFactsLookup({ url: teamFactsUrl(options.subgraphUrls.platform), signingSecret: options.signingSecret }),
    },
  });
  const production = isProduction();
  const store = createLimitStore(options.cache, logger, options.limitStore);
  const limits = useOperationLimits(options.limits);
  const introspection = options.introspection === false ? 'nobody' : options.introspection === true || options.introspection === undefined ? undefined : options.introspection;
  const tenantSettings = createTenantSettings({
    lookup:
      options.tenantSettings?.lookup ??
      platformTenantSettingsLookup({ platformUrl: options.subgraphUrls.platform, signingSecret: options.signingSecret }),
    cache: options.cache,
    logger,
    ...(options.tenantSettings?.ttlSeconds !== undefined ? { ttlSeconds: options.tenantSettings.ttlSeconds } : {}),
    ...(options.tenantSettings?.localTtlMs !== undefined ? { localTtlMs: options.tenantSettings.localTtlMs } : {}),
  });
  const cors = useCors({ corsOrigins: options.corsOrigins, ...(options.tenantCors === false ? {} : { tenantOrigins: tenantSettings }) });
  const rateLimit = options.rateLimit ? useRateLimit({ ...rateLimitOptions(options.rateLimit, tenantSettings), store, onReject: (limit) => metrics.rejected(`rate_limit_${limit}`) }) : undefined;
  const { budgetFromPlan, ...demandControl } = options.demandControl ?? {};
  const fallbackBudget = demandControl.budgetPerMinute;
  if (budgetFromPlan) {
    demandControl.budgetPerMinute = async (tenantId: string) =>
      (await tenantSettings.settingsOf(tenantId))?.costBudgetPerMinute ??
      (typeof fallbackBudget === 'function' ? fallbackBudget(tenantId) : (fallbackBudget ?? DEMAND_CONTROL_DEFAULTS.fallbackBudgetPerMinute));
  }
  // one budget per tenant, charged by demand control and by BI answers from the response cache
  const costBudget = createCostBudget({ budgetPerMinute: demandControl.budgetPerMinute, clock: demandControl.clock, store, onReject: () => metrics.rejected('cost_budget') });
  // documents by hash: content-addressed, so kept in memory once seen (no Redis round trip per request)
  const apqStore = memoizedPersistedQueries(keyValueStore(options.cache, globalKey('')));

  const apollo: ApolloServer<GatewayContext> = new ApolloServer<GatewayContext>({
    gateway,
    // who may introspect is decided per request by useIntrospectionPolicy
    introspection: introspection !== 'nobody',
    includeStacktraceInErrorResponses: false,
    csrfPrevention: true,
    allowBatchedHttpRequests: false,
    validationRules: limits.validationRules,
    parseOptions: limits.parseOptions,
    // Automatic persisted queries: hash -> document in the shared cache (Redis in production), global key space.
    // The web app's trusted documents are read first (by hash, never stored in the cache).
    persistedQueries: { cache: options.trustedDocuments ? trustedDocumentStore(options.trustedDocuments.documents, apqStore) : apqStore, ttl: 7 * 24 * 3600 }, // Apollo adds 'apq:' -> g:apq:<sha256>
    // shutdown is ordered by the deployable (server, subscriptions, bus), not by Apollo's own signal handler
    stopOnTerminationSignals: false,
    formatError,
    plugins: [
      metrics.plugin,
      subscriptionsOverHttpGuard(),
      ...limits.plugins,
      useIntrospectionPolicy({ access: introspection, production }),
      usePersistedOnly({ grantOf: (identity) => auth.apiKeyOf(identity), onReject: () => metrics.rejected('persisted_only') }),
      ...(options.trustedDocuments ? [useTrustedDocuments({ ...options.trustedDocuments, onReject: () => metrics.rejected('trusted_documents') })] : []),
      useDemandControl({
        ...demandControl,
        supergraphSdl: options.supergraphSdl,
        schema: () => apiSchema,
        store,
        budget: costBudget,
        onReject: (reason) => metrics.rejected(`cost_${reason}`),
        onAccept: (estimated) => metrics.cost(estimated),
      }),
      ...(responseCache ? [responseCache.plugin] : []),
      ApolloServerPluginCacheControlDisabled(),
      ApolloServerPluginUsageReportingDisabled(),
      ApolloServerPluginSchemaReportingDisabled(),
      ...(production ? [ApolloServerPluginLandingPageDisabled()] : []),
    ],
  });
  const subscriptions = useSubscriptions({
    ...options.subscriptions,
    apollo,
    schema: () => apiSchema,
    authenticator: auth,
    bus: options.bus,
    logger,
    formatError,
    // API key connections: the same rate limits as HTTP, and the key verified again once per cache lifetime
    ...(rateLimit ? { rateLimit: (identity: Identity) => rateLimit.check(identity, undefined) } : {}),
    apiKeyRecheckMs: (apiKeyCache.cacheTtlSeconds ?? API_KEY_CACHE_DEFAULTS.cacheTtlSeconds) * 1000,
  });
  metrics.connections(() => subscriptions.stats());
  await apollo.start();

  const requestIds = useRequestId();
  const rateLimitHeaders = new WeakMap<IncomingMessage, Record<string, string>>();
  // the browser routes besides /graphql hold a tenant's origin to that tenant once the caller is known, as /graphql does
  const authenticateCaller = authenticateWith(auth);
  const authenticateFromOrigin = async (req: IncomingMessage, requestId: string) => {
    const identity = await authenticateCaller(req, requestId);
    await cors.checkTenant(req, identity);
    return identity;
  };
  // GET /bi/queries/<name-or-id>: tenants' named persisted queries for BI tools, JSON or CSV
  const bi = useBiQueries({
    apollo,
    authenticate: authenticateFromOrigin,
    ...(rateLimit ? { rateLimit: (identity, req) => rateLimit.check(identity, req.socket.remoteAddress) } : {}),
    schema: () => apiSchema,
    cache: options.cache,
    logger,
    ...(responseCache ? { cachedAnswers: { responseCache, budget: costBudget, metrics } } : {}),
  });
  const oidcProxy =
    options.oidc === false
      ? undefined
      : createOidcProxy({ upstream: options.oidc?.upstream ?? new URL(options.subgraphUrls.platform).origin, logger, ...(options.oidc?.timeoutMs ? { timeoutMs: options.oidc.timeoutMs } : {}) });
  // /forms/<key>: public web-to-lead posts (no sign-in; each form has its own CORS origins)
  const forms = useLeadForms({ ...options.leadForms, customerUrl: options.subgraphUrls.customer, signingSecret: options.signingSecret, store, logger });
  // POST /imports, GET /imports/<id>/errors.csv, GET /exports/<kind>.csv: CSV files, streamed to and from the customer subgraph
  const files = useFileRoutes({
    customerUrl: options.subgraphUrls.customer,
    signingSecret: options.signingSecret,
    authenticate: authenticateFromOrigin,
    ...(rateLimit ? { rateLimit: (identity, req) => rateLimit.check(identity, req.socket.remoteAddress) } : {}),
    logger,
  });
  // PUT /files/uploads/<token>, GET /files/<id>?sig=: attachment bytes, streamed to and from the platform
  const attachments = useAttachmentRoutes({
    platformUrl: options.subgraphUrls.platform,
    signingSecret: options.signingSecret,
    logger,
    checkTenant: (req, tenantId) => cors.checkTenant(req, { tenantId }),
  });
  // POST /internal/records/readable: the platform asks, as a caller, whether they may read a record (attachments)
  const recordAccess = createRecordAccessRoute({ signingSecret: options.signingSecret, run: () => federatedRunner(apollo, { alreadyCharged: true }) });
  // POST /internal/records/exist: sales and customer ask whether the records a write references are the tenant's
  const recordsExist = createRecordsExistRoute({ signingSecret: options.signingSecret, run: () => federatedRunner(apollo, { alreadyCharged: true }) });
  const csvFiles = async (req: IncomingMessage, res: ServerResponse) =>
    (await files.route(req, res)) || (await attachments.route(req, res)) || (await recordAccess(req, res)) || (await recordsExist(req, res)) || bi.route(req, res);
  const routes = oidcProxy ? async (req: IncomingMessage, res: ServerResponse) => (await forms.route(req, res)) || (await oidcProxy(req, res)) || csvFiles(req, res) : async (req: IncomingMessage, res: ServerResponse) => (await forms.route(req, res)) || csvFiles(req, res);
  const graphql = createGraphQLHandler<GatewayContext>({
    server: apollo,
    maxBodyBytes: options.maxBodyBytes,
    ready: async () => apiSchema !== undefined,
    // BI reads (polled by BI tools) go to their route first; no other route takes a path under it
    routes: async (req, res) => (req.url?.startsWith(BI_QUERIES_PATH) && (await bi.route(req, res))) || routes(req, res),
    responseHeaders: (req) => rateLimitHeaders.get(req) ?? {},
    context: async (req) => {
      const requestId = req.headers[REQUEST_ID_HEADER] as string;
      let identity;
      try {
        identity = await auth.authenticate({ authorization: req.headers.authorization, [API_KEY_HEADER]: req.headers[API_KEY_HEADER] }, requestId);
      } catch (error) {
        if (error instanceof AuthError) throw auth.httpError(error);
        throw error;
      }
      // anonymous operations (sign-in) carry the caller's address: the platform throttles refused sign-ins per address
      if (identity.tenantId === null && identity.userId === null && req.socket.remoteAddress) identity = { ...identity, clientAddress: req.socket.remoteAddress };
      if (rateLimit) rateLimitHeaders.set(req, await rateLimit.check(identity, req.socket.remoteAddress));
      await cors.checkTenant(req, identity);
      return { identity };
    },
  });
  const served = metrics.wrap(requestIds.wrap(graphql));
  // one SERVER span per request when tracing is on (OTEL_EXPORTER_OTLP_ENDPOINT)
  const handler = traceRequests('crm.gateway', forms.wrap(cors.wrap(served), served));

  let listening: Listening | undefined;
  let markReady: () => void = () => {};
  let markFailed: (error: unknown) => void = () => {};
  const subscriptionsReady = new Promise<void>((resolve, reject) => {
    markReady = resolve;
    markFailed = reject;
  });
  subscriptionsReady.catch(() => {});

  return {
    subscriptionsReady,
    stats: () => subscriptions.stats(),
    ...(responseCache
      ? { responseCache: { ready: responseCache.ready, stats: () => responseCache.stats(), clear: () => responseCache.clear(), cachedAnswer: (...args) => responseCache.cachedAnswer(...args) } }
      : {}),
    async start(port) {
      listening = await listen(handler, port, options.host);
      subscriptions.attach(listening.server);
      responseCache?.start().catch((error: unknown) => logger.error({ err: error }, 'response cache consumer failed to start; answers are not cached'));
      subscriptions.start().then(markReady, (error: unknown) => {
        logger.error({ err: error }, 'subscription consumer failed to start');
        markFailed(error);
      });
      const url = `${listening.url}/graphql`;
      logger.info({ url }, 'gateway listening');
      return { url, wsUrl: url.replace(/^http/, 'ws'), port: listening.port };
    },
    async stop() {
      await responseCache?.stop();
      await subscriptions.stop();
      await listening?.close();
      listening = undefined;
      await apollo.stop();
      // the requests counted here since the last batch reach the shared counters
      await store.close?.();
      forwarding.close();
    },
  };
}

/** The limiter's options: with `perTenantFromPlan`, a tenant's limit is its plan's, scaled to the window. */
function rateLimitOptions({ perTenantFromPlan, ...rest }: NonNullable<GatewayOptions['rateLimit']>, tenantSettings: TenantSettings): Omit<RateLimitOptions, 'onReject'> {
  if (!perTenantFromPlan) return rest;
  const fallback = rest.perTenant ?? RATE_LIMIT_DEFAULTS.perTenant;
  const windowMs = rest.windowMs ?? RATE_LIMIT_DEFAULTS.windowMs;
  return {
    ...rest,
    perTenant: async (tenantId) => {
      const perMinute = (await tenantSettings.settingsOf(tenantId))?.requestsPerMinute;
      if (perMinute === undefined) return typeof fallback === 'function' ? fallback(tenantId) : fallback;
      return Math.max(1, Math.round((perMinute * windowMs) / 60_000));
    },
  };
}
