/**
 * Test harness for one subgraph: a scratch PostgreSQL database (created and migrated as the owner,
 * served as the application role so row-level security applies, dropped on close), an in-process
 * bus that records what the subgraph publishes, and a small client that signs identities the way
 * the gateway does.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import pg from 'pg';
import { openDatabase, type Database } from '@crm/db';
import { createInProcessBus, topicOf, type EventBus, type EventDomain, type EventEnvelope } from '@crm/events';
import { createLogger, IDENTITY_HEADER, signIdentity, type Identity, type Listening, type Logger } from '@crm/runtime';

const SERVER = '127.0.0.1:5432';

export interface GraphQLResult<T> {
  status: number;
  data?: T | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: { code?: string; field?: string } }[];
}

/** What a subgraph factory receives from the harness. */
export interface HarnessDeps {
  database: Database;
  bus: EventBus;
  signingSecret: string;
  logger: Logger;
}

export interface HarnessedSubgraph {
  start(port: number): Promise<Listening>;
  stop(): Promise<void>;
}

export interface SubgraphHarness<S extends HarnessedSubgraph> {
  subgraph: S;
  database: Database;
  bus: EventBus;
  url: string;
  /** A fresh tenant with one signed-in user. */
  newTenant(): { tenantId: string; userId: string; identity: Identity };
  /** POSTs a GraphQL request; `identity: null` sends no identity header. */
  request<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>, identity?: Identity | null): Promise<GraphQLResult<T>>;
  /** Events published on the subgraph's topic since start. */
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

export interface ScratchDatabase {
  name: string;
  database: Database;
  /** Closes the database and drops it (closing its connections first). */
  drop(): Promise<void>;
}

/** A new, empty PostgreSQL database `crm_<prefix>_test_<random>`, opened as the application role. */
export async function scratchDatabase(prefix: string): Promise<ScratchDatabase> {
  const name = `crm_${prefix}_test_${randomBytes(6).toString('hex')}`;
  await withAdmin((admin) => admin.query(`CREATE DATABASE ${name}`));
  const database = await openDatabase({
    kind: 'postgres',
    url: `postgresql://crm_app:crm_app@${SERVER}/${name}`,
    migrationUrl: `postgresql://postgres@${SERVER}/${name}`,
  });
  return {
    name,
    database,
    async drop() {
      await database.close();
      await withAdmin((admin) => admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}

export async function startSubgraphHarness<S extends HarnessedSubgraph>(options: {
  domain: EventDomain;
  paths: { migrationsDir: string; schemaPath: string };
  create: (deps: HarnessDeps) => Promise<S>;
}): Promise<SubgraphHarness<S>> {
  const scratch = await scratchDatabase(options.domain);
  const { database } = scratch;
  await database.migrate(options.paths.migrationsDir, options.paths.schemaPath);
  const bus = createInProcessBus();
  const published: EventEnvelope[] = [];
  const subscription = await bus.subscribe({
    groupId: `harness-${scratch.name}`,
    topics: [topicOf(options.domain)],
    handler: async (event) => {
      published.push(event);
    },
  });
  await subscription.ready;
  const signingSecret = randomBytes(32).toString('base64url');
  const subgraph = await options.create({ database, bus, signingSecret, logger: createLogger(options.domain, 'silent') });
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
      await scratch.drop();
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

export { startSmtpSink, type ReceivedMail, type SinkReply, type SmtpSink } from './smtp-sink.ts';
