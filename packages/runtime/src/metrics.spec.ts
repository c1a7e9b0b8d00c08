import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GraphQLError, parse } from 'graphql';
import { IDENTITY_HEADER, signIdentity } from './identity.ts';
import { createLogger } from './logger.ts';
import { createSubgraphServer, type SubgraphServer } from './subgraph.ts';
import type { Listening } from './http.ts';

const secret = randomBytes(32).toString('base64url');
let server: SubgraphServer;
let listening: Listening;

beforeAll(async () => {
  server = await createSubgraphServer({
    name: 'probe',
    signingSecret: secret,
    logger: createLogger('metrics-test', 'silent'),
    createContext: () => ({}),
    events: { consumerLag: () => [{ groupId: 'analytics.pipeline-summary', topic: 'crm.sales.events', partition: 2, lag: 7 }] },
    modules: [
      {
        typeDefs: parse('type Query { hello: String! refused: String }'),
        resolvers: {
          Query: {
            hello: () => 'hi',
            refused: () => {
              throw new GraphQLError('No', { extensions: { code: 'FORBIDDEN' } });
            },
          },
        },
      },
    ],
  });
  listening = await server.listen(0);
});
afterAll(async () => {
  await server?.stop();
});

const query = (document: string) =>
  fetch(`${listening.url}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      [IDENTITY_HEADER]: signIdentity({ tenantId: randomUUID(), userId: randomUUID(), roles: [], requestId: randomUUID() }, secret),
    },
    body: JSON.stringify({ query: document }),
  });

/** The value of the sample `name` whose labels include `labels` (label order is the exporter's). */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  for (const line of text.split('\n')) {
    const match = /^([a-z_]+)\{(.*)\} (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const present = new Map([...match[2]!.matchAll(/([a-z_]+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([key, value]) => present.get(key) === value)) return Number(match[3]);
  }
  return undefined;
}

describe('subgraph /metrics', () => {
  it('counts requests by outcome and errors by code, and reports consumer lag', async () => {
    expect((await query('{ hello }')).status).toBe(200);
    expect((await query('{ refused }')).status).toBe(200);
    const response = await fetch(`${listening.url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    const text = await response.text();
    expect(sample(text, 'subgraph_requests_total', { subgraph: 'probe', operation_type: 'query', outcome: 'ok' })).toBe(1);
    expect(sample(text, 'subgraph_requests_total', { subgraph: 'probe', operation_type: 'query', outcome: 'FORBIDDEN' })).toBe(1);
    expect(sample(text, 'subgraph_errors_total', { subgraph: 'probe', code: 'FORBIDDEN' })).toBe(1);
    expect(sample(text, 'subgraph_request_duration_seconds_count', { subgraph: 'probe', operation_type: 'query', outcome: 'ok' })).toBe(1);
    expect(sample(text, 'events_consumer_lag', { subgraph: 'probe', group: 'analytics.pipeline-summary', topic: 'crm.sales.events', partition: '2' })).toBe(7);
    expect(sample(text, 'process_cpu_seconds_total', { subgraph: 'probe' })).toBeGreaterThan(0);
  });

  it('needs no gateway signature (scrapers are not the gateway), while GraphQL still does', async () => {
    const unsigned = await fetch(`${listening.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ hello }' }) });
    expect(unsigned.status).toBe(401);
    expect((await fetch(`${listening.url}/metrics`)).status).toBe(200);
  });
});
