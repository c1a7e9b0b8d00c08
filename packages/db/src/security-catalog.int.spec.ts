/**
 * Row-level security as deployed, read from PostgreSQL's catalog of every subgraph database
 * (`DATABASE_URL_<DOMAIN>`, the application role the subgraphs connect with):
 * - every table with a "tenantId" column has row-level security enabled AND forced, with a policy
 *   on `app.tenant_id` (except the internal cross-tenant work tables listed below, with reasons);
 * - the application role is not a superuser, has no BYPASSRLS (nor inherits either from a role it
 *   is a member of), and owns no table;
 * - a fresh connection carries no tenant, and sees no row of any tenant table.
 * Then, on a pool of ONE connection, a query after another tenant's transaction (committed or
 * rolled back) sees none of that tenant's rows: `app.tenant_id` never leaks between requests.
 */
import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DOMAINS, databaseConfigFor } from './cli/migrate.ts';
import { openDatabase, type Database } from './database.ts';
import { forTenant, withTenantTransaction } from './tenancy.ts';
import { createScratchPostgres, fixtureSchema, loadFixtureClient, prepareMigrations, type FixtureModule, type ScratchPostgres } from '../test/helpers.ts';

function appUrlOf(domain: (typeof DOMAINS)[number]): string {
  const config = databaseConfigFor(domain, process.env);
  if (config.kind !== 'postgres') throw new Error(`DATABASE_URL_${domain.toUpperCase()} is not set: run with scripts/lib/real-env.sh`);
  return config.url;
}

