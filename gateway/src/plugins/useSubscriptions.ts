/**
 * Live updates over graphql-ws (`graphql-transport-ws`) on the gateway's port and path.
 *
 * - Connecting: a browser handshake whose `Origin` is not in `allowedOrigins` (when set) is closed
 *   with 4403. `connection_init` must carry `{ authorization: 'Bearer <token>' }` (or `{ token }`)
 *   or a partner's API key (`{ apiKey: 'crm_…' }` or `{ authorization: 'Bearer crm_…' }`) within
 *   `connectionInitWaitTimeoutMs`, else 4408; a missing or invalid credential closes the socket
 *   with 4401. A tenant holding `maxConnectionsPerTenant` connections on this instance gets 4429.
 * - API keys (subscriptions/connections.ts): the connection acts as the key's role, so a key only
 *   receives the events its role may read; its `connection_init` and each operation count against
 *   the key's rate limits (`rateLimit`); a revoked key's connections close with 4403 at once on
 *   `platform.apikey.revoked`, at the latest after `apiKeyRecheckMs` plus the key cache lifetime;
 *   a persisted-only key cannot run operations over the socket (PERSISTED_QUERY_ONLY).
 * - Token lifetime: the connection is closed with 4401 when the token expires, unless the client
 *   refreshed it first by sending a graphql-ws `ping` whose payload carries the new token (same
 *   shape as `connection_init`). A refreshed token must be for the same tenant and user (else
 *   4403); its roles apply to the connection's subscriptions from then on.
 * - Subscribing to `pipelineBoard(pipelineId)`: the document is validated against the public schema,
 *   then `pipeline(id)` is asked through the federated path as the subscriber; a pipeline they
 *   cannot see is NOT_FOUND.
 * - Subscribing to `notificationReceived`: signed-in users only (an API key has no notifications,
 *   FORBIDDEN); the selection is rendered from the event itself (subscriptions/notification-subscription.ts).
 * - Subscribing to `importProgress(id)`: `importJob(id)` is asked through the federated path as the
 *   subscriber (an import they cannot see is NOT_FOUND); each `customer.import.progressed` event of
 *   that tenant and import is rendered from its payload (subscriptions/import-progress.ts).
 * - Delivery: every gateway instance reads every sales and platform event (its own consumer group).
 *   A board event only reaches subscribers of its tenant and pipeline, and only those the deal
 *   resolves for (see subscriptions/board-fanout.ts); the work is done once per distinct (tenant,
 *   user and roles, selection and variables) per event and the message fanned out. A
 *   `platform.notification.created` event only reaches its recipient's own subscriptions
 *   (subscriptions/notification-fanout.ts).
 * - Slow clients: a connection with more than `maxQueuedPerConnection` undelivered messages is
 *   closed with 4429. graphql-ws pings every `keepAliveMs` and drops sockets that do not answer.
 * - Queries and mutations sent over the socket run through the same federated path as HTTP.
 * - Role changes: the same consumer reads `platform.role.updated` and `platform.user.roles_changed`
 *   and drops the cached team facts and custom grants of the users they name (auth/team-facts.ts),
 *   so a changed custom role applies to their next request.
 * - Deactivations: it also reads `platform.user.deactivated` (and `platform.personal_data.erased`
 *   of a user, who is deactivated with it), after which the user's access tokens issued before are
 *   refused on every instance (auth/deactivated-users.ts), and their open connections on this
 *   instance close with 4403 "User deactivated" (subscriptions/user-connections.ts).
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ApolloServer, ApolloServerPlugin } from '@apollo/server';
import type { Context as WsContext } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer, type WebSocket } from 'ws';
import type { BusSubscription, EventBus } from '@crm/events';
import type { Identity, Logger } from '@crm/runtime';
import type { GatewayContext } from '../context.ts';
import { fromFormatted, gatewayError, notFound, withCode } from '../errors.ts';
import { GraphQLError, getOperationAST, parse, validate, type DocumentNode, type ExecutionArgs, type ExecutionResult, type GraphQLFormattedError, type GraphQLSchema } from '../graphql.ts';
import { SALES_EVENTS_TOPIC } from '../subscriptions/board-event.ts';
import { BoardFanout } from '../subscriptions/board-fanout.ts';
import { planBoardSubscription, type BoardSubscriptionPlan, type FederatedRequest } from '../subscriptions/board-subscription.ts';
import { EventQueue } from '../subscriptions/event-queue.ts';
import { NotificationFanout } from '../subscriptions/notification-fanout.ts';
import {
  NOTIFICATION_CREATED,
  NOTIFICATION_FIELD,
  PLATFORM_EVENTS_TOPIC,
  planNotificationSubscription,
  subscriptionRootField,
  type NotificationSubscriptionPlan,
} from '../subscriptions/notification-subscription.ts';
import { federatedRunner } from '../subscriptions/federated.ts';
import { ImportProgressFanout } from '../subscriptions/import-progress-fanout.ts';
import { CUSTOMER_EVENTS_TOPIC, IMPORT_ACCESS_QUERY, IMPORT_PROGRESS_FIELD, IMPORT_PROGRESSED, planImportProgressSubscription, type ImportProgressPlan } from '../subscriptions/import-progress.ts';
import { CLOSE_FORBIDDEN, originAllowed } from '../subscriptions/connection-guard.ts';
import { CLOSE_TOO_SLOW, CLOSE_TRY_AGAIN_LATER, CLOSE_UNAUTHORIZED, Connections, type Connection } from '../subscriptions/connections.ts';
import { persistedOnlyError } from '../auth/persisted-only.ts';
import type { Authenticator } from './useAuth.ts';
import { staleFactsOf } from '../auth/team-facts.ts';
import { deactivationOf } from '../auth/deactivated-users.ts';

export { CLOSE_FORBIDDEN, CLOSE_TOO_SLOW, CLOSE_TRY_AGAIN_LATER, CLOSE_UNAUTHORIZED };
/** graphql-ws closes with this code when `connection_init` does not arrive in time. */
export const CLOSE_INIT_TIMEOUT = 4408;

