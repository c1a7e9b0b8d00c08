/**
 * Builds and serves one Apollo subgraph behind the gateway-signature check.
 *
 * Every request must carry a fresh identity header signed by the gateway; anything else
 * (including direct `_entities` or `_service` calls) is refused with 401 before parsing.
 */
import type { IncomingMessage } from 'node:http';
import { ApolloServer, type BaseContext } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema, type GraphQLSchemaModule } from '@apollo/subgraph';
import { maskError } from './errors.ts';
import { createGraphQLHandler, HttpError, listen, type GraphQLHttpOptions, type Listening } from './http.ts';
import { traceRequests } from './tracing.ts';
import { IDENTITY_HEADER, verifyIdentity, type Identity } from './identity.ts';
import type { Logger } from './logger.ts';
import { createSubgraphMetrics, type ConsumerLagSource, type SubgraphMetrics } from './metrics.ts';

export type { GraphQLSchemaModule };

export interface SubgraphServerOptions<TContext extends BaseContext> {
  name: string;
  modules: GraphQLSchemaModule[];
  /** Shared secret the gateway signs identity headers with. */
  signingSecret: string;
  createContext: (identity: Identity) => TContext | Promise<TContext>;
  ready?: () => Promise<boolean>;
  /** Public routes served without the gateway signature (e.g. platform's JWKS). Return true when handled. */
  routes?: GraphQLHttpOptions<TContext>['routes'];
  /** The deployable's event consumers, for `events_consumer_lag` at `/metrics`. */
  events?: ConsumerLagSource;
  logger: Logger;
}

export interface SubgraphServer {
  name: string;
  /** Listens on `host` (default 127.0.0.1; containers pass 0.0.0.0). */
  listen(port: number, host?: string): Promise<Listening>;
  /** Stops listening; `listen` may be called again (used to simulate an outage). */
  close(): Promise<void>;
  /** Stops listening and shuts Apollo down for good. */
  stop(): Promise<void>;
  /** Served at `GET /metrics` (Prometheus text format). */
  metrics: SubgraphMetrics;
}

export async function createSubgraphServer<TContext extends BaseContext>(
  options: SubgraphServerOptions<TContext>,
): Promise<SubgraphServer> {
  const schema = buildSubgraphSchema(options.modules);
  const metrics = createSubgraphMetrics(options.name, { events: options.events });
  const apollo = new ApolloServer<TContext>({
    schema,
    includeStacktraceInErrorResponses: false,
    csrfPrevention: false,
    // shutdown is ordered by the deployable (server, relay, bus, database), not by Apollo's signal handler
    stopOnTerminationSignals: false,
    // no cache hints: Apollo's default cache-control plugin would wrap every field resolver (per-field work on large lists)
    plugins: [ApolloServerPluginInlineTraceDisabled(), ApolloServerPluginCacheControlDisabled(), metrics.plugin],
    formatError: maskError((error) => options.logger.error({ err: error }, 'unexpected resolver error')),
  });
  await apollo.start();
  const handler = createGraphQLHandler<TContext>({
    server: apollo,
    ready: options.ready,
    routes: async (req, res) => (await metrics.route(req, res)) || ((await options.routes?.(req, res)) ?? false),
    context: async (req: IncomingMessage) => {
      const raw = req.headers[IDENTITY_HEADER];
      const identity = verifyIdentity(Array.isArray(raw) ? raw[0] : raw, options.signingSecret);
      if (!identity) throw new HttpError(401, 'UNAUTHENTICATED', 'Requests must come through the gateway');
      return options.createContext(identity);
    },
  });
  const traced = traceRequests(`crm.subgraph.${options.name}`, handler);
  let listening: Listening | undefined;
  return {
    name: options.name,
    metrics,
    async listen(port: number, host?: string) {
      listening = await listen(traced, port, host);
      options.logger.info({ url: listening.url }, `${options.name} subgraph listening`);
      return listening;
    },
    async close() {
      await listening?.close();
      listening = undefined;
    },
    async stop() {
      await listening?.close();
      listening = undefined;
      await apollo.stop();
    },
  };
}
