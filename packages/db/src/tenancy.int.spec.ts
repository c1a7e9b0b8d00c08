import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database, type DatabaseConfig } from './database.ts';
import { forTenant, withTenantTransaction } from './tenancy.ts';
import { createScratchPostgres, fixtureSchema, loadFixtureClient, prepareMigrations, type FixtureModule, type ScratchPostgres } from '../test/helpers.ts';

type Client = InstanceType<FixtureModule['PrismaClient']>;

interface Backend {
  name: string;
  /** Returns the config and a cleanup. */
  setup(): Promise<{ config: DatabaseConfig; cleanup(): Promise<void> }>;
}

const backends: Backend[] = [
  {
    name: 'PGlite (embedded, session role crm_app)',
    setup: async () => ({ config: { kind: 'pglite', dataDir: 'memory://' }, cleanup: async () => {} }),
  },
  {
    name: 'PostgreSQL (application role without BYPASSRLS)',
    setup: async () => {
      const scratch: ScratchPostgres = await createScratchPostgres();
      return { config: { kind: 'postgres', url: scratch.appUrl }, cleanup: () => scratch.drop() };
    },
  },
];

describe.each(backends)('tenancy on $name', (backend) => {
  let db: Database;
  let prisma: Client;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    const [{ PrismaClient }, migrations, env] = await Promise.all([loadFixtureClient(), prepareMigrations(), backend.setup()]);
    cleanup = env.cleanup;
    db = await openDatabase(env.config);
    await db.migrate(migrations.dir, fixtureSchema);
    await rm(migrations.dir, { recursive: true });
    prisma = new PrismaClient({ adapter: db.adapter });
  });

  afterAll(async () => {
    await prisma?.$disconnect();
    await db?.close();
    await cleanup?.();
  });

  it('adds tenantId to created rows and reads only the tenant’s rows', async () => {
    const tenantA = randomUUID();
    const tenantB = randomUUID();
    const a = forTenant(prisma, tenantA);
    const b = forTenant(prisma, tenantB);
    const note = await a.note.create({ data: { title: 'A1' } as { title: string; tenantId: string } });
    expect(note.tenantId).toBe(tenantA);
    await a.note.createMany({ data: [{ title: 'A2' }, { title: 'A3' }] as { title: string; tenantId: string }[] });
    await b.note.create({ data: { title: 'B1', tenantId: tenantA } });

    expect((await a.note.findMany({ orderBy: { title: 'asc' } })).map((n) => n.title)).toEqual(['A1', 'A2', 'A3']);
    expect((await b.note.findMany()).map((n) => [n.title, n.tenantId])).toEqual([['B1', tenantB]]);
    expect(await b.note.count()).toBe(1);
    expect(await b.note.findUnique({ where: { id: note.id } })).toBeNull();
    expect(await b.note.findFirst({ where: { title: 'A1' } })).toBeNull();
    expect(await a.note.findUnique({ where: { id: note.id } })).toMatchObject({ id: note.id, title: 'A1' });
  });

  it('never lets a tenant update or delete another tenant’s row, even by id', async () => {
    const a = forTenant(prisma, randomUUID());
    const b = forTenant(prisma, randomUUID());
    const note = await a.note.create({ data: { title: 'mine' } as { title: string; tenantId: string } });

    await expect(b.note.update({ where: { id: note.id }, data: { title: 'stolen' } })).rejects.toMatchObject({ code: 'P2025' });
    await expect(b.note.updateMany({ where: { id: note.id }, data: { title: 'stolen' } })).resolves.toEqual({ count: 0 });
    await expect(b.note.delete({ where: { id: note.id } })).rejects.toMatchObject({ code: 'P2025' });
    await expect(b.note.deleteMany({ where: { id: note.id } })).resolves.toEqual({ count: 0 });
    // An upsert by the other tenant's id creates the caller's own row instead of touching the existing one.
    const upserted = await b.note.upsert({ where: { id: note.id }, update: { title: 'stolen' }, create: { title: 'theirs' } as { title: string; tenantId: string } });
    expect(upserted.id).not.toBe(note.id);

    expect(await a.note.findUnique({ where: { id: note.id } })).toMatchObject({ title: 'mine' });
    await expect(a.note.update({ where: { id: note.id }, data: { title: 'renamed' } })).resolves.toMatchObject({ title: 'renamed' });
  });

  it('leaves models without tenantId unscoped', async () => {
    const key = `theme-${randomUUID()}`;
    await forTenant(prisma, randomUUID()).setting.create({ data: { key, value: 'dark' } });
    expect(await forTenant(prisma, randomUUID()).setting.findUnique({ where: { key } })).toEqual({ key, value: 'dark' });
  });

  it('refuses a missing or malformed tenant id', () => {
    expect(() => forTenant(prisma, '')).toThrow(expect.objectContaining({ extensions: expect.objectContaining({ code: 'FORBIDDEN' }) }));
    expect(() => forTenant(prisma, 'not-a-uuid')).toThrow(/valid tenant/);
  });

  it('row-level security hides rows from, and rejects writes by, raw SQL without a tenant', async () => {
    const tenant = randomUUID();
    const note = await forTenant(prisma, tenant).note.create({ data: { title: 'secret' } as { title: string; tenantId: string } });

    expect(await prisma.$queryRaw`SELECT id FROM "Note" WHERE id = ${note.id}`).toEqual([]);
    await expect(prisma.$executeRaw`INSERT INTO "Note" (id, "tenantId", title) VALUES (${randomUUID()}, ${tenant}, 'raw')`).rejects.toThrow(/row-level security/);
    expect(await prisma.note.findMany({ where: { id: note.id } })).toEqual([]);

    const seen = await withTenantTransaction(prisma, tenant, (tx) => tx.$queryRaw<{ title: string }[]>`SELECT title FROM "Note"`);
    expect(seen).toEqual([{ title: 'secret' }]);
    const other = await withTenantTransaction(prisma, randomUUID(), (tx) => tx.$queryRaw<{ title: string }[]>`SELECT title FROM "Note" WHERE id = ${note.id}`);
    expect(other).toEqual([]);
  });

  it('withTenantTransaction scopes model calls, sees its own writes, and rolls back on error', async () => {
    const tenant = randomUUID();
    const created = await withTenantTransaction(prisma, tenant, async (tx) => {
      const note = await tx.note.create({ data: { title: 'in tx' } as { title: string; tenantId: string } });
      expect(await tx.note.count()).toBe(1);
      return note;
    });
    expect(created.tenantId).toBe(tenant);

    await expect(
      withTenantTransaction(prisma, tenant, async (tx) => {
        await tx.note.create({ data: { title: 'rolled back' } as { title: string; tenantId: string } });
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect((await forTenant(prisma, tenant).note.findMany()).map((n) => n.title)).toEqual(['in tx']);
  });

  it('sets the tenant context for transactions started on a tenant-scoped client', async () => {
    const tenant = randomUUID();
    const scoped = forTenant(prisma, tenant);
    const viaInteractive = await scoped.$transaction(async (tx) => {
      await tx.note.create({ data: { title: 'interactive' } as { title: string; tenantId: string } });
      return tx.$queryRaw<{ title: string }[]>`SELECT title FROM "Note"`;
    });
    expect(viaInteractive).toEqual([{ title: 'interactive' }]);

    const [created, count] = await scoped.$transaction([
      scoped.note.create({ data: { title: 'batch' } as { title: string; tenantId: string } }),
      scoped.note.count(),
    ]);
    expect(created.tenantId).toBe(tenant);
    expect(count).toBe(2);

    const nested = await withTenantTransaction(scoped, tenant, (tx) => tx.note.count());
    expect(nested).toBe(2);
    // An unscoped operation in the batch still runs under the tenant context (row-level security).
    expect(await scoped.$transaction([prisma.note.count()])).toEqual([2]);
  });

  it('counts data statements apart from transactions and the tenant context', async () => {
    const tenant = randomUUID();
    const scoped = forTenant(prisma, tenant);
    await scoped.note.create({ data: { title: 'counted' } as { title: string; tenantId: string } });

    db.statements.reset();
    const notes = await scoped.note.findMany();
    expect(notes).toHaveLength(1);
    expect(db.statements.count).toBe(1);
    expect(db.statements.tenantContext).toBe(1);
    expect(db.statements.transactions).toBe(1);
    expect(db.statements.queries).toHaveLength(1);
    expect(db.statements.queries[0]).toMatch(/^SELECT .* FROM "public"\."Note" WHERE/);

    db.statements.reset();
    await withTenantTransaction(prisma, tenant, async (tx) => {
      await tx.note.findMany();
      await tx.note.count();
    });
    expect(db.statements.count).toBe(2);
    expect(db.statements.tenantContext).toBe(1);
    expect(db.statements.transactions).toBe(1);

    db.statements.reset();
    await prisma.setting.findMany();
    expect({ count: db.statements.count, transactions: db.statements.transactions, tenantContext: db.statements.tenantContext }).toEqual({
      count: 1,
      transactions: 0,
      tenantContext: 0,
    });
  });
});