async function asApp<R extends pg.QueryResultRow>(url: string, run: (client: pg.Client) => Promise<R[]>): Promise<R[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

/**
 * Internal tables that carry a "tenantId" but are read across tenants by background work, and are
 * never reachable through GraphQL. Each one is documented where it is created; anything not listed
 * here must be protected.
 */
const CROSS_TENANT_INTERNAL: Record<string, string> = {
  OutboxEvent: 'transactional outbox, published by the relay across tenants (packages/events/README.md)',
  ImportQueue: 'customer: import runners claim jobs across tenants, then work inside the job’s tenant',
  ActivityReminder: 'sales: the reminder job claims due reminders across tenants (ids and times only)',
  ForecastSnapshotDay: 'sales: the snapshot job finds whom to snapshot (tenant ids and days only)',
};

const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;

describe.each(DOMAINS)('crm_%s as deployed', (domain) => {
  it('forces row-level security on every tenant table, for a role that cannot bypass it', async () => {
    const url = appUrlOf(domain);
    await asApp(url, async (client) => {
      const [role] = (
        await client.query<{ name: string; super: boolean; bypass: boolean }>('SELECT rolname AS name, rolsuper AS super, rolbypassrls AS bypass FROM pg_roles WHERE rolname = current_user')
      ).rows;
      expect(role).toMatchObject({ super: false, bypass: false });
      const powerful = await client.query<{ rolname: string }>(
        "SELECT rolname FROM pg_roles WHERE (rolsuper OR rolbypassrls) AND rolname <> current_user AND pg_has_role(current_user, oid, 'MEMBER')",
      );
      expect(powerful.rows.map((row) => row.rolname), 'roles the application role inherits from that bypass RLS').toEqual([]);

      const owned = await client.query<{ relname: string }>(
        "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND pg_has_role(current_user, c.relowner, 'USAGE')",
      );
      expect(owned.rows.map((row) => row.relname), `tables the application role ${role!.name} owns`).toEqual([]);

      const tables = (
        await client.query<{ relname: string; enabled: boolean; forced: boolean; policies: string[] }>(
          `SELECT c.relname, c.relrowsecurity AS enabled, c.relforcerowsecurity AS forced,
                  -- the row filters (USING) of the table's policies; an INSERT-only policy (the audit log's) has none
                  coalesce(array_agg(pg_get_expr(p.polqual, p.polrelid) ORDER BY p.polname) FILTER (WHERE p.polqual IS NOT NULL), '{}') AS policies
             FROM pg_class c
             JOIN pg_namespace n ON n.oid = c.relnamespace
             JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'tenantId' AND NOT a.attisdropped
             LEFT JOIN pg_policy p ON p.polrelid = c.oid
            WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
            GROUP BY c.relname, c.relrowsecurity, c.relforcerowsecurity
            ORDER BY c.relname`,
        )
      ).rows;
      expect(tables.length, 'tenant tables').toBeGreaterThan(0);
      const unprotected = tables
        .filter((table) => !(table.relname in CROSS_TENANT_INTERNAL))
        .filter((table) => !table.enabled || !table.forced || !table.policies.some((qual) => qual.includes('app.tenant_id')))
        .map((table) => `${table.relname} (enabled ${table.enabled}, forced ${table.forced}, policies ${JSON.stringify(table.policies)})`);
      expect(unprotected).toEqual([]);

      // a fresh connection has no tenant and sees nothing of any tenant
      const [setting] = (await client.query<{ tenant: string | null }>("SELECT current_setting('app.tenant_id', true) AS tenant")).rows;
      expect(setting?.tenant ?? '').toBe('');
      const visible: string[] = [];
      for (const table of tables.filter((table) => !(table.relname in CROSS_TENANT_INTERNAL))) {
        const [row] = (await client.query<{ n: string }>(`SELECT count(*)::text AS n FROM ${quote(table.relname)}`)).rows;
        if (row?.n !== '0') visible.push(`${table.relname}: ${row?.n}`);
      }
      expect(visible, 'tenant rows visible without a tenant').toEqual([]);
      return [];
    });
  });
});

type Client = InstanceType<FixtureModule['PrismaClient']>;
type Data = { title: string; tenantId: string };

describe('a pool of one connection', () => {
  let scratch: ScratchPostgres;
  let db: Database;
  let prisma: Client;

  beforeAll(async () => {
    const [{ PrismaClient }, migrations] = await Promise.all([loadFixtureClient(), prepareMigrations()]);
    scratch = await createScratchPostgres();
    db = await openDatabase({ kind: 'postgres', url: scratch.appUrl, poolSize: 1 });
    await db.migrate(migrations.dir, fixtureSchema);
    await rm(migrations.dir, { recursive: true });
    prisma = new PrismaClient({ adapter: db.adapter });
  });
  afterAll(async () => {
    await prisma?.$disconnect();
    await db?.close();
    await scratch?.drop();
  });

  it('never carries one tenant’s app.tenant_id into the next request on the same connection', async () => {
    const tenantA = randomUUID();
    const tenantB = randomUUID();
    await withTenantTransaction(prisma, tenantA, (tx) => tx.note.createMany({ data: [{ title: 'A1' }, { title: 'A2' }] as Data[] }));

    // the one connection just ran A's transaction: B, and a query without a tenant, see nothing of A
    expect(await forTenant(prisma, tenantB).note.findMany()).toEqual([]);
    await forTenant(prisma, tenantA).note.count();
    expect(await prisma.$queryRaw<{ tenant: string | null }[]>`SELECT current_setting('app.tenant_id', true) AS tenant`).toEqual([{ tenant: expect.toSatisfy((value: string | null) => !value) }]);
    expect(await prisma.$queryRaw`SELECT title FROM "Note"`).toEqual([]);
    expect(await prisma.note.findMany()).toEqual([]);

    // after a rolled-back transaction of A
    await expect(
      withTenantTransaction(prisma, tenantA, async (tx) => {
        await tx.note.findMany();
        throw new Error('request failed');
      }),
    ).rejects.toThrow('request failed');
    expect(await forTenant(prisma, tenantB).note.count()).toBe(0);
    expect(await prisma.$queryRaw`SELECT title FROM "Note"`).toEqual([]);

    // interleaved requests of both tenants queue on the one connection; each sees only its own rows
    await withTenantTransaction(prisma, tenantB, (tx) => tx.note.create({ data: { title: 'B1' } as Data }));
    const reads = await Promise.all(
      Array.from({ length: 20 }, (_, i) => {
        const tenant = i % 2 ? tenantB : tenantA;
        return forTenant(prisma, tenant)
          .note.findMany({ orderBy: { title: 'asc' } })
          .then((notes) => ({ tenant, titles: notes.map((note) => note.title), tenants: [...new Set(notes.map((note) => note.tenantId))] }));
      }),
    );
    for (const read of reads) {
      expect(read.tenants).toEqual([read.tenant]);
      expect(read.titles).toEqual(read.tenant === tenantA ? ['A1', 'A2'] : ['B1']);
    }
  });
});