export interface SubscriptionsOptions {
  apollo: ApolloServer<GatewayContext>;
  /** The public (API) schema; undefined until the supergraph is loaded. */
  schema: () => GraphQLSchema | undefined;
  authenticator: Authenticator;
  bus: EventBus;
  logger: Logger;
  /** Formats every error sent to clients (masking, no suggestions). */
  formatError: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;
  /** WebSocket path. Default `/graphql`. */
  path?: string;
  /** Topic carrying deal events. Default `crm.sales.events`. */
  topic?: string;
  /** Topic carrying `platform.notification.created`. Default `crm.platform.events`. */
  notificationsTopic?: string;
  /** Consumer group prefix; a random suffix gives each gateway instance every event. Default `gateway.subscriptions`. */
  groupPrefix?: string;
  /** Undelivered messages per connection before it is closed with 4429. Default 1 000. */
  maxQueuedPerConnection?: number;
  /** Subscriptions one connection may hold. Default 100. */
  maxSubscriptionsPerConnection?: number;
  /** Ping interval; a socket that misses a pong is dropped. ms, default 12 000. */
  keepAliveMs?: number;
  /** Time a client has to send `connection_init`, ms. Default 3 000. */
  connectionInitWaitTimeoutMs?: number;
  /**
   * Origins (`https://app.example.com`) browsers may connect from. Default: unset, every origin.
   * Handshakes without an `Origin` header (mobile, servers) are always let through to authenticate.
   */
  allowedOrigins?: readonly string[];
  /** Open connections one tenant may hold on this gateway instance. Default 1 000. */
  maxConnectionsPerTenant?: number;
  /**
   * Counts one request of an API key connection (its `connection_init`, each operation) against the
   * HTTP rate limits; throws an `HttpError` 429 over one. Default: not counted.
   */
  rateLimit?: (identity: Identity) => Promise<unknown>;
  /** How often an API key connection's key is verified again, ms. Default 30 000 (the key cache lifetime). */
  apiKeyRecheckMs?: number;
}

