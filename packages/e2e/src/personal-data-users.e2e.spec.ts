/**
 * GDPR for users through the gateway on real PostgreSQL and Kafka: one query exports what every
 * subgraph holds on a user (platform profile, memberships, notifications, audit entries; references
 * to the records they own, are assigned or are mentioned in); the erasure runs the same saga as
 * for contacts: the platform anonymises and deactivates the user and revokes their sign-in, sales
 * anonymises mentions of them, each reports back. Their records stay with the anonymised user, the
 * audit log keeps what they did without their personal data, and the erasure itself stays on record.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stack } from '@crm/stack';
import { createDeal, createPipeline, createTenantWithUsers, gql, gqlOk, login, startRealStack, STANDARD_STAGES } from '@crm/testkit';
import { erasureTrail } from './fixtures.ts';

let stack: Stack;
let tenantId: string;
let slug: string;
let admin: { id: string; token: string };
let rep: { id: string; token: string };

beforeAll(async () => {
  stack = await startRealStack();
  slug = `gdpr-u-${randomUUID().slice(0, 8)}`;
  const tenant = await createTenantWithUsers(stack, { name: 'GDPR Users Inc', slug }, [
    { email: `admin@${slug}.test`, name: 'Greta Admin', role: 'TENANT_ADMIN', password: `pw-${randomUUID()}` },
    { email: `rep@${slug}.test`, name: 'Gus Rep', role: 'SALES_REP', password: `pw-${randomUUID()}` },
  ]);
  tenantId = tenant.tenantId;
  [admin, rep] = [tenant.users[0]!, tenant.users[1]!];
});
afterAll(async () => {
  await stack?.stop();
});

const api = <T>(query: string, variables: Record<string, unknown> = {}, token = admin.token) => gqlOk<T>(stack.gatewayUrl, query, variables, { token });
const poll = { timeout: 40_000, interval: 500 };

const EXPORT = /* GraphQL */ `query ($id: ID!) { exportPersonalData(userId: $id) { subject subjectId userId contactId customer sales platform } }`;
interface UserExport {
  subject: string;
  subjectId: string;
  userId: string;
  contactId: string | null;
  customer: { ownedContacts: { id: string; name: string }[]; ownedAccounts: unknown[]; ownedLeads: unknown[] };
  sales: { ownedDeals: { id: string; name: string }[]; assignedActivities: { id: string }[]; mentionedIn: { id: string }[] };
  platform: {
    profile: { id: string; email: string; name: string; active: boolean } | null;
    memberships: { team: unknown };
    notifications: { kind: string }[];
    auditEntriesAbout: { action: string; changes: Record<string, unknown> }[];
    actions: { action: string; recordId: string }[];
  };
}
const exportUser = async (id: string) => (await api<{ exportPersonalData: UserExport }>(EXPORT, { id })).exportPersonalData;

/** A sales manager who owns a contact and a deal, is assigned an activity and is mentioned in another. */
async function seedUser() {
  const label = randomUUID().slice(0, 8);
  const email = `una-${label}@${slug}.test`;
  const password = `pw-${randomUUID()}`;
  const user = await stack.subgraphs.platform.subgraph.services.users.create(tenantId, { email, name: 'Una Userton', password, role: 'SALES_MANAGER' });
  const token = await login(stack.gatewayUrl, email, password, slug);
  const { createContact } = await api<{ createContact: { id: string } }>(
    'mutation ($input: CreateContactInput!) { createContact(input: $input) { id } }',
    { input: { firstName: 'Carl', lastName: `Client ${label}` } },
    token,
  );
  const pipeline = await createPipeline(stack.gatewayUrl, admin.token, `GDPR users ${label}`, STANDARD_STAGES);
  const deal = await createDeal(stack.gatewayUrl, token, { pipelineId: pipeline.id, name: `Una's deal ${label}`, amount: '100.00', currency: 'EUR' });
  const assigned = await api<{ createActivity: { id: string } }>('mutation ($input: CreateActivityInput!) { createActivity(input: $input) { id } }', {
    input: { type: 'TASK', subject: 'Call Carl back', recordType: 'CONTACT', recordId: createContact.id, assigneeId: user.id },
  });
  const mention = await api<{ createActivity: { id: string } }>('mutation ($input: CreateActivityInput!) { createActivity(input: $input) { id } }', {
    input: { type: 'NOTE', subject: 'Handover', body: `Ask @[Una Userton](user:${user.id}) about the renewal`, recordType: 'DEAL', recordId: deal.id },
  });
  return { id: user.id, email, password, token, contactId: createContact.id, dealId: deal.id, assignedId: assigned.createActivity.id, mentionId: mention.createActivity.id };
}

