/** The import runner on real PostgreSQL: a job whose runner died resumes after its lease, from the first row not committed. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { forTenant } from '@crm/db';
import { startCustomerHarness, type CustomerHarness } from '../../testing/harness.ts';

let h: CustomerHarness;
beforeAll(async () => {
  h = await startCustomerHarness();
});
afterAll(async () => {
  await h?.close();
});

describe('import runner', () => {
  it('leaves a job alone while another runner holds it, then resumes it after the lease from the committed row', async () => {
    const t = h.newTenant();
    const csv = ['firstName,lastName,email', ...[1, 2, 3, 4, 5].map((i) => `F${i},L${i},p${i}@resume.example`)].join('\n');
    const viewer = { identity: t.identity, tenantId: t.tenantId };
    const job = await h.subgraph.services.imports.upload(viewer, { entity: 'CONTACT', fileName: null, delimiter: null, bytes: Buffer.from(csv) });
    const db = forTenant(h.subgraph.prisma, t.tenantId);
    // as a runner leaves a job when it dies after committing the first two rows' batch
    await db.importJob.update({ where: { id: job.id }, data: { status: 'RUNNING', startedAt: new Date(), processedRows: 2, createdCount: 2 } });
    await h.subgraph.prisma.importQueue.create({ data: { jobId: job.id, tenantId: t.tenantId, lockedUntil: new Date(Date.now() + 3_600_000) } });

    await h.subgraph.importRunner.drain();
    expect(await db.importJob.findFirst({ where: { id: job.id } })).toMatchObject({ status: 'RUNNING', processedRows: 2 });

    await h.subgraph.prisma.importQueue.update({ where: { jobId: job.id }, data: { lockedUntil: new Date(Date.now() - 1_000) } });
    await h.subgraph.importRunner.drain();
    expect(await db.importJob.findFirst({ where: { id: job.id } })).toMatchObject({ status: 'COMPLETED', processedRows: 5, createdCount: 5, failedCount: 0 });
    const written = await db.contact.findMany({ where: { email: { endsWith: '@resume.example' } }, orderBy: { email: 'asc' } });
    expect(written.map((contact) => contact.email)).toEqual(['p3@resume.example', 'p4@resume.example', 'p5@resume.example']);
    expect(await h.subgraph.prisma.importQueue.findUnique({ where: { jobId: job.id } })).toBeNull();
  });
});
