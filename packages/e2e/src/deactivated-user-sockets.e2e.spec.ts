/**
 * A user taken away loses their live connections at once, through the real stack (PostgreSQL,
 * Redis, Kafka): when a tenant admin deactivates a Sales Rep, or erases a user's personal data,
 * every graphql-ws connection of that user closes with 4403 "User deactivated" as soon as the
 * gateway reads the platform's event, long before their access token expires. Their manager's
 * board and another tenant's connections stay open and keep receiving events, and the old token
 * cannot open a new connection.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stack } from '@crm/stack';
import { createAccount, createDeal, createTenantWithUsers, eventually, gql, gqlOk, login, startRealStack, subscribe, subscribersReady, wsClient, type LiveSubscription } from '@crm/testkit';

let stack: Stack;
let acme: Awaited<ReturnType<typeof seedTeam>>;
let bystander: { token: string };

/** A tenant with an admin, a manager leading a team with two reps, a board and a deal of each rep. */
async function seedTeam(label: string) {
  const slug = `${label}-${randomUUID().slice(0, 8)}`;
  const password = `pw-${randomUUID()}`;
  const { users } = await createTenantWithUsers(stack, { name: `${label} Inc`, slug }, [
    { email: `admin@${slug}.test`, name: `${label} Admin`, role: 'TENANT_ADMIN', password },
    { email: `manager@${slug}.test`, name: `${label} Manager`, role: 'SALES_MANAGER', password },
    { email: `rep@${slug}.test`, name: `${label} Rep`, role: 'SALES_REP', password },
    { email: `rep2@${slug}.test`, name: `${label} Second Rep`, role: 'SALES_REP', password },
  ]);
  const [admin, manager, rep, rep2] = users as [(typeof users)[0], (typeof users)[0], (typeof users)[0], (typeof users)[0]];
  const url = stack.gatewayUrl;
  const { createTeam: team } = await gqlOk<{ createTeam: { id: string } }>(url, 'mutation($input: CreateTeamInput!) { createTeam(input: $input) { id } }', { input: { name: `${label} team`, managerId: manager.id } }, { token: admin.token });
  for (const member of [rep, rep2]) await gqlOk(url, 'mutation($u: ID!, $t: ID) { assignUserToTeam(userId: $u, teamId: $t) { id } }', { u: member.id, t: team.id }, { token: admin.token });
  const { createPipeline: pipeline } = await gqlOk<{ createPipeline: { id: string; stages: Array<{ id: string }> } }>(
    url,
    'mutation($input: CreatePipelineInput!) { createPipeline(input: $input) { id stages { id } } }',
    { input: { name: `${label} board`, stages: [{ name: 'Lead', probability: 10 }, { name: 'Proposal', probability: 50 }, { name: 'Negotiation', probability: 75 }] } },
    { token: admin.token },
  );
  const account = await createAccount(url, admin.token, { name: `${label} Account`, domain: `${slug}.example`, ownerId: rep.id });
  const deal = (i: number, owner: { id: string }) =>
    createDeal(url, admin.token, { pipelineId: pipeline.id, stageId: pipeline.stages[0]!.id, name: `${label} deal ${i}`, amount: `${i + 1}000.00`, currency: 'USD', accountId: account.id, ownerId: owner.id });
  const deals = [await deal(0, rep), await deal(1, rep2)];
  return { slug, password, admin, manager, rep, rep2, pipeline, deals };
}

beforeAll(async () => {
  stack = await startRealStack();
  acme = await seedTeam('sockets');
  const other = await createTenantWithUsers(stack, { name: 'Elsewhere Inc', slug: `elsewhere-${randomUUID().slice(0, 8)}` }, [
    { email: `admin@elsewhere-${randomUUID().slice(0, 8)}.test`, name: 'Elsewhere Admin', role: 'TENANT_ADMIN', password: `pw-${randomUUID()}` },
  ]);
  bystander = other.users[0]!;
});
afterAll(async () => {
  await stack?.stop();
});

const BOARD = 'subscription Board($pipelineId: ID!) { pipelineBoard(pipelineId: $pipelineId) { type dealId deal { name } } }';
const NOTIFICATIONS = 'subscription { notificationReceived { id kind } }';
const MOVE = 'mutation($id: ID!, $s: ID!) { moveDeal(id: $id, stageId: $s) { id } }';
type BoardEvent = { pipelineBoard: { type: string; dealId: string; deal: { name: string } | null } };

/** A subscription that also records how its connection was closed (code and reason). */
function watch(token: string, query: string, variables: Record<string, unknown> = {}) {
  const client = wsClient(stack.wsUrl, token);
  const state: { closed: { code: number; reason: string } | null; received: unknown[] } = { closed: null, received: [] };
  client.on('closed', (event) => {
    const { code, reason } = event as { code: number; reason: string };
    state.closed = { code, reason };
  });
  client.subscribe({ query, variables }, { next: (payload) => void state.received.push(payload), error: () => {}, complete: () => {} });
  return { state, close: () => client.dispose() };
}