describe('personal data of users', () => {
  it('exports what every subgraph holds on a user, then erases it everywhere and keeps their records and the trail', async () => {
    const una = await seedUser();
    // Notifications and the audit trail follow the events: wait until the platform has them.
    await expect
      .poll(async () => {
        const exported = await exportUser(una.id);
        return [exported.platform.notifications.some((n) => n.kind === 'MENTIONED'), exported.platform.actions.some((entry) => entry.recordId === una.contactId)];
      }, poll)
      .toEqual([true, true]);

    const exported = await exportUser(una.id);
    expect(exported).toMatchObject({ subject: 'USER', subjectId: una.id, userId: una.id, contactId: null });
    expect(exported.platform.profile).toMatchObject({ id: una.id, email: una.email, name: 'Una Userton', active: true });
    expect(exported.platform.auditEntriesAbout.map((entry) => entry.action)).toContain('platform.user.created');
    expect(exported.customer.ownedContacts.map((contact) => contact.id)).toEqual([una.contactId]);
    expect(exported.sales.ownedDeals.map((deal) => deal.id)).toEqual([una.dealId]);
    expect(exported.sales.assignedActivities.map((activity) => activity.id)).toEqual([una.assignedId]);
    expect(exported.sales.mentionedIn.map((activity) => activity.id)).toEqual([una.mentionId]);

    const { erasePersonalData } = await api<{ erasePersonalData: { id: string; subject: string; userId: string; status: string; waitingFor: string[] } }>(
      'mutation ($id: ID!) { erasePersonalData(userId: $id) { id subject userId status waitingFor } }',
      { id: una.id },
    );
    expect(erasePersonalData).toMatchObject({ subject: 'USER', userId: una.id, status: 'PENDING', waitingFor: ['sales', 'platform'] });
    const erasure = async () =>
      (
        await api<{ personalDataErasure: { status: string; reports: { subgraph: string; erased: Record<string, number> }[] } }>(
          'query ($id: ID!) { personalDataErasure(id: $id) { status reports { subgraph erased } } }',
          { id: erasePersonalData.id },
        )
      ).personalDataErasure;
    await expect.poll(async () => (await erasure()).status, poll).toBe('COMPLETED');
    const reports = Object.fromEntries((await erasure()).reports.map((report) => [report.subgraph, report.erased]));
    expect(reports['sales']).toEqual({ activityMentions: 1 });
    expect(reports['platform']).toMatchObject({ users: 1 });
    expect(reports['platform']!['notifications']).toBeGreaterThanOrEqual(1);
    expect(reports['platform']!['auditEntriesRedacted']).toBeGreaterThan(0);

    // Anonymised and deactivated: nothing of the person is left, and they can no longer sign in.
    const after = await exportUser(una.id);
    expect(after.platform.profile).toMatchObject({ id: una.id, name: 'Erased user', email: `erased-${una.id}@erased.invalid`, active: false });
    expect(after.platform.notifications).toEqual([]);
    expect(JSON.stringify(after)).not.toContain(una.email);
    expect(JSON.stringify(after)).not.toContain('Userton');
    await expect(login(stack.gatewayUrl, una.email, una.password, slug)).rejects.toThrow();
    const mention = await stack.subgraphs.sales.subgraph.prisma.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT set_config('app.tenant_id', ${tenantId}, true)`;
      return tx.activity.findFirstOrThrow({ where: { id: una.mentionId } });
    });
    expect(mention.body).toBe(`Ask @[Erased user](user:${una.id}) about the renewal`);

    // Their records stay theirs (the anonymised user), so nothing the tenant relies on disappears.
    expect(after.customer.ownedContacts.map((contact) => contact.id)).toEqual([una.contactId]);
    expect(after.sales.ownedDeals.map((deal) => deal.id)).toEqual([una.dealId]);
    const contact = await stack.subgraphs.customer.subgraph.prisma.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT set_config('app.tenant_id', ${tenantId}, true)`;
      return tx.contact.findFirstOrThrow({ where: { id: una.contactId } });
    });
    expect(contact.ownerId).toBe(una.id);

    // The audit log keeps what they did, redacts what it said about them, and records the erasure.
    const about = await api<{ auditLog: { edges: { node: { action: string; changes: Record<string, unknown> } }[] } }>(
      'query ($id: ID!) { auditLog(filter: { recordId: $id }) { edges { node { action changes } } } }',
      { id: una.id },
    );
    expect(about.auditLog.edges.find((edge) => edge.node.action === 'platform.user.created')?.node.changes).toEqual({ redacted: 'personal data erased' });
    const did = await api<{ auditLog: { edges: { node: { action: string; recordId: string } }[] } }>(
      'query ($id: ID!) { auditLog(filter: { actorId: $id }) { edges { node { action recordId } } } }',
      { id: una.id },
    );
    expect(did.auditLog.edges.map((edge) => edge.node.recordId)).toContain(una.contactId);
    await expect
      .poll(() => erasureTrail(stack.gatewayUrl, admin.token, erasePersonalData.id), poll)
      .toEqual(['customer.user.erasure_completed', 'customer.user.erasure_requested', 'platform.personal_data.erased', 'sales.personal_data.erased']);

    const again = await gql(stack.gatewayUrl, 'mutation ($id: ID!) { erasePersonalData(userId: $id) { id } }', { id: una.id }, { token: admin.token });
    expect(again.errors?.[0]?.extensions?.['code']).toBe('CONFLICT');
  });

  it('refuses erasing oneself, both or neither subject, and anyone but tenant admins', async () => {
    const self = await gql(stack.gatewayUrl, 'mutation ($id: ID!) { erasePersonalData(userId: $id) { id } }', { id: admin.id }, { token: admin.token });
    expect(self.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
    const both = await gql(stack.gatewayUrl, 'mutation ($id: ID!) { erasePersonalData(userId: $id, contactId: $id) { id } }', { id: rep.id }, { token: admin.token });
    expect(both.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
    const neither = await gql(stack.gatewayUrl, '{ exportPersonalData { subjectId } }', {}, { token: admin.token });
    expect(neither.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
    const exported = await gql(stack.gatewayUrl, EXPORT, { id: admin.id }, { token: rep.token });
    expect(exported.errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
    const erased = await gql(stack.gatewayUrl, 'mutation ($id: ID!) { erasePersonalData(userId: $id) { id } }', { id: admin.id }, { token: rep.token });
    expect(erased.errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
  });
});
