/**
 * Prometheus metrics of one subgraph deployable, served at `GET /metrics` next to `/health`:
 *
 * - `subgraph_requests_total{subgraph, operation_type, outcome}` and
 *   `subgraph_request_duration_seconds{subgraph, operation_type, outcome}`: GraphQL requests;
 *   outcome is `ok` or the first error's `extensions.code` (entity fetches of the gateway are
 *   operation type `query` like any other);
 * - `subgraph_errors_total{subgraph, code}`: every error returned, by code;
 * - `events_consumer_lag{subgraph, group, topic, partition}`: messages behind the end of the
 *   partition, per consumer group of the deployable (when it consumes events);
 * - Node.js process metrics (`process_*`, `nodejs_*`), labelled with the subgraph.
 *
 * The endpoint is for the cluster's scraper: in Kubernetes only the pod network reaches it
 * (subgraphs are not exposed outside the cluster).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Where a deployable's event consumers stand: messages left to read per group and partition. */
export interface ConsumerLagSource {
  consumerLag(): ReadonlyArray<{ groupId: string; topic: string; partition: number; lag: number }>;
}

export interface SubgraphMetrics {
  registry: Registry;
  plugin: ApolloServerPlugin<BaseContext>;
  /** Serves `GET /metrics`; returns false for any other request. */
  route(req: IncomingMessage, res: ServerResponse): Promise<boolean>;
}

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

export function createSubgraphMetrics(subgraph: string, options: { events?: ConsumerLagSource; processMetrics?: boolean } = {}): SubgraphMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({ subgraph });
  if (options.processMetrics !== false) collectDefaultMetrics({ register: registry });
  const requests = new Counter({ name: 'subgraph_requests_total', help: 'GraphQL requests', labelNames: ['operation_type', 'outcome'], registers: [registry] });
  const duration = new Histogram({
    name: 'subgraph_request_duration_seconds',
    help: 'GraphQL request duration',
    labelNames: ['operation_type', 'outcome'],
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  const errors = new Counter({ name: 'subgraph_errors_total', help: 'Errors returned, by extensions.code', labelNames: ['code'], registers: [registry] });
  const events = options.events;
  if (events) {
    new Gauge({
      name: 'events_consumer_lag',
      help: 'Messages behind the end of the partition, per consumer group',
      labelNames: ['group', 'topic', 'partition'],
      registers: [registry],
      collect() {
        this.reset();
        for (const { groupId, topic, partition, lag } of events.consumerLag()) this.set({ group: groupId, topic, partition: String(partition) }, lag);
      },
    });
  }

  const plugin: ApolloServerPlugin<BaseContext> = {
    async requestDidStart() {
      const started = process.hrtime.bigint();
      let operationType = 'unknown';
      return {
        async didResolveOperation({ operation }) {
          operationType = operation?.operation ?? 'unknown';
        },
        async willSendResponse({ response }) {
          const body = response.body.kind === 'single' ? response.body.singleResult : response.body.initialResult;
          const codes = (body.errors ?? []).map((error) => String(error.extensions?.['code'] ?? 'INTERNAL_SERVER_ERROR'));
          for (const code of codes) errors.inc({ code });
          const labels = { operation_type: operationType, outcome: codes[0] ?? 'ok' };
          requests.inc(labels);
          duration.observe(labels, Number(process.hrtime.bigint() - started) / 1e9);
        },
      };
    },
  };

  return {
    registry,
    plugin,
    async route(req, res) {
      if (req.method !== 'GET' || new URL(req.url ?? '/', 'http://subgraph').pathname !== '/metrics') return false;
      const text = await registry.metrics();
      res.writeHead(200, { 'content-type': registry.contentType });
      res.end(text);
      return true;
    },
  };
}
