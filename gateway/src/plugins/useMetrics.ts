/**
 * Prometheus metrics at `GET /metrics` (text exposition format), one registry per gateway:
 *
 * - `gateway_requests_total{operation_type, outcome}` and
 *   `gateway_request_duration_seconds{operation_type, outcome}`: GraphQL requests, those answered
 *   without the Apollo pipeline (BI reads from the response cache) included; outcome is `ok` or
 *   the first error's `extensions.code`;
 * - `gateway_subgraph_fetch_duration_seconds{subgraph, outcome}`: each subgraph request;
 * - `gateway_operation_cost`: estimated cost of accepted operations;
 * - `gateway_rejections_total{reason}`: rate-limit and cost refusals;
 * - `gateway_websocket_connections`: open graphql-ws connections; `gateway_subscriptions`: their active subscriptions;
 * - Node.js process metrics (`process_*`, `nodejs_*`).
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { ApolloServerPlugin } from '@apollo/server';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { GatewayContext } from '../context.ts';

export interface MetricsOptions {
  /** Serve `/metrics`. Default true. */
  enabled?: boolean;
  /** Path of the endpoint. Default `/metrics`. */
  path?: string;
  /** Include Node.js process metrics. Default true. */
  processMetrics?: boolean;
}

export interface Metrics {
  registry: Registry;
  /** Apollo plugin timing requests. */
  plugin: ApolloServerPlugin<GatewayContext>;
  /** Serves the metrics path in front of `handler`. */
  wrap(handler: RequestListener): RequestListener;
  subgraphFetch(subgraph: string, seconds: number, outcome: 'ok' | 'error' | 'unavailable'): void;
  /** Records a request answered without the Apollo pipeline, as the plugin records those through it. */
  request(operationType: string, outcome: string, seconds: number): void;
  rejected(reason: string): void;
  cost(estimated: number): void;
  /** Reads the open websocket connections and their active subscriptions at scrape time. */
  connections(read: () => { connections: number; subscribers: number }): void;
}

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export function useMetrics(options: MetricsOptions = {}): Metrics {
  const registry = new Registry();
  if (options.processMetrics !== false) collectDefaultMetrics({ register: registry });
  const path = options.path ?? '/metrics';
  const requests = new Counter({ name: 'gateway_requests_total', help: 'GraphQL requests', labelNames: ['operation_type', 'outcome'], registers: [registry] });
  const duration = new Histogram({
    name: 'gateway_request_duration_seconds',
    help: 'GraphQL request duration',
    labelNames: ['operation_type', 'outcome'],
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  const fetches = new Histogram({
    name: 'gateway_subgraph_fetch_duration_seconds',
    help: 'Subgraph request duration',
    labelNames: ['subgraph', 'outcome'],
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  const costs = new Histogram({ name: 'gateway_operation_cost', help: 'Estimated cost of accepted operations', buckets: [1, 5, 10, 50, 100, 500, 1000, 5000, 10000], registers: [registry] });
  const rejections = new Counter({ name: 'gateway_rejections_total', help: 'Requests refused by rate limits and demand control', labelNames: ['reason'], registers: [registry] });
  let readConnections: () => { connections: number; subscribers: number } = () => ({ connections: 0, subscribers: 0 });
  new Gauge({
    name: 'gateway_websocket_connections',
    help: 'Open graphql-ws connections',
    registers: [registry],
    collect() {
      this.set(readConnections().connections);
    },
  });
  new Gauge({
    name: 'gateway_subscriptions',
    help: 'Active subscriptions (boards, notifications, import progress) over graphql-ws',
    registers: [registry],
    collect() {
      this.set(readConnections().subscribers);
    },
  });

  const record = (operationType: string, outcome: string, seconds: number) => {
    requests.inc({ operation_type: operationType, outcome });
    duration.observe({ operation_type: operationType, outcome }, seconds);
  };

  return {
    registry,
    plugin: {
      async requestDidStart() {
        const started = process.hrtime.bigint();
        return {
          async willSendResponse({ operation, response, errors }) {
            const operationType = operation?.operation ?? 'unknown';
            const body = response.body.kind === 'single' ? response.body.singleResult : undefined;
            const first = errors?.[0] ?? body?.errors?.[0];
            const code = first?.extensions?.code;
            const outcome = first ? (typeof code === 'string' ? code : 'INTERNAL_SERVER_ERROR') : 'ok';
            record(operationType, outcome, Number(process.hrtime.bigint() - started) / 1e9);
          },
        };
      },
    },
    wrap(handler) {
      if (options.enabled === false) return handler;
      return (req: IncomingMessage, res: ServerResponse) => {
        if (req.method === 'GET' && (req.url ?? '').split('?')[0] === path) {
          registry.metrics().then(
            (text) => {
              res.writeHead(200, { 'content-type': registry.contentType });
              res.end(text);
            },
            () => {
              res.writeHead(500, { 'content-type': 'text/plain' });
              res.end('metrics unavailable');
            },
          );
          return;
        }
        return handler(req, res);
      };
    },
    subgraphFetch(subgraph, seconds, outcome) {
      fetches.observe({ subgraph, outcome }, seconds);
    },
    request: record,
    rejected(reason) {
      rejections.inc({ reason });
    },
    cost(estimated) {
      costs.observe(estimated);
    },
    connections(read) {
      readConnections = read;
    },
  };
}