/** Emitted by the platform when a tenant admin revokes an API key (aggregate id: the key's id). */
export const API_KEY_REVOKED = 'platform.apikey.revoked';

export interface Subscriptions {
  /** Handles WebSocket upgrades of `server` on the subscription path. */
  attach(server: Server): void;
  /** Starts consuming events; resolves once the consumer receives. */
  start(): Promise<void>;
  stop(): Promise<void>;
  stats(): { connections: number; subscribers: number };
}

/** What `onSubscribe` hands to `subscribe`/`execute` through graphql-ws. */
type OperationContext =
  | { kind: 'board'; connection: Connection; plan: BoardSubscriptionPlan; schema: GraphQLSchema }
  | { kind: 'notifications'; connection: Connection; plan: NotificationSubscriptionPlan; schema: GraphQLSchema }
  | { kind: 'imports'; connection: Connection; plan: ImportProgressPlan; schema: GraphQLSchema }
  | { kind: 'operation'; identity: Identity; request: FederatedRequest & { operationName?: string } };

type Extra = { socket: WebSocket; request: IncomingMessage };
type Ctx = WsContext<Record<string, unknown> | undefined, Extra>;

const PIPELINE_QUERY = 'query PipelineBoardAccess($id: ID!) { pipeline(id: $id) { id } }';

