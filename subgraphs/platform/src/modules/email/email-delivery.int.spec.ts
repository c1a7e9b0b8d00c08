/**
 * E-mail delivery on real PostgreSQL to a real SMTP server in the test process: the invitation
 * arrives with its link; a temporary refusal (451) is retried after a backoff and the mail sent
 * once; a permanent one (550) fails it at once; a refused connection is retried until the last
 * attempt; two senders at once deliver every e-mail exactly once; a claim's lease keeps others off
 * until it passes. Tenant admins see the delivery state of their own tenant only.
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { forTenant } from '@crm/db';
import { createLogger } from '@crm/runtime';
import { startSmtpSink, type SmtpSink } from '@crm/subgraph-harness';
import { graphql, seedTenant, startTestPlatform, type TestPlatform } from '../../test-support.ts';
import { invitationLink } from './lib/templates.ts';
import { createEmailDelivery, type EmailDeliveryOptions } from './services/email-delivery.ts';
import type { EmailSender } from './services/email-sender.ts';

const APP_URL = 'https://crm.example.test';
const logger = createLogger('email-test', 'silent');

let t: TestPlatform;
let sink: SmtpSink;
const senders: EmailSender[] = [];

beforeAll(async () => {
  t = await startTestPlatform();
  sink = await startSmtpSink();
});
afterAll(async () => {
  for (const sender of senders) await sender.stop();
  await sink?.close();
  await t?.stop();
});
beforeEach(() => {
  sink.reply = () => ({ accept: true });
});

async function sender(options: Partial<EmailDeliveryOptions> = {}): Promise<EmailSender> {
  const created = await createEmailDelivery(
    t.scratch.database,
    t.platform.prisma,
    { transport: { kind: 'smtp', url: sink.url }, appUrl: APP_URL, from: 'CRM <no-reply@crm.example.test>', backoff: { baseMs: 200, maxMs: 200 }, ...options },
    logger,
  );
  senders.push(created);
  return created;
}

const emailsTo = (tenantId: string, to: string) => forTenant(t.platform.prisma, tenantId).outboundEmail.findMany({ where: { to } });
const receivedBy = (to: string) => sink.received.filter((mail) => mail.recipients.includes(to));

async function queue(tenantId: string, to: string, title = 'Deal won') {
  return forTenant(t.platform.prisma, tenantId).outboundEmail.create({
    data: { tenantId, to, template: 'notification', data: { name: 'Ada', title, body: 'Acme renewal was won', recordType: 'Deal', recordId: randomUUID() } },
  });
}

const LIST = `query($status: OutboundEmailStatus) { outboundEmails(status: $status, first: 100) { edges { node { id to template status attempts providerMessageId lastError sentAt failedAt nextAttemptAt } } } }`;
interface Listed {
  outboundEmails: { edges: Array<{ node: { id: string; to: string; status: string; attempts: number; providerMessageId: string | null; lastError: string | null } }> };
}

describe('e-mail delivery', () => {
  it('delivers the invitation with its link, records the server id, forgets the link and shows the state to admins', async () => {
    const s = await seedTenant(t.platform);
    const to = `invitee-${randomUUID().slice(0, 8)}@example.com`;
    const { token } = await t.platform.services.invitations.invite(s.tenant.id, { email: to, name: 'Ivy Invitee', role: 'SALES_REP' }, { userId: s.admin.id, kind: 'user' });

    const run = await (await sender()).runOnce();
    const [row] = await emailsTo(s.tenant.id, to);
    expect(run.sent).toEqual([row!.id]);

    const [mail, ...others] = receivedBy(to);
    expect(others).toEqual([]);
    expect(mail!.headers['to']).toBe(to);
    expect(mail!.headers['from']).toBe('CRM <no-reply@crm.example.test>');
    expect(mail!.headers['subject']).toBe('You are invited to join your team on the CRM');
    expect(mail!.headers['message-id']).toBe(`<${row!.id}@crm.example.test>`);
    expect(mail!.text).toContain('Hello Ivy Invitee,');
    expect(mail!.text).toContain(invitationLink(APP_URL, token));
    expect(mail!.text).toContain(`${APP_URL}/invitations/accept?token=${token}`);

    expect(row).toMatchObject({ status: 'SENT', attempts: 1, providerMessageId: mail!.queueId, lastError: null, leaseToken: null, data: {} });
    expect(row!.sentAt).toBeInstanceOf(Date);

    const listed = await graphql<Listed>(t.url, s.as.admin, LIST, { status: 'SENT' });
    expect(listed.data?.outboundEmails.edges.map((edge) => edge.node)).toEqual([
      expect.objectContaining({ id: row!.id, to, status: 'SENT', attempts: 1, providerMessageId: mail!.queueId, lastError: null }),
    ]);
    const other = await seedTenant(t.platform);
    expect((await graphql<Listed>(t.url, other.as.admin, LIST)).data?.outboundEmails.edges).toEqual([]);
    const forbidden = await graphql(t.url, s.as.rep, LIST);
    expect(forbidden.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const bad = await graphql(t.url, s.as.admin, 'query { outboundEmails(first: 500) { edges { cursor } } }');
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('retries a temporary refusal (451) after the backoff and sends the e-mail once', async () => {
    const s = await seedTenant(t.platform);
    const to = `retry-${randomUUID().slice(0, 8)}@example.com`;
    await queue(s.tenant.id, to);
    const refusedBefore = sink.refused;
    sink.reply = (() => {
      let refusedOnce = false;
      return (_attempt: number, mail: { recipients: string[] }) => {
        if (!refusedOnce && mail.recipients.includes(to)) {
          refusedOnce = true;
          return { accept: false as const, code: 451, message: '4.3.0 Try again later' };
        }
        return { accept: true as const };
      };
    })();
    const job = await sender();

    const first = await job.runOnce();
    expect(first.retried).toHaveLength(1);
    expect(sink.refused).toBe(refusedBefore + 1);
    let [row] = await emailsTo(s.tenant.id, to);
    expect(row).toMatchObject({ status: 'PENDING', attempts: 1, leaseToken: null });
    expect(row!.lastError).toMatch(/^451/);
    expect(row!.nextAttemptAt.getTime()).toBeGreaterThan(Date.now());
    // Not due yet: nothing is claimed before the backoff has passed.
    expect((await job.runOnce()).retried).toEqual([]);
    expect(receivedBy(to)).toEqual([]);

    await new Promise((resolve) => setTimeout(resolve, 250));
    const second = await job.runOnce();
    expect(second.sent).toEqual([row!.id]);
    [row] = await emailsTo(s.tenant.id, to);
    expect(row).toMatchObject({ status: 'SENT', attempts: 2, lastError: null });
    expect(receivedBy(to)).toHaveLength(1);
    expect(row!.providerMessageId).toBe(receivedBy(to)[0]!.queueId);
  });

  it('fails an e-mail the server refuses for good (550) at once, without retrying', async () => {
    const s = await seedTenant(t.platform);
    const to = `nobody-${randomUUID().slice(0, 8)}@example.com`;
    await queue(s.tenant.id, to);
    sink.reply = (_attempt, mail) => (mail.recipients.includes(to) ? { accept: false, code: 550, message: '5.1.1 No such user' } : { accept: true });
    const job = await sender();

    expect((await job.runOnce()).failed).toHaveLength(1);
    const [row] = await emailsTo(s.tenant.id, to);
    expect(row).toMatchObject({ status: 'FAILED', attempts: 1, data: {}, providerMessageId: null });
    expect(row!.lastError).toMatch(/^550/);
    expect(row!.failedAt).toBeInstanceOf(Date);
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(await job.runOnce()).toEqual({ sent: [], retried: [], failed: [], lost: [] });
    expect(receivedBy(to)).toEqual([]);

    const listed = await graphql<Listed>(t.url, s.as.admin, LIST, { status: 'FAILED' });
    expect(listed.data?.outboundEmails.edges.map((edge) => edge.node)).toEqual([expect.objectContaining({ to, status: 'FAILED', attempts: 1 })]);
  });

  it('retries while the server refuses connections, and gives up after the last attempt', async () => {
    const s = await seedTenant(t.platform);
    const to = `down-${randomUUID().slice(0, 8)}@example.com`;
    await queue(s.tenant.id, to);
    const closedPort = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as { port: number };
        probe.close(() => resolve(port));
      });
    });
    const job = await sender({ transport: { kind: 'smtp', url: `smtp://127.0.0.1:${closedPort}` }, maxAttempts: 2, backoff: { baseMs: 1, maxMs: 1 } });

    expect((await job.runOnce()).retried).toHaveLength(1);
    let [row] = await emailsTo(s.tenant.id, to);
    expect(row).toMatchObject({ status: 'PENDING', attempts: 1 });
    expect(row!.lastError).toMatch(/ECONNREFUSED|connect/i);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect((await job.runOnce()).failed).toHaveLength(1);
    [row] = await emailsTo(s.tenant.id, to);
    expect(row).toMatchObject({ status: 'FAILED', attempts: 2, data: {} });
  });

  it('fails an e-mail whose template it cannot render, without sending anything', async () => {
    const s = await seedTenant(t.platform);
    const to = `odd-${randomUUID().slice(0, 8)}@example.com`;
    await forTenant(t.platform.prisma, s.tenant.id).outboundEmail.create({ data: { tenantId: s.tenant.id, to, template: 'no-such-template', data: {} } });
    expect((await (await sender()).runOnce()).failed).toHaveLength(1);
    const [row] = await emailsTo(s.tenant.id, to);
    expect(row).toMatchObject({ status: 'FAILED', lastError: 'cannot render: unknown template no-such-template' });
    expect(receivedBy(to)).toEqual([]);
  });

  it('delivers every e-mail exactly once with two senders running at the same time', async () => {
    const tenants = [await seedTenant(t.platform), await seedTenant(t.platform)];
    const label = randomUUID().slice(0, 8);
    const recipients = Array.from({ length: 24 }, (_, i) => `many-${label}-${i}@example.com`);
    for (const [i, to] of recipients.entries()) await queue(tenants[i % 2]!.tenant.id, to, `Update ${i}`);
    const [a, b] = [await sender({ batchSize: 4 }), await sender({ batchSize: 4 })];
    const drain = async (job: EmailSender) => {
      const sent: string[] = [];
      for (let round = 0; round < 20; round++) {
        const run = await job.runOnce();
        sent.push(...run.sent);
        if (run.sent.length + run.retried.length + run.failed.length === 0) break;
      }
      return sent;
    };
    const [sentByA, sentByB] = await Promise.all([drain(a), drain(b)]);

    expect(sentByA.length).toBeGreaterThan(0);
    expect(sentByB.length).toBeGreaterThan(0);
    expect(new Set([...sentByA, ...sentByB]).size).toBe(recipients.length);
    expect(sentByA.length + sentByB.length).toBe(recipients.length);
    for (const to of recipients) expect(receivedBy(to)).toHaveLength(1);
    const ids = sink.received.filter((mail) => mail.recipients[0]?.startsWith(`many-${label}`)).map((mail) => mail.headers['message-id']);
    expect(new Set(ids).size).toBe(recipients.length);
    for (const s of tenants) {
      const rows = await forTenant(t.platform.prisma, s.tenant.id).outboundEmail.findMany({ where: { to: { startsWith: `many-${label}` } } });
      expect(rows).toHaveLength(recipients.length / 2);
      expect(rows.every((row) => row.status === 'SENT' && row.attempts === 1)).toBe(true);
    }
  });

  it('leaves an e-mail alone while another sender holds its lease, and takes it over once the lease has passed', async () => {
    const s = await seedTenant(t.platform);
    const to = `lease-${randomUUID().slice(0, 8)}@example.com`;
    const queued = await queue(s.tenant.id, to);
    const holder = randomUUID();
    const claim = (leaseMs: number, token: string) =>
      t.platform.prisma.$queryRaw<{ id: string }[]>`SELECT "id"::text AS "id" FROM platform_claim_outbound_emails(now(), 100, ${leaseMs}::int, ${token}::uuid)`;
    // A sender claims it with a long lease and (as far as anyone knows) is still sending it.
    expect((await claim(60_000, holder)).map((row) => row.id)).toContain(queued.id);
    const job = await sender();
    expect((await job.runOnce()).sent).not.toContain(queued.id);
    expect(receivedBy(to)).toEqual([]);

    // The holder died: once its lease has passed, the e-mail is claimed again and sent.
    await forTenant(t.platform.prisma, s.tenant.id).outboundEmail.updateMany({ where: { id: queued.id }, data: { leaseUntil: new Date(Date.now() - 1_000) } });
    expect((await job.runOnce()).sent).toEqual([queued.id]);
    expect(receivedBy(to)).toHaveLength(1);
    const [row] = await emailsTo(s.tenant.id, to);
    expect(row).toMatchObject({ status: 'SENT', attempts: 2 });
    // The dead holder's late outcome is not recorded: its lease is gone.
    const late = await forTenant(t.platform.prisma, s.tenant.id).outboundEmail.updateMany({ where: { id: queued.id, leaseToken: holder, status: 'SENDING' }, data: { status: 'FAILED' } });
    expect(late.count).toBe(0);
  });
});
