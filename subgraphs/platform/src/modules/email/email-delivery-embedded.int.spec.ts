/**
 * The embedded default (`npm start`): on PGlite, without an SMTP server, the sender writes each
 * e-mail as an .eml file, and the e-mail is SENT.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { forTenant, openDatabase, type Database } from '@crm/db';
import { createInProcessBus } from '@crm/events';
import { createLogger } from '@crm/runtime';
import { createPlatformSubgraph, platformPaths, type PlatformSubgraph } from '../../index.ts';
import { TEST_SIGNING_SECRET } from '../../test-support.ts';

const bus = createInProcessBus();
let database: Database;
let platform: PlatformSubgraph;
let directory: string;

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'crm-mail-'));
  database = await openDatabase({ kind: 'pglite', dataDir: 'memory://' });
  await database.migrate(platformPaths.migrationsDir, platformPaths.schemaPath);
  platform = await createPlatformSubgraph({
    database,
    bus,
    signingSecret: TEST_SIGNING_SECRET,
    logger: createLogger('platform-test', 'silent'),
    mail: { transport: { kind: 'file', directory }, appUrl: 'http://localhost:3000', intervalMs: 60_000 },
  });
});
afterAll(async () => {
  await platform?.stop();
  await bus.close();
  await database?.close();
  await rm(directory, { recursive: true, force: true });
});

it('writes the invitation as an .eml file on embedded PGlite and marks it SENT', async () => {
  const tenant = await platform.services.tenants.create({ name: 'Embedded mail', slug: 'embedded-mail' });
  const { token } = await platform.services.invitations.invite(tenant.id, { email: 'ivy@example.com', name: 'Ivy', role: 'SALES_REP' });
  const [queued] = await forTenant(platform.prisma, tenant.id).outboundEmail.findMany({ where: { to: 'ivy@example.com' } });

  const run = await platform.emailSender!.runOnce();
  expect(run.sent).toEqual([queued!.id]);
  expect(await readdir(directory)).toEqual([`${queued!.id}.eml`]);
  const eml = await readFile(join(directory, `${queued!.id}.eml`), 'utf8');
  expect(eml).toContain('To: ivy@example.com');
  const text = eml.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_match, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  expect(text).toContain(`http://localhost:3000/invitations/accept?token=${token}`);
  const [sent] = await forTenant(platform.prisma, tenant.id).outboundEmail.findMany({ where: { id: queued!.id } });
  expect(sent).toMatchObject({ status: 'SENT', attempts: 1, providerMessageId: `<${queued!.id}@crm.localhost>`, data: {} });
});
