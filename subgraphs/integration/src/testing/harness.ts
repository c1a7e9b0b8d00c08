/**
 * Test harness: an integration subgraph on a scratch PostgreSQL database (created and migrated as the
 * owner, served as the application role so row-level security applies), an in-process bus, and a
 * small client that signs identities the way the gateway does.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import pg from 'pg';
import { openDatabase, type Database } from '@crm/db';
import { createInProcessBus, topicOf, type EventBus, type EventEnvelope } from '@crm/events';
import { createLogger, IDENTITY_HEADER, signIdentity, type Identity } from '@crm/runtime';
import { createIntegrationSubgraph, integrationPaths, type IntegrationSubgraph } from '../index.ts';

const SERVER = '127.0.0.1:5432';

export interface GraphQLResult<T> {
  status: number;
  data?: T | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: { code?: string; field?: string } }[];
}

export interface IntegrationHarness {
  subgraph: IntegrationSubgraph;
  database: Database;
  bus: EventBus;
  url: string;
  /** A fresh tenant with one signed-in user. */
  newTenant(): { tenantId: string; userId: string; identity: Identity };
  /** POSTs a GraphQL request; `identity: null` sends no identity header. */
  request<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>, identity?: Identity | null): Promise<GraphQLResult<T>>;
  /** Events published on `crm.integration.events` since start. */
  published: EventEnvelope[];
  close(): Promise<void>;
}

async function withAdmin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: `postgresql://postgres@${SERVER}/postgres` });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export async function startIntegrationHarness(): Promise<IntegrationHarness> {
  const name = `crm_integration_test_${randomBytes(6).toString('hex')}`;
  await withAdmin((admin) => admin.query(`CREATE DATABASE ${name}`));
  const database = await openDatabase({
    kind: 'postgres',
    url: `postgresql://crm_app:crm_app@${SERVER}/${name}`,
    migrationUrl: `postgresql://postgres@${SERVER}/${name}`,
  });
  await database.migrate(integrationPaths.migrationsDir, integrationPaths.schemaPath);
  const bus = createInProcessBus();
  const published: EventEnvelope[] = [];
  const subscription = await bus.subscribe({
    groupId: `harness-${name}`,
    topics: [topicOf('integration')],
    handler: async (event) => {
      published.push(event);
    },
  });
  await subscription.ready;
  const signingSecret = randomBytes(32).toString('base64url');
  const secretKey = randomBytes(32);
  const subgraph = await createIntegrationSubgraph({
    database,
    bus,
    signingSecret,
    logger: createLogger('integration', 'silent'),
    secretKey,
  });
  const listening = await subgraph.start(0);
  const url = `${listening.url}/graphql`;

  return {
    subgraph,
    database,
    bus,
    url,
    published,
    newTenant() {
      const tenantId = randomUUID();
      const userId = randomUUID();
      return { tenantId, userId, identity: { tenantId, userId, roles: ['tenant_admin'], requestId: randomUUID() } };
    },
    async request<T>(query: string, variables: Record<string, unknown> = {}, identity: Identity | null = null) {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (identity) headers[IDENTITY_HEADER] = signIdentity(identity, signingSecret);
      const response = await fetch(url, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
      const body = (await response.json()) as Omit<GraphQLResult<T>, 'status'>;
      return { status: response.status, ...body };
    },
    async close() {
      await subgraph.stop();
      await subscription.stop();
      await bus.close();
      await database.close();
      await withAdmin((admin) => admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}

/** Statements the database received while `fn` ran, leaving out the outbox relay's own polling. */
export async function dataStatementsDuring(database: Database, fn: () => Promise<unknown>): Promise<string[]> {
  const before = database.statements.count;
  await fn();
  const sent = database.statements.count - before;
  const recent = sent > 0 ? database.statements.queries.slice(-sent) : [];
  return recent.filter((sql) => !/"OutboxEvent"|pg_try_advisory_xact_lock/.test(sql));
}
