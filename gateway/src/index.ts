/**
 * The public entry of the CRM: one GraphQL endpoint over the five subgraphs.
 *
 * `POST|GET /graphql` runs federated queries and mutations (Apollo Gateway over the committed
 * supergraph); the same port and path accept graphql-ws connections for live pipeline boards.
 * `GET /health` and `GET /ready` serve probes, `GET /metrics` Prometheus metrics.
 * `GET /bi/queries/<name-or-id>` runs a tenant's named persisted query for BI tools (JSON or CSV, ETags).
 *
 * Policies of the public edge, in the order a request meets them: CORS allowlist and preflights,
 * request id, body size / JSON shape (HTTP front), authentication (access tokens and API keys),
 * request rate limits, persisted-only API keys, token
 * limit (parse), CSRF prevention, operation limits and fragment cycles (validation),
 * introspection policy, page-size caps, demand control (cost limit and tenant budget), then
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
import { createGraphQLHandler, globalKey, keyValueStore, listen, maskError, REQUEST_ID_HEADER, type Cache, type Listening, type Logger } from '@crm/runtime';
import type { EventBus } from '@crm/events';
import { SUBGRAPH_NAMES, type GatewayContext, type SubgraphName } from './context.ts';
import { isProduction } from './environment.ts';
import { AuthError, useAuth, type AuthOptions } from './plugins/useAuth.ts';
import { useHideSuggestions } from './plugins/useHideSuggestions.ts';
import { useIdentityForwarding, type IdentityForwardingOptions } from './plugins/useIdentityForwarding.ts';
import { useRequestId } from './plugins/useRequestId.ts';
import { useOperationLimits, type OperationLimitsOptions } from './plugins/useOperationLimits.ts';
import { useDemandControl, type DemandControlOptions } from './plugins/useDemandControl.ts';
import { useRateLimit, type RateLimitOptions } from './plugins/useRateLimit.ts';
import { useIntrospectionPolicy, type IntrospectionAccess } from './plugins/useIntrospectionPolicy.ts';
import { useCors } from './plugins/useCors.ts';
import { useMetrics, type MetricsOptions } from './plugins/useMetrics.ts';
import { createLimitStore, type LimitStoreOptions } from './limit-store.ts';
import { authenticateWith, useBiQueries } from './bi/useBiQueries.ts';
import { useFileRoutes } from './imports/useFileRoutes.ts';
import { useLeadForms, type LeadFormsOptions } from './forms/useLeadForms.ts';
import { subscriptionsOverHttpGuard, useSubscriptions, type SubscriptionsOptions } from './plugins/useSubscriptions.ts';
import { API_KEY_HEADER, apiKeyVerifyUrl, platformApiKeyLookup, type ApiKeyCacheOptions, type ApiKeyLookup } from './auth/api-keys.ts';
import { platformTeamFactsLookup, teamFactsUrl, type TeamFactsLookup } from './auth/team-facts.ts';
import { usePersistedOnly } from './auth/persisted-only.ts';
import { createOidcProxy } from './auth/oidc.ts';

export type { GatewayContext, SubgraphName };
export { SUBGRAPH_NAMES };
export { CLOSE_TOO_SLOW, CLOSE_UNAUTHORIZED } from './plugins/useSubscriptions.ts';
export { SUBGRAPH_UNAVAILABLE } from './plugins/useIdentityForwarding.ts';

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
  demandControl?: Omit<DemandControlOptions, 'onReject' | 'onAccept'>;
  /**
   * Request rate limits, on when given (defaults for missing fields: `RATE_LIMIT_DEFAULTS`). The
   * deployable always turns them on (RATE_LIMIT_* variables); the in-process stack used by tests,
   * benchmarks and `pnpm start` runs without them unless asked.
   */
  rateLimit?: Omit<RateLimitOptions, 'onReject'>;
  /** Redis timeout and local fallback of the rate-limit counters. */
  limitStore?: LimitStoreOptions;
  /** Browser origins allowed to call the API cross-origin. Default none (same origin only). */
  corsOrigins?: string[];
  /** `/metrics` endpoint. Default on. */
  metrics?: MetricsOptions;
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
}

