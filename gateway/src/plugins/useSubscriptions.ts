/**
 * Live updates over graphql-ws (`graphql-transport-ws`) on the gateway's port and path.
 *
 * - Connecting: `connection_init` must carry `{ authorization: 'Bearer <token>' }` (or `{ token }`);
 *   a missing or invalid token closes the socket with 4401. The connection is closed with 4401
 *   again when the token expires, so clients reconnect with a fresh one.
 * - Subscribing to `pipelineBoard(pipelineId)`: the document is validated against the public schema,
 *   then `pipeline(id)` is asked through the federated path as the subscriber; a pipeline they
 *   cannot see is NOT_FOUND.
 * - Delivery: every gateway instance reads every sales event (its own consumer group). An event
 *   only reaches subscribers of its tenant and pipeline; the `deal` selection is resolved per
 *   distinct (tenant, selection, user and roles) once per event.
 * - Slow clients: a connection with more than `maxQueuedPerConnection` undelivered messages is
 *   closed with 4429. graphql-ws pings every `keepAliveMs` and drops sockets that do not answer.
 * - Queries and mutations sent over the socket run through the same federated path as HTTP.
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
import { EventQueue, type DeliveryBudget } from '../subscriptions/event-queue.ts';
import { federatedRunner } from '../subscriptions/federated.ts';
import { AuthError, bearerToken, toIdentity, type Authenticator } from './useAuth.ts';

export const CLOSE_UNAUTHORIZED = 4401;
export const CLOSE_TOO_SLOW = 4429;
/** Standard WebSocket "try again later": the signing keys could not be loaded. */
export const CLOSE_TRY_AGAIN_LATER = 1013;

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
}

export interface Subscriptions {
  /** Handles WebSocket upgrades of `server` on the subscription path. */
  attach(server: Server): void;
  /** Starts consuming events; resolves once the consumer receives. */
  start(): Promise<void>;
  stop(): Promise<void>;
  stats(): { connections: number; subscribers: number };
}

interface Connection {
  identity: Identity;
  budget: DeliveryBudget;
  subscriptions: number;
  expiry?: NodeJS.Timeout;
}

/** What `onSubscribe` hands to `subscribe`/`execute` through graphql-ws. */
type OperationContext =
  | { kind: 'board'; connection: Connection; plan: BoardSubscriptionPlan; schema: GraphQLSchema }
  | { kind: 'operation'; identity: Identity; request: FederatedRequest & { operationName?: string } };

type Extra = { socket: WebSocket; request: IncomingMessage };
type Ctx = WsContext<Record<string, unknown> | undefined, Extra>;

const PIPELINE_QUERY = 'query PipelineBoardAccess($id: ID!) { pipeline(id: $id) { id } }';

export function useSubscriptions(options: SubscriptionsOptions): Subscriptions {
  const log = options.logger;
  const path = options.path ?? '/graphql';
  const maxQueued = options.maxQueuedPerConnection ?? 1_000;
  const maxSubscriptions = options.maxSubscriptionsPerConnection ?? 100;
  const runFederated = federatedRunner(options.apollo);
  const fanout = new BoardFanout(runFederated, log);
  const connections = new Map<Ctx, Connection>();
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
    const params = ctx.connectionParams ?? {};
    const raw = params['authorization'] ?? params['Authorization'] ?? (typeof params['token'] === 'string' ? `Bearer ${params['token']}` : undefined);
    const requestId = randomUUID();
    try {
      if (typeof raw !== 'string' || raw === '') throw new AuthError('malformed', 'connection_init must carry an access token');
      const token = await options.authenticator.verifyToken(bearerToken(raw));
      const socket = ctx.extra.socket;
      const connection: Connection = {
        identity: toIdentity(token, requestId),
        subscriptions: 0,
        budget: {
          pending: 0,
          limit: maxQueued,
          onOverflow: () => {
            log.warn({ tenantId: token.tenantId, userId: token.userId }, 'closing a subscription connection that does not keep up');
            socket.close(CLOSE_TOO_SLOW, 'Too many undelivered messages');
          },
        },
      };
      const ttl = token.expiresAt - Date.now();
      connection.expiry = setTimeout(() => socket.close(CLOSE_UNAUTHORIZED, 'Token expired'), Math.max(0, Math.min(ttl, 2 ** 31 - 1)));
      connection.expiry.unref();
      connections.set(ctx, connection);
      return true;
    } catch (error) {
      const unavailable = !(error instanceof AuthError) || error.failure === 'unavailable';
      if (unavailable) log.error({ err: error }, 'subscription authentication unavailable');
      ctx.extra.socket.close(unavailable ? CLOSE_TRY_AGAIN_LATER : CLOSE_UNAUTHORIZED, unavailable ? 'Authentication unavailable' : 'Unauthorized');
      return false;
    }
  }

  async function onSubscribe(ctx: Ctx, _id: string, payload: { query: string; operationName?: string | null; variables?: Record<string, unknown> | null }): Promise<ExecutionArgs | readonly GraphQLError[]> {
    const connection = connections.get(ctx);
    const schema = options.schema();
    if (!connection || !schema) return [gatewayError('BAD_REQUEST', 'Not ready')];
    const entry = parsed(schema, payload.query);
    if ('errors' in entry) return entry.errors;
    const operationName = payload.operationName ?? undefined;
    const operation = getOperationAST(entry.document, operationName);
    if (!operation) return [gatewayError('BAD_REQUEST', 'Unable to identify operation')];

    if (operation.operation !== 'subscription') {
      const request = { query: payload.query, variables: payload.variables ?? {}, ...(operationName ? { operationName } : {}) };
      const contextValue: OperationContext = { kind: 'operation', identity: connection.identity, request };
      return { schema, document: entry.document, operationName, contextValue };
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
    if (context.kind !== 'board') return { errors: [new GraphQLError('Not a subscription')] };
    const { connection, plan, schema } = context;
    const tenantId = connection.identity.tenantId;
    if (!tenantId) return { errors: [gatewayError('UNAUTHENTICATED', 'A tenant is required')] };
    connection.subscriptions++;
    let remove = () => {};
    const queue = new EventQueue<ExecutionResult>(connection.budget, () => {
      connection.subscriptions--;
      remove();
    });
    remove = fanout.registry.add({ tenantId, pipelineId: plan.pipelineId, identity: connection.identity, plan, schema, queue });
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
      onSubscribe,
      subscribe,
      execute,
      onNext: (_ctx, _id, _payload, _args, result) => ({ ...result, ...(result.errors ? { errors: format(result.errors) } : {}) }),
      onError: (_ctx, _id, _payload, errors) => format(errors),
      onClose: (ctx) => {
        const connection = connections.get(ctx);
        if (connection?.expiry) clearTimeout(connection.expiry);
        connections.delete(ctx);
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
        topics: [topic],
        fromBeginning: false,
        handler: async (event) => {
          try {
            await fanout.deliver(event);
          } catch (error) {
            log.error({ err: error, eventId: event.id }, 'board event delivery failed');
          }
        },
      });
      await busSubscription.ready;
    },
    async stop() {
      await busSubscription?.stop();
      busSubscription = undefined;
      await server.dispose();
    },
    stats: () => ({ connections: connections.size, subscribers: fanout.registry.size }),
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