/** Waits (bounded) until the watched connection is closed, and returns how. */
const closedOf = (watched: ReturnType<typeof watch>) => eventually(async () => watched.state.closed, 30_000, 50);

/** The subscribers on the gateway once the previous test's closed connections are gone (this file's stack is its own). */
const settled = () => eventually(async () => stack.gateway.stats().connections === 0 && stack.gateway.stats().subscribers === 0, 15_000, 20).then(() => 0);

const stillOpen = (live: LiveSubscription<unknown>) => {
  let closed = false;
  void live.closeCode.then(() => (closed = true));
  return () => !closed;
};

describe('a deactivated user’s open subscriptions', () => {
  it('close with 4403 at once; the manager’s board and another tenant stay open, and the old token cannot connect again', async () => {
    const { admin, manager, rep, pipeline, deals } = acme;
    const base = await settled();
    const repBoard = watch(rep.token, BOARD, { pipelineId: pipeline.id });
    const repNotifications = watch(rep.token, NOTIFICATIONS);
    const managerBoard = subscribe<BoardEvent>(stack.wsUrl, manager.token, BOARD, { pipelineId: pipeline.id });
    const elsewhere = subscribe(stack.wsUrl, bystander.token, NOTIFICATIONS);
    const managerOpen = stillOpen(managerBoard);
    const elsewhereOpen = stillOpen(elsewhere);
    try {
      await subscribersReady(stack.gateway, base + 4);
      await gqlOk(stack.gatewayUrl, 'mutation($id: ID!) { deactivateUser(id: $id) { active } }', { id: rep.id }, { token: admin.token });

      expect(await closedOf(repBoard)).toEqual({ code: 4403, reason: 'User deactivated' });
      expect(await closedOf(repNotifications)).toEqual({ code: 4403, reason: 'User deactivated' });

      // the manager still follows the board: a move of the rep's deal reaches them
      await gqlOk(stack.gatewayUrl, MOVE, { id: deals[0]!.id, s: pipeline.stages[1]!.id }, { token: admin.token });
      const moved = await managerBoard.next((p) => p.data?.pipelineBoard.type === 'DEAL_MOVED' && p.data.pipelineBoard.dealId === deals[0]!.id);
      expect(moved.data?.pipelineBoard.deal).toEqual({ name: 'sockets deal 0' });
      expect(managerOpen()).toBe(true);
      expect(elsewhereOpen()).toBe(true);
      // nothing reached the rep after the close
      expect(JSON.stringify(repBoard.state.received)).not.toContain('DEAL_MOVED');

      // the old token opens nothing, over WebSocket or HTTP
      const again = subscribe(stack.wsUrl, rep.token, BOARD, { pipelineId: pipeline.id });
      expect(await again.closeCode).toBe(4401);
      await again.close();
      expect((await gql(stack.gatewayUrl, '{ me { id } }', {}, { token: rep.token })).status).toBe(401);
      await expect(login(stack.gatewayUrl, rep.email, acme.password, acme.slug)).rejects.toThrow(/deactivated/);
    } finally {
      await Promise.all([repBoard.close(), repNotifications.close(), managerBoard.close(), elsewhere.close()]);
    }
  });

  it('close with 4403 when the user’s personal data is erased', async () => {
    const { admin, manager, rep2, pipeline, deals } = acme;
    const base = await settled();
    const repBoard = watch(rep2.token, BOARD, { pipelineId: pipeline.id });
    const managerBoard = subscribe<BoardEvent>(stack.wsUrl, manager.token, BOARD, { pipelineId: pipeline.id });
    try {
      await subscribersReady(stack.gateway, base + 2);
      await gqlOk(stack.gatewayUrl, 'mutation ($id: ID!) { erasePersonalData(userId: $id) { id } }', { id: rep2.id }, { token: admin.token });

      // the erasure goes through the customer and platform subgraphs over Kafka before the gateway hears of it
      expect(await closedOf(repBoard)).toEqual({ code: 4403, reason: 'User deactivated' });
      await gqlOk(stack.gatewayUrl, MOVE, { id: deals[1]!.id, s: pipeline.stages[2]!.id }, { token: admin.token });
      const moved = await managerBoard.next((p) => p.data?.pipelineBoard.type === 'DEAL_MOVED' && p.data.pipelineBoard.dealId === deals[1]!.id);
      expect(moved.data?.pipelineBoard.deal).toEqual({ name: 'sockets deal 1' });

      const again = subscribe(stack.wsUrl, rep2.token, BOARD, { pipelineId: pipeline.id });
      expect(await again.closeCode).toBe(4401);
      await again.close();
      expect((await gql(stack.gatewayUrl, '{ me { id } }', {}, { token: rep2.token })).status).toBe(401);
    } finally {
      await Promise.all([repBoard.close(), managerBoard.close()]);
    }
  });
});
