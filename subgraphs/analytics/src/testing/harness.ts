/**
 * Test harness: a scratch PostgreSQL database (created and dropped per test file, migrated as the
 * owner, used as the application role so row-level security applies), an in-process bus and a
 * started analytics subgraph, plus a GraphQL client that signs the identity header as the
 * gateway does.
 */
import { randomUUID } from 'node:crypto';
import type { Database } from '@crm/db';
import { scratchDatabase } from '@crm/subgraph-harness';
import { createInProcessBus, type InProcessBus } from '@crm/events';
import { createLogger, IDENTITY_HEADER, signIdentity, type Identity } from '@crm/runtime';
import { analyticsPaths, createAnalyticsSubgraph, type AnalyticsSubgraph, type ConsumerTuning } from '../index.ts';

export const SIGNING_SECRET = 'analytics-test-signing-secret-0123456789';

export interface GraphQLResult<T = Record<string, unknown>> {
  status: number;
  data?: T;
  errors?: { message: string; extensions?: { code?: string } }[];
}

export interface AnalyticsHarness {
  subgraph: AnalyticsSubgraph;
  database: Database;
  bus: InProcessBus;
  url: string;
  /** POSTs a GraphQL request; `identity: null` sends no identity header. */
  graphql<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>, identity?: Identity | null): Promise<GraphQLResult<T>>;
  close(): Promise<void>;
}

export const identityOf = (tenantId: string | null, userId: string | null = randomUUID()): Identity => ({
  tenantId,
  userId,
  roles: ['sales_rep'],
  requestId: randomUUID(),
});

export async function startAnalyticsHarness(options: { consumer?: ConsumerTuning } = {}): Promise<AnalyticsHarness> {
  const scratch = await scratchDatabase('analytics');
  const { database } = scratch;
  await database.migrate(analyticsPaths.migrationsDir, analyticsPaths.schemaPath);
  const bus = createInProcessBus();
  const subgraph = await createAnalyticsSubgraph({
    database,
    bus,
    signingSecret: SIGNING_SECRET,
    logger: createLogger('analytics-test', 'silent'),
    ...(options.consumer ? { consumer: options.consumer } : {}),
  });
  const listening = await subgraph.start(0);
  await subgraph.consumerReady;
  const url = `${listening.url}/graphql`;

  return {
    subgraph,
    database,
    bus,
    url,
    async graphql(query, variables = {}, identity = identityOf(randomUUID())) {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (identity) headers[IDENTITY_HEADER] = signIdentity(identity, SIGNING_SECRET);
      const response = await fetch(url, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
      return { status: response.status, ...((await response.json()) as Omit<GraphQLResult, 'status'>) } as GraphQLResult<never>;
    },
    async close() {
      await subgraph.stop();
      await bus.close();
      await scratch.drop();
    },
  };
}
