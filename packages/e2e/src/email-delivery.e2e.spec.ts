/**
 * E-mail delivery through the whole product on real PostgreSQL, Kafka and Redis: a tenant admin
 * invites someone through the gateway, the platform's sender delivers the invitation over SMTP to a
 * real SMTP server in this test, the link in it lets the invitee join, and the admin sees the
 * e-mail as SENT. The platform runs on a database of its own here, so its sender delivers only this
 * test's e-mails (other test stacks share the broker, not this database).
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stack } from '@crm/stack';
import { loadStackConfig } from '@crm/stack';
import { scratchDatabase, startSmtpSink, type ScratchDatabase, type SmtpSink } from '@crm/subgraph-harness';
import { createTenantWithUsers, gql, gqlOk, startRealStack } from '@crm/testkit';

const APP_URL = 'https://crm.example.test';

let stack: Stack;
let sink: SmtpSink;
let platformDb: ScratchDatabase;
let admin: { id: string; token: string };
let rep: { token: string };
let slug: string;

beforeAll(async () => {
  sink = await startSmtpSink();
  platformDb = await scratchDatabase('platform');
  const { databases } = loadStackConfig(process.env);
  stack = await startRealStack({
    databases: { ...databases, platform: platformDb.database.config },
    mail: { transport: { kind: 'smtp', url: sink.url }, appUrl: APP_URL, from: 'Acme CRM <crm@acme.example>', intervalMs: 200 },
  });
  slug = `mail-${randomUUID().slice(0, 8)}`;
  const tenant = await createTenantWithUsers(stack, { name: 'Mail Inc', slug }, [
    { email: `admin@${slug}.test`, name: 'Mia Admin', role: 'TENANT_ADMIN', password: `pw-${randomUUID()}` },
    { email: `rep@${slug}.test`, name: 'Rex Rep', role: 'SALES_REP', password: `pw-${randomUUID()}` },
  ]);
  [admin, rep] = [tenant.users[0]!, tenant.users[1]!];
});
afterAll(async () => {
  await stack?.stop();
  await sink?.close();
  await platformDb?.drop();
});

describe('e-mail delivery', () => {
  it('delivers the invitation e-mail whose link lets the invitee join, and shows it SENT to the admin', async () => {
    const email = `ivy-${randomUUID().slice(0, 8)}@${slug}.test`;
    await gqlOk(stack.gatewayUrl, 'mutation($input: InviteUserInput!) { inviteUser(input: $input) { id } }', { input: { email, name: 'Ivy Invitee', role: 'SALES_REP' } }, { token: admin.token });

    await expect.poll(() => sink.received.filter((mail) => mail.recipients.includes(email)).length, { timeout: 20_000, interval: 100 }).toBe(1);
    const mail = sink.received.find((received) => received.recipients.includes(email))!;
    expect(mail.headers['to']).toBe(email);
    expect(mail.headers['from']).toBe('Acme CRM <crm@acme.example>');
    expect(mail.headers['subject']).toBe('You are invited to join your team on the CRM');
    expect(mail.text).toContain('Hello Ivy Invitee,');
    const link = /https:\/\/crm\.example\.test\/invitations\/accept\?token=(\S+)/.exec(mail.text);
    expect(link).not.toBeNull();

    const joined = await gqlOk<{ acceptInvitation: { user: { email: string; tenant: { slug: string } } } }>(
      stack.gatewayUrl,
      'mutation($token: String!, $password: String!) { acceptInvitation(token: $token, password: $password) { user { email tenant { slug } } } }',
      { token: decodeURIComponent(link![1]!), password: 'a long and private passphrase' },
    );
    expect(joined.acceptInvitation.user).toEqual({ email, tenant: { slug } });

    const listed = await gqlOk<{ outboundEmails: { edges: Array<{ node: { to: string; template: string; status: string; attempts: number; providerMessageId: string } }> } }>(
      stack.gatewayUrl,
      'query { outboundEmails(first: 10) { edges { node { to template status attempts providerMessageId } } } }',
      {},
      { token: admin.token },
    );
    expect(listed.outboundEmails.edges.map((edge) => edge.node)).toContainEqual({ to: email, template: 'user-invitation', status: 'SENT', attempts: 1, providerMessageId: mail.queueId });

    const refused = await gql(stack.gatewayUrl, 'query { outboundEmails(first: 10) { edges { node { to } } } }', {}, { token: rep.token });
    expect(refused.errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
  });
});