export function useSubscriptions(options: SubscriptionsOptions): Subscriptions {
  const log = options.logger;
  const path = options.path ?? '/graphql';
  const maxSubscriptions = options.maxSubscriptionsPerConnection ?? 100;
  const runFederated = federatedRunner(options.apollo);
  // the deal of every board event, resolved per subscriber group: part of the subscription, charged when it was accepted
  const fanout = new BoardFanout(federatedRunner(options.apollo, { alreadyCharged: true }), log);
  const notifications = new NotificationFanout(log);
  const importProgress = new ImportProgressFanout(log);
  const connections = new Connections({
    authenticator: options.authenticator,
    logger: log,
    maxQueued: options.maxQueuedPerConnection ?? 1_000,
    maxConnectionsPerTenant: options.maxConnectionsPerTenant ?? 1_000,
    ...(options.rateLimit ? { rateLimit: options.rateLimit } : {}),
    ...(options.apiKeyRecheckMs ? { apiKeyRecheckMs: options.apiKeyRecheckMs } : {}),
  });
  const open = new Map<Ctx, Connection>();
  const documents = new Map<string, { document: DocumentNode } | { errors: readonly GraphQLError[] }>();
  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 });
  let busSubscription: BusSubscription | undefined;

  function parsed(schema: GraphQLSchema, query: string) {
    let entry = documents.get(query);
    if (!entry) {
      try {
        const document = parse(query, { maxTokens: 5_000 });
        const errors = validate(schema, document);
        entry = errors.length ? { errors: withCode(errors, 'GRAPHQL_VALIDATION_FAILED') } : { document };
      } catch (error) {
        entry = { errors: withCode([error instanceof GraphQLError ? error : new GraphQLError('Invalid query')], 'GRAPHQL_PARSE_FAILED') };
      }
      if (documents.size >= 1_000) documents.delete(documents.keys().next().value!);
      documents.set(query, entry);
    }
    return entry;
  }

  async function onConnect(ctx: Ctx): Promise<boolean> {
    const connection = await connections.open(ctx.connectionParams, ctx.extra.socket);
    if (connection) open.set(ctx, connection);
    return connection !== null;
  }

  async function onPing(ctx: Ctx, payload: Record<string, unknown> | undefined): Promise<void> {
    const connection = open.get(ctx);
    if (connection) await connections.refresh(connection, payload, ctx.extra.socket);
  }

  async function onSubscribe(ctx: Ctx, _id: string, payload: { query: string; operationName?: string | null; variables?: Record<string, unknown> | null }): Promise<ExecutionArgs | readonly GraphQLError[]> {
    const connection = open.get(ctx);
    const schema = options.schema();
    if (!connection || !schema) return [gatewayError('BAD_REQUEST', 'Not ready')];
    const entry = parsed(schema, payload.query);
    if ('errors' in entry) return entry.errors;
    const operationName = payload.operationName ?? undefined;
    const operation = getOperationAST(entry.document, operationName);
    if (!operation) return [gatewayError('BAD_REQUEST', 'Unable to identify operation')];
    if (connection.apiKey?.persistedOnly) return [persistedOnlyError()];
    const limited = await connections.admitOperation(connection);
    if (limited) return [limited];

    if (operation.operation !== 'subscription') {
      const request = { query: payload.query, variables: payload.variables ?? {}, ...(operationName ? { operationName } : {}) };
      const contextValue: OperationContext = { kind: 'operation', identity: connection.identity, request };
      return { schema, document: entry.document, operationName, contextValue };
    }

    if (subscriptionRootField(entry.document, operationName) === NOTIFICATION_FIELD) {
      const plan = planNotificationSubscription(schema, entry.document, operationName, payload.variables);
      if (Array.isArray(plan)) return plan;
      if (connection.subscriptions >= maxSubscriptions) {
        return [gatewayError('BAD_USER_INPUT', `At most ${maxSubscriptions} subscriptions per connection`)];
      }
      if (!connection.identity.userId || connection.identity.actorKind === 'apikey') return [gatewayError('FORBIDDEN', 'Notifications belong to signed-in users')];
      const contextValue: OperationContext = { kind: 'notifications', connection, plan: plan as NotificationSubscriptionPlan, schema };
      return { schema, document: entry.document, operationName, variableValues: payload.variables ?? {}, contextValue };
    }

    if (subscriptionRootField(entry.document, operationName) === IMPORT_PROGRESS_FIELD) {
      const plan = planImportProgressSubscription(schema, entry.document, operationName, payload.variables);
      if (Array.isArray(plan)) return plan;
      const progress = plan as ImportProgressPlan;
      if (connection.subscriptions >= maxSubscriptions) return [gatewayError('BAD_USER_INPUT', `At most ${maxSubscriptions} subscriptions per connection`)];
      const access = await runFederated({ query: IMPORT_ACCESS_QUERY, variables: { id: progress.importId } }, connection.identity);
      if (access.errors?.length) return access.errors.map(fromFormatted);
      if (!access.data?.['importJob']) return [notFound('Import', progress.importId)];
      const contextValue: OperationContext = { kind: 'imports', connection, plan: progress, schema };
      return { schema, document: entry.document, operationName, variableValues: payload.variables ?? {}, contextValue };
    }

    const plan = planBoardSubscription(schema, entry.document, operationName, payload.variables);
    if (Array.isArray(plan)) return plan;
    const board = plan as BoardSubscriptionPlan;
    if (connection.subscriptions >= maxSubscriptions) {
      return [gatewayError('BAD_USER_INPUT', `At most ${maxSubscriptions} subscriptions per connection`)];
    }
    const access = await runFederated({ query: PIPELINE_QUERY, variables: { id: board.pipelineId } }, connection.identity);
    if (access.errors?.length) return access.errors.map(fromFormatted);
    const pipeline = access.data?.['pipeline'];
    if (!pipeline) return [notFound('Pipeline', board.pipelineId)];
    const contextValue: OperationContext = { kind: 'board', connection, plan: board, schema };
    return { schema, document: entry.document, operationName, variableValues: payload.variables ?? {}, contextValue };
  }

  function subscribe(args: ExecutionArgs): AsyncIterableIterator<ExecutionResult> | ExecutionResult {
    const context = args.contextValue as OperationContext;
    if (context.kind === 'operation') return { errors: [new GraphQLError('Not a subscription')] };
    const { connection, schema } = context;
    const tenantId = connection.identity.tenantId;
    if (!tenantId) return { errors: [gatewayError('UNAUTHENTICATED', 'A tenant is required')] };
    connection.subscriptions++;
    let remove = () => {};
    const queue = new EventQueue<ExecutionResult>(connection.budget, () => {
      connection.subscriptions--;
      remove();
    });
    if (context.kind === 'notifications') {
      remove = notifications.registry.add({ tenantId, userId: connection.identity.userId!, plan: context.plan, schema, queue });
    } else if (context.kind === 'imports') {
      remove = importProgress.registry.add({ tenantId, plan: context.plan, schema, queue });
    } else {
      const { plan } = context;
      remove = fanout.registry.add({ tenantId, pipelineId: plan.pipelineId, identity: connection.identity, plan, schema, queue });
    }
    return queue;
  }

  async function execute(args: ExecutionArgs): Promise<ExecutionResult> {
    const context = args.contextValue as OperationContext;
    if (context.kind !== 'operation') return { errors: [new GraphQLError('Not a query or mutation')] };
    const result = await runFederated(context.request, { ...context.identity, requestId: randomUUID() });
    return {
      data: result.data ?? null,
      ...(result.errors ? { errors: result.errors.map(fromFormatted) } : {}),
    };
  }

  const format = (errors: readonly GraphQLError[]) => errors.map((error) => options.formatError(error.toJSON(), error));

  const server = useServer<Record<string, unknown> | undefined, Extra>(
    {
      connectionInitWaitTimeout: options.connectionInitWaitTimeoutMs ?? 3_000,
      onConnect,
      onPing,
      onSubscribe,
      subscribe,
      execute,
      onNext: (_ctx, _id, _payload, _args, result) => ({ ...result, ...(result.errors ? { errors: format(result.errors) } : {}) }),
      onError: (_ctx, _id, _payload, errors) => format(errors),
      onClose: (ctx) => {
        const connection = open.get(ctx);
        if (!connection) return;
        connections.close(connection);
        open.delete(ctx);
      },
    },
    wss,
    options.keepAliveMs ?? 12_000,
  );

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const pathname = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (pathname !== path) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
      return;
    }
    if (!originAllowed(req.headers.origin, options.allowedOrigins)) {
      log.warn({ origin: req.headers.origin }, 'refusing a subscription handshake from an origin not allowed');
      // graphql-ws clients only see close codes, so the handshake completes and closes with 4403
      wss.handleUpgrade(req, socket, head, (ws) => ws.close(CLOSE_FORBIDDEN, 'Origin not allowed'));
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  };

  return {
    attach(server) {
      server.on('upgrade', onUpgrade);
    },
    async start() {
      const topic = options.topic ?? SALES_EVENTS_TOPIC;
      busSubscription = await options.bus.subscribe({
        groupId: `${options.groupPrefix ?? 'gateway.subscriptions'}.${randomUUID()}`,
        topics: [topic, options.notificationsTopic ?? PLATFORM_EVENTS_TOPIC, CUSTOMER_EVENTS_TOPIC],
        fromBeginning: false,
        // board events are prepared concurrently and queued in order; the consumer only waits when many are in flight
        handler: async (event) => {
          const stale = staleFactsOf(event);
          if (stale) await options.authenticator.forgetFacts(stale.tenantId, stale.userIds);
          await options.authenticator.observeUserStatus(event);
          // recorded first, so a client reconnecting with the same token is refused
          const deactivation = deactivationOf(event);
          if (deactivation) connections.deactivated(deactivation);
          if (event.type === NOTIFICATION_CREATED) await notifications.deliver(event);
          else if (event.type === API_KEY_REVOKED) connections.revoked(event.tenantId, event.aggregateId);
          else if (event.type === IMPORT_PROGRESSED) await importProgress.deliver(event);
          else if (!event.type.startsWith('platform.') && !event.type.startsWith('customer.')) await fanout.accept(event);
        },
      });
      await busSubscription.ready;
    },
    async stop() {
      await busSubscription?.stop();
      busSubscription = undefined;
      await server.dispose();
    },
    stats: () => ({ connections: open.size, subscribers: fanout.registry.size + notifications.registry.size + importProgress.registry.size }),
  };
}

/** Answers subscription operations sent over HTTP with 400: they are served over graphql-ws only. */
export function subscriptionsOverHttpGuard(path = '/graphql'): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation }) {
          if (operation?.operation === 'subscription') {
            throw gatewayError('BAD_REQUEST', `Subscriptions are served over WebSocket (graphql-transport-ws) at ${path}`, { http: { status: 400 } });
          }
        },
      };
    },
  };
}
