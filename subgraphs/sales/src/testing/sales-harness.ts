/**
 * Test harness for the sales subgraph against real PostgreSQL: a scratch database
 * (`crm_sales_test_<random>`, created as the `postgres` superuser, used as `crm_app` so row-level
 * security applies, dropped on close), the subgraph on a free port, an in-process bus, and a
 * client that signs identity headers the way the gateway does.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { openDatabase, type Database } from '@crm/db';
import { createInProcessBus, type InProcessBus } from '@crm/events';
import { createLogger, IDENTITY_HEADER, signIdentity, type Identity } from '@crm/runtime';
import { PrismaClient } from '../__generated__/prisma/client.ts';
import type { Actor } from '../context.ts';
import type { RecordDirectory } from '@crm/runtime';
import { createSalesSubgraph, salesPaths, type SalesSubgraph, type TeamDirectory } from '../index.ts';

const SERVER = 'postgresql://%s@127.0.0.1:5432/%s';
const urlOf = (user: string, database: string) => SERVER.replace('%s', user).replace('%s', database);
export const TEST_SIGNING_SECRET = 'sales-test-signing-secret-0123456789abcdef';

export interface GraphQLResult<T> {
  status: number;
  data?: T | null;
  errors?: Array<{ message: string; path?: Array<string | number>; extensions?: { code?: string; field?: string } }>;
}

export interface CallOptions {
  /** Tenant of the caller; null for an anonymous (signed, tenantless) caller. */
  tenantId: string | null;
  userId?: string | null;
  /** Send no identity header at all. */
  unsigned?: boolean;
  /** Sign with another secret (a forged header). */
  secret?: string;
  /** Roles of the caller. Default `TENANT_ADMIN` (every record of the tenant). */
  roles?: string[];
  /** Team facts of the caller, as the gateway adds them. */
  teamId?: string | null;
  teamMemberIds?: string[];
  /** Further identity facts the gateway signs (e.g. `maskDealAmountsOutsideTeam`, `customGrants`). */
  identity?: Partial<Omit<Identity, 'tenantId' | 'userId' | 'roles' | 'requestId'>>;
}

export interface SalesHarness {
  subgraph: SalesSubgraph;
  database: Database;
  bus: InProcessBus;
  /** Base client connected as the application role, without tenant context. */
  prisma: PrismaClient;
  /** Superuser client on the scratch database (bypasses RLS), for asserting on raw tables. */
  admin: PrismaClient;
  url: string;
  /** A fresh tenant id: each test owns its tenants. */
  tenant(): string;
  actor(): Actor;
  call<T = Record<string, unknown>>(query: string, variables: Record<string, unknown>, options: CallOptions): Promise<GraphQLResult<T>>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  /** Start the outbox relay (default true). Off for tests that count statements exactly. */
  relay?: boolean;
  /** Where tenant-wide team forecasts get the tenant's teams (see `SalesSubgraphDeps.teams`). */
  teams?: TeamDirectory;
  /**
   * Whether referenced accounts, contacts, leads and users are the tenant's. Default: every one is
   * (sales runs alone here, without the subgraphs that own them); the end-to-end suite checks the real thing.
   */
  records?: RecordDirectory;
}

/** Sales alone: every referenced record counts as the tenant's. */
export const everyRecordExists: RecordDirectory = { missing: async () => [] };

export async function startSalesHarness(options: HarnessOptions = {}): Promise<SalesHarness> {
  const name = `crm_sales_test_${randomBytes(6).toString('hex')}`;
  const server = await openDatabase({ kind: 'postgres', url: urlOf('postgres', 'postgres'), poolSize: 1 });
  const root = new PrismaClient({ adapter: server.adapter });
  await root.$executeRawUnsafe(`CREATE DATABASE "${name}"`);

  const database = await openDatabase({ kind: 'postgres', url: urlOf('crm_app:crm_app', name), migrationUrl: urlOf('postgres', name) });
  await database.migrate(salesPaths.migrationsDir, salesPaths.schemaPath);
  const adminDatabase = await openDatabase({ kind: 'postgres', url: urlOf('postgres', name), poolSize: 2 });
  const admin = new PrismaClient({ adapter: adminDatabase.adapter });

  const bus = createInProcessBus();
  const subgraph = await createSalesSubgraph({ database, bus, signingSecret: TEST_SIGNING_SECRET, logger: createLogger('sales-test', 'silent'), ...(options.teams ? { teams: options.teams } : {}), records: options.records ?? everyRecordExists });
  const listening = options.relay === false ? await subgraph.server.listen(0) : await subgraph.start(0);
  const url = `${listening.url}/graphql`;

  return {
    subgraph,
    database,
    bus,
    prisma: subgraph.prisma,
    admin,
    url,
    tenant: () => randomUUID(),
    actor: () => ({ userId: randomUUID(), kind: 'user' }),
    async call<T>(query: string, variables: Record<string, unknown>, call: CallOptions) {
      const identity: Identity = {
        tenantId: call.tenantId,
        userId: call.userId ?? randomUUID(),
        roles: call.roles ?? ['TENANT_ADMIN'],
        requestId: randomUUID(),
        ...(call.teamId !== undefined ? { teamId: call.teamId } : {}),
        ...(call.teamMemberIds ? { teamMemberIds: call.teamMemberIds } : {}),
        ...call.identity,
      };
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (!call.unsigned) headers[IDENTITY_HEADER] = signIdentity(identity, call.secret ?? TEST_SIGNING_SECRET);
      const response = await fetch(url, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
      const body = (await response.json()) as Omit<GraphQLResult<T>, 'status'>;
      return { status: response.status, ...body };
    },
    async close() {
      await subgraph.stop();
      await bus.close();
      await database.close();
      await admin.$disconnect();
      await adminDatabase.close();
      await root.$executeRawUnsafe(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await root.$disconnect();
      await server.close();
    },
  };
}
