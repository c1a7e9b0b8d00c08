/**
 * Record timelines through the gateway on real PostgreSQL and Kafka: a deal's timeline merges its
 * changes and stage moves (sales), the activities about it (sales, resolved with their fields) and
 * is read from the audit trail the platform keeps of every subgraph's events; an account's timeline
 * includes its deals; pages follow a cursor; a record the caller may not read shows no timeline.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stack } from '@crm/stack';
import { createAccount, createDeal, createPipeline, createTenantWithUsers, gql, gqlOk, moveDeal, startRealStack, STANDARD_STAGES } from '@crm/testkit';

let stack: Stack;
let admin: { id: string; token: string };
let rep: { id: string; token: string };

beforeAll(async () => {
  stack = await startRealStack();
  const slug = `timeline-${randomUUID().slice(0, 8)}`;
  const tenant = await createTenantWithUsers(stack, { name: 'Timeline Inc', slug }, [
    { email: `admin@${slug}.test`, name: 'Tess Admin', role: 'TENANT_ADMIN', password: `pw-${randomUUID()}` },
    { email: `rep@${slug}.test`, name: 'Rob Rep', role: 'SALES_REP', password: `pw-${randomUUID()}` },
  ]);
  [admin, rep] = [tenant.users[0]!, tenant.users[1]!];
});
afterAll(async () => {
  await stack?.stop();
});

interface Entry {
  kind: string;
  action: string;
  actor: { name: string } | null;
  activity: { subject: string } | null;
}

const DEAL_TIMELINE = /* GraphQL */ `
  query ($id: ID!, $first: Int, $after: String) {
    deal(id: $id) {
      timeline(first: $first, after: $after) {
        edges { cursor node { kind action actor { name } activity { subject } } }
        pageInfo { hasNextPage endCursor }
      }
    }
  }
`;

async function dealTimeline(token: string, id: string, first = 20, after?: string) {
  return gqlOk<{ deal: { timeline: { edges: { cursor: string; node: Entry }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } } | null }>(
    stack.gatewayUrl,
    DEAL_TIMELINE,
    { id, first, ...(after ? { after } : {}) },
    { token },
  );
}

const poll = { timeout: 30_000, interval: 250 };

describe('record timelines', () => {
  it('merges changes, stage moves and activities of a deal, newest first, in pages', async () => {
    const pipeline = await createPipeline(stack.gatewayUrl, admin.token, 'New business', STANDARD_STAGES);
    const account = await createAccount(stack.gatewayUrl, admin.token, { name: 'Cyberdyne', domain: `cyberdyne-${randomUUID().slice(0, 8)}.example` });
    const deal = await createDeal(stack.gatewayUrl, admin.token, { pipelineId: pipeline.id, name: 'Cyberdyne — Skynet', amount: '90000.00', currency: 'USD', accountId: account.id });
    await moveDeal(stack.gatewayUrl, admin.token, deal.id, pipeline.stages[2]!.id);
    await gqlOk(
      stack.gatewayUrl,
      'mutation ($input: CreateActivityInput!) { createActivity(input: $input) { id } }',
      { input: { type: 'CALL', subject: 'Discovery call', recordType: 'DEAL', recordId: deal.id } },
      { token: admin.token },
    );

    await expect
      .poll(async () => (await dealTimeline(admin.token, deal.id)).deal?.timeline.edges.map((edge) => edge.node), poll)
      .toEqual([
        { kind: 'ACTIVITY_LOGGED', action: 'sales.activity.created', actor: { name: 'Tess Admin' }, activity: { subject: 'Discovery call' } },
        { kind: 'STAGE_CHANGED', action: 'sales.deal.stage_changed', actor: { name: 'Tess Admin' }, activity: null },
        { kind: 'CREATED', action: 'sales.deal.created', actor: { name: 'Tess Admin' }, activity: null },
      ]);

    const first = (await dealTimeline(admin.token, deal.id, 2)).deal!.timeline;
    expect(first.edges.map((edge) => edge.node.kind)).toEqual(['ACTIVITY_LOGGED', 'STAGE_CHANGED']);
    expect(first.pageInfo.hasNextPage).toBe(true);
    const second = (await dealTimeline(admin.token, deal.id, 2, first.pageInfo.endCursor!)).deal!.timeline;
    expect(second.edges.map((edge) => edge.node.kind)).toEqual(['CREATED']);
    expect(second.pageInfo.hasNextPage).toBe(false);

    // The account's timeline shows the deal opened for it, after its own creation.
    const accountTimeline = async () =>
      (
        await gqlOk<{ account: { timeline: { edges: { node: { kind: string; action: string } }[] } } }>(
          stack.gatewayUrl,
          'query ($id: ID!) { account(id: $id) { timeline { edges { node { kind action } } } } }',
          { id: account.id },
          { token: admin.token },
        )
      ).account.timeline.edges.map((edge) => edge.node.action);
    await expect.poll(accountTimeline, poll).toEqual(['sales.deal.created', 'customer.account.created']);
  });

  it('shows no timeline of a record the caller may not read, and refuses bad page arguments', async () => {
    const pipeline = await createPipeline(stack.gatewayUrl, admin.token, 'Private', STANDARD_STAGES);
    const deal = await createDeal(stack.gatewayUrl, admin.token, { pipelineId: pipeline.id, name: 'Admin only', amount: '10.00', currency: 'USD', ownerId: admin.id });
    expect((await dealTimeline(rep.token, deal.id)).deal).toBeNull();

    const tooMany = await gql(stack.gatewayUrl, DEAL_TIMELINE, { id: deal.id, first: 500 }, { token: admin.token });
    expect(tooMany.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
    const badCursor = await gql(stack.gatewayUrl, DEAL_TIMELINE, { id: deal.id, after: 'nope' }, { token: admin.token });
    expect(badCursor.errors?.[0]).toMatchObject({ message: 'after is not a valid cursor', extensions: { code: 'BAD_USER_INPUT' } });
  });
});