export async function createGateway(options: GatewayOptions): Promise<Gateway> {
  const { logger } = options;
  const missing = SUBGRAPH_NAMES.filter((name) => !options.subgraphUrls[name]);
  if (missing.length) throw new Error(`No url for subgraph(s): ${missing.join(', ')}`);

  const metrics = useMetrics(options.metrics);
  const forwarding = useIdentityForwarding({
    ...options.subgraphs,
    signingSecret: options.signingSecret,
    logger,
    onFetch: (subgraph, seconds, outcome) => {
      metrics.subgraphFetch(subgraph, seconds, outcome);
      options.subgraphs?.onFetch?.(subgraph, seconds, outcome);
    },
  });
  const gateway = new ApolloGateway({
    supergraphSdl: options.supergraphSdl,
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
  const auth = useAuth({
    ...options.auth,
    jwksUrl: options.jwksUrl,
    cache: options.cache,
    logger,
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
  const rateLimit = options.rateLimit ? useRateLimit({ ...options.rateLimit, store, onReject: (limit) => metrics.rejected(`rate_limit_${limit}`) }) : undefined;
  const introspection = options.introspection === false ? 'nobody' : options.introspection === true || options.introspection === undefined ? undefined : options.introspection;
  const cors = useCors({ corsOrigins: options.corsOrigins });

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
    persistedQueries: { cache: keyValueStore(options.cache, globalKey('')), ttl: 7 * 24 * 3600 }, // Apollo adds 'apq:' -> g:apq:<sha256>
    // shutdown is ordered by the deployable (server, subscriptions, bus), not by Apollo's own signal handler
    stopOnTerminationSignals: false,
    formatError,
    plugins: [
      metrics.plugin,
      subscriptionsOverHttpGuard(),
      ...limits.plugins,
      useIntrospectionPolicy({ access: introspection, production }),
      usePersistedOnly({ grantOf: (identity) => auth.apiKeyOf(identity), onReject: () => metrics.rejected('persisted_only') }),
      useDemandControl({
        ...options.demandControl,
        supergraphSdl: options.supergraphSdl,
        schema: () => apiSchema,
        store,
        onReject: (reason) => metrics.rejected(`cost_${reason}`),
        onAccept: (estimated) => metrics.cost(estimated),
      }),
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
  });
  metrics.connections(() => subscriptions.stats().connections);
  await apollo.start();

  const requestIds = useRequestId();
  const rateLimitHeaders = new WeakMap<IncomingMessage, Record<string, string>>();
  // GET /bi/queries/<name-or-id>: tenants' named persisted queries for BI tools, JSON or CSV
  const bi = useBiQueries({
    apollo,
    authenticate: authenticateWith(auth),
    ...(rateLimit ? { rateLimit: (identity, req) => rateLimit.check(identity, req.socket.remoteAddress) } : {}),
    schema: () => apiSchema,
    cache: options.cache,
    logger,
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
    authenticate: authenticateWith(auth),
    ...(rateLimit ? { rateLimit: (identity, req) => rateLimit.check(identity, req.socket.remoteAddress) } : {}),
    logger,
  });
  const csvFiles = async (req: IncomingMessage, res: ServerResponse) => (await files.route(req, res)) || bi.route(req, res);
  const graphql = createGraphQLHandler<GatewayContext>({
    server: apollo,
    maxBodyBytes: options.maxBodyBytes,
    ready: async () => apiSchema !== undefined,
    routes: oidcProxy ? async (req, res) => (await forms.route(req, res)) || (await oidcProxy(req, res)) || csvFiles(req, res) : async (req, res) => (await forms.route(req, res)) || csvFiles(req, res),
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
      if (rateLimit) rateLimitHeaders.set(req, await rateLimit.check(identity, req.socket.remoteAddress));
      return { identity };
    },
  });
  const served = metrics.wrap(requestIds.wrap(graphql));
  const handler = forms.wrap(cors.wrap(served), served);

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
    async start(port) {
      listening = await listen(handler, port, options.host);
      subscriptions.attach(listening.server);
      subscriptions.start().then(markReady, (error: unknown) => {
        logger.error({ err: error }, 'subscription consumer failed to start');
        markFailed(error);
      });
      const url = `${listening.url}/graphql`;
      logger.info({ url }, 'gateway listening');
      return { url, wsUrl: url.replace(/^http/, 'ws'), port: listening.port };
    },
    async stop() {
      await subscriptions.stop();
      await listening?.close();
      listening = undefined;
      await apollo.stop();
      forwarding.close();
    },
  };
}
