/**
 * Activities notify people through the gateway on real PostgreSQL and Kafka: a user mentioned in a
 * note gets MENTIONED, the assignee of a task gets TASK_DUE when its reminder time comes (the sales
 * reminder job → Kafka → platform notifications), a task completed before then reminds nobody, and
 * a reminder time in the past is refused.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stack } from '@crm/stack';
import { createDeal, createPipeline, createTenantWithUsers, gql, gqlOk, startRealStack, STANDARD_STAGES } from '@crm/testkit';

let stack: Stack;
let admin: { id: string; token: string };
let rep: { id: string; token: string };
let dealId: string;

beforeAll(async () => {
  stack = await startRealStack();
  const slug = `remind-${randomUUID().slice(0, 8)}`;
  const tenant = await createTenantWithUsers(stack, { name: 'Remind Inc', slug }, [
    { email: `admin@${slug}.test`, name: 'Rita Admin', role: 'TENANT_ADMIN', password: `pw-${randomUUID()}` },
    { email: `rep@${slug}.test`, name: 'Ray Rep', role: 'SALES_REP', password: `pw-${randomUUID()}` },
  ]);
  [admin, rep] = [tenant.users[0]!, tenant.users[1]!];
  const pipeline = await createPipeline(stack.gatewayUrl, admin.token, 'New business', STANDARD_STAGES);
  dealId = (await createDeal(stack.gatewayUrl, admin.token, { pipelineId: pipeline.id, name: 'Umbrella renewal', amount: '5000.00', currency: 'USD', ownerId: admin.id })).id;
});
afterAll(async () => {
  await stack?.stop();
});

const CREATE = /* GraphQL */ `
  mutation ($input: CreateActivityInput!) { createActivity(input: $input) { id remindAt mentions { id name } } }
`;

interface Notification {
  kind: string;
  title: string;
  body: string;
  recordType: string;
  recordId: string;
}

async function repNotifications(kind: string): Promise<Notification[]> {
  const data = await gqlOk<{ notifications: { edges: { node: Notification }[] } }>(
    stack.gatewayUrl,
    '{ notifications(first: 50) { edges { node { kind title body recordType recordId } } } }',
    {},
    { token: rep.token },
  );
  return data.notifications.edges.map((edge) => edge.node).filter((n) => n.kind === kind);
}

const poll = { timeout: 40_000, interval: 500 };

describe('activity notifications', () => {
  it('notifies a user mentioned in a note, pointing at the deal', async () => {
    const created = await gqlOk<{ createActivity: { mentions: { id: string; name: string }[] } }>(
      stack.gatewayUrl,
      CREATE,
      { input: { type: 'NOTE', subject: 'Budget approved', body: `Good news @[Ray Rep](user:${rep.id}) — send the contract.`, recordType: 'DEAL', recordId: dealId } },
      { token: admin.token },
    );
    expect(created.createActivity.mentions).toEqual([{ id: rep.id, name: 'Ray Rep' }]);
    await expect.poll(() => repNotifications('MENTIONED'), poll).toEqual([
      { kind: 'MENTIONED', title: 'You were mentioned: Budget approved', body: 'Rita Admin mentioned you in note "Budget approved".', recordType: 'Deal', recordId: dealId },
    ]);
  });

  it('reminds the assignee when the reminder time comes, and not of a task completed before', async () => {
    const remindAt = new Date(Date.now() + 2_000).toISOString();
    const due = await gqlOk<{ createActivity: { id: string; remindAt: string } }>(
      stack.gatewayUrl,
      CREATE,
      { input: { type: 'TASK', subject: 'Send the quote', recordType: 'DEAL', recordId: dealId, assigneeId: rep.id, remindAt } },
      { token: admin.token },
    );
    expect(due.createActivity.remindAt).toBe(remindAt);
    const done = await gqlOk<{ createActivity: { id: string } }>(
      stack.gatewayUrl,
      CREATE,
      { input: { type: 'TASK', subject: 'Book the venue', recordType: 'DEAL', recordId: dealId, assigneeId: rep.id, remindAt } },
      { token: admin.token },
    );
    await gqlOk(stack.gatewayUrl, 'mutation ($id: ID!) { completeActivity(id: $id) { id } }', { id: done.createActivity.id }, { token: admin.token });

    await expect.poll(async () => (await repNotifications('TASK_DUE')).map((n) => [n.title, n.recordType, n.recordId]), poll).toEqual([
      ['Reminder: Send the quote', 'Deal', dealId],
    ]);
    const sent = await gqlOk<{ a: { reminderSentAt: string | null }; b: { reminderSentAt: string | null } }>(
      stack.gatewayUrl,
      'query ($a: ID!, $b: ID!) { a: activity(id: $a) { reminderSentAt } b: activity(id: $b) { reminderSentAt } }',
      { a: due.createActivity.id, b: done.createActivity.id },
      { token: admin.token },
    );
    expect(sent.a.reminderSentAt).not.toBeNull();
    expect(sent.b.reminderSentAt).toBeNull();
  });

  it('refuses a reminder time in the past, naming the field', async () => {
    const result = await gql(
      stack.gatewayUrl,
      CREATE,
      { input: { type: 'TASK', subject: 'Too late', recordType: 'DEAL', recordId: dealId, remindAt: '2020-01-01T00:00:00Z' } },
      { token: admin.token },
    );
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.remindAt' });
    expect(result.errors?.[0]?.message).toBe('input.remindAt must not be in the past');
  });

  it('refuses a mention of someone who is not a user of the tenant, writing nothing', async () => {
    const stranger = randomUUID();
    const subject = `Mention ${stranger}`;
    const result = await gql(
      stack.gatewayUrl,
      CREATE,
      { input: { type: 'NOTE', subject, body: `Ask @[Ray](user:${rep.id}) and @[Nobody](user:${stranger})`, recordType: 'DEAL', recordId: dealId } },
      { token: admin.token },
    );
    expect(result.errors?.[0]).toMatchObject({ message: `input.body mentions ${stranger}, who is not a user of the tenant`, extensions: { code: 'BAD_USER_INPUT', field: 'input.body' } });
    const activities = await gqlOk<{ deal: { activities: { subject: string }[] } }>(stack.gatewayUrl, 'query($id: ID!) { deal(id: $id) { activities { subject } } }', { id: dealId }, { token: admin.token });
    expect(activities.deal.activities.map((activity) => activity.subject)).not.toContain(subject);
  });
});
