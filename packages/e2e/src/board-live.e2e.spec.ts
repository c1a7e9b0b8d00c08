/**
 * Live pipeline boards end to end: every kind of board change over graphql-ws, authorized per
 * subscriber (a Sales Rep and a Sales Manager of one tenant, a subscriber of another tenant), and
 * a client that disconnects, catches up with `pipelineBoardChanges` and follows the live stream.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stack } from '@crm/stack';
import { createAccount, createDeal, createTenantWithUsers, eventually, gql, gqlOk, startRealStack, subscribe, subscribersReady, type LiveSubscription } from '@crm/testkit';

let stack: Stack;

beforeAll(async () => {
  stack = await startRealStack();
});
afterAll(async () => {
  await stack?.stop();
});

/** A tenant with an admin, a manager leading a team with a rep, a board with open, won and lost stages, and deals owned by the rep or the admin. */
async function seedBoard(label: string) {
  const slug = `${label}-${randomUUID().slice(0, 8)}`;
  const password = `pw-${randomUUID()}`;
  const { users } = await createTenantWithUsers(stack, { name: `${label} Inc`, slug }, [
    { email: `admin@${slug}.test`, name: `${label} Admin`, role: 'TENANT_ADMIN', password },
    { email: `manager@${slug}.test`, name: `${label} Manager`, role: 'SALES_MANAGER', password },
    { email: `rep@${slug}.test`, name: `${label} Rep`, role: 'SALES_REP', password },
  ]);
  const [admin, manager, rep] = users as [(typeof users)[0], (typeof users)[0], (typeof users)[0]];
  const url = stack.gatewayUrl;
  // the manager leads the rep's team, so the team's deals are theirs to see
  const { createTeam: team } = await gqlOk<{ createTeam: { id: string } }>(url, 'mutation($input: CreateTeamInput!) { createTeam(input: $input) { id } }', { input: { name: `${label} team`, managerId: manager.id } }, { token: admin.token });
  await gqlOk(url, 'mutation($u: ID!, $t: ID) { assignUserToTeam(userId: $u, teamId: $t) { id } }', { u: rep.id, t: team.id }, { token: admin.token });
  const { createPipeline: pipeline } = await gqlOk<{ createPipeline: { id: string; stages: Array<{ id: string; name: string; kind: string }> } }>(
    url,
    'mutation($input: CreatePipelineInput!) { createPipeline(input: $input) { id stages { id name kind } } }',
    {
      input: {
        name: `${label} board`,
        stages: [
          { name: 'Lead', probability: 10 },
          { name: 'Proposal', probability: 50 },
          { name: 'Negotiation', probability: 75 },
          { name: 'Won', probability: 100, kind: 'WON' },
          { name: 'Lost', probability: 0, kind: 'LOST' },
        ],
      },
    },
    { token: admin.token },
  );
  const open = pipeline.stages.filter((s) => s.kind === 'OPEN');
  // the rep's account: they (and their manager) see it on their deals
  const account = await createAccount(url, admin.token, { name: `${label} Account`, domain: `${slug}.example`, ownerId: rep.id });
  const deal = (i: number, owner: { id: string }) =>
    createDeal(url, admin.token, { pipelineId: pipeline.id, stageId: open[0]!.id, name: `${label} deal ${i}`, amount: `${i + 1}000.00`, currency: 'USD', accountId: account.id, ownerId: owner.id });
  const repDeals = [await deal(0, rep), await deal(1, rep), await deal(2, rep), await deal(3, rep)];
  const adminDeal = await deal(4, admin);
  return { admin, manager, rep, pipeline, open, account, repDeals, adminDeal };
}
type Board = Awaited<ReturnType<typeof seedBoard>>;

const BOARD = `subscription Board($pipelineId: ID!) {
  pipelineBoard(pipelineId: $pipelineId) {
    type sequence dealId fromStageId toStageId
    deal { id name status stage { name } account { name } owner { name } }
  }
}`;
interface BoardEvent {
  type: string;
  sequence: string;
  dealId: string;
  fromStageId: string | null;
  toStageId: string | null;
  deal: { id: string; name: string; status: string; stage: { name: string }; account: { name: string } | null; owner: { name: string } | null } | null;
}
type Live = LiveSubscription<{ pipelineBoard: BoardEvent }>;

const events = (live: Live) => live.received.map((p) => p.data?.pipelineBoard).filter((e): e is BoardEvent => !!e);
const eventOf = async (live: Live, type: string, dealId: string) => (await live.next((p) => p.data?.pipelineBoard.type === type && p.data.pipelineBoard.dealId === dealId)).data!.pipelineBoard;

const write = <T = Record<string, unknown>>(board: Board, query: string, variables: Record<string, unknown>) => gqlOk<T>(stack.gatewayUrl, query, variables, { token: board.admin.token });
const move = (board: Board, dealId: string, stageId: string) => write(board, 'mutation($id: ID!, $s: ID!) { moveDeal(id: $id, stageId: $s) { id } }', { id: dealId, s: stageId });

describe('pipelineBoard, per subscriber', () => {
  it('carries moved, won, lost, reopened and deleted deals to a rep and a manager of the tenant, never to another tenant', async () => {
    const acme = await seedBoard('acme');
    const globex = await seedBoard('globex');
    const base = stack.gateway.stats().subscribers;
    const rep = subscribe<{ pipelineBoard: BoardEvent }>(stack.wsUrl, acme.rep.token, BOARD, { pipelineId: acme.pipeline.id });
    const manager = subscribe<{ pipelineBoard: BoardEvent }>(stack.wsUrl, acme.manager.token, BOARD, { pipelineId: acme.pipeline.id });
    const outsider = subscribe<{ pipelineBoard: BoardEvent }>(stack.wsUrl, globex.manager.token, BOARD, { pipelineId: globex.pipeline.id });
    try {
      await subscribersReady(stack.gateway, base + 3);
      const [d0, d1, d2] = acme.repDeals as [Board['repDeals'][0], Board['repDeals'][0], Board['repDeals'][0]];

      await move(acme, d0.id, acme.open[1]!.id);
      for (const watcher of [rep, manager]) {
        expect(await eventOf(watcher, 'DEAL_MOVED', d0.id)).toMatchObject({
          fromStageId: acme.open[0]!.id,
          toStageId: acme.open[1]!.id,
          deal: { name: 'acme deal 0', status: 'OPEN', stage: { name: 'Proposal' }, account: { name: 'acme Account' }, owner: { name: 'acme Rep' } },
        });
      }

      await write(acme, 'mutation($id: ID!) { markDealWon(id: $id, reason: "signed") { id } }', { id: d0.id });
      await write(acme, 'mutation($id: ID!) { markDealLost(id: $id, reason: "budget") { id } }', { id: d1.id });
      await write(acme, 'mutation($id: ID!, $s: ID!) { reopenDeal(id: $id, stageId: $s) { id } }', { id: d1.id, s: acme.open[2]!.id });
      await write(acme, 'mutation($id: ID!) { deleteDeal(id: $id) }', { id: d2.id });
      const won = acme.pipeline.stages.find((s) => s.kind === 'WON')!;
      const lost = acme.pipeline.stages.find((s) => s.kind === 'LOST')!;
      for (const watcher of [rep, manager]) {
        expect(await eventOf(watcher, 'DEAL_WON', d0.id)).toMatchObject({ fromStageId: acme.open[1]!.id, toStageId: won.id, deal: { status: 'WON', stage: { name: 'Won' } } });
        // `deal` is the deal as it is when the event is delivered: d1 may already be reopened here
        expect(await eventOf(watcher, 'DEAL_LOST', d1.id)).toMatchObject({ fromStageId: acme.open[0]!.id, toStageId: lost.id, deal: { name: 'acme deal 1' } });
        expect(await eventOf(watcher, 'DEAL_REOPENED', d1.id)).toMatchObject({ fromStageId: lost.id, toStageId: acme.open[2]!.id, deal: { status: 'OPEN', stage: { name: 'Negotiation' } } });
        expect(await eventOf(watcher, 'DEAL_DELETED', d2.id)).toMatchObject({ fromStageId: acme.open[0]!.id, toStageId: null, deal: null });
        // one board, one order: sequences strictly increase
        const sequences = events(watcher).map((e) => Number(e.sequence));
        expect(sequences).toEqual([...sequences].sort((a, b) => a - b));
        expect(new Set(sequences).size).toBe(sequences.length);
      }

      // the outsider's stream is live (its own tenant's move arrives) but carries nothing of acme's
      await move(globex, globex.repDeals[0]!.id, globex.open[1]!.id);
      expect((await eventOf(outsider, 'DEAL_MOVED', globex.repDeals[0]!.id)).deal?.name).toBe('globex deal 0');
      // the seed's own DEAL_CREATED events may still be on their way when the outsider subscribes:
      // whatever reaches the outsider is a globex deal, and the acme changes above never do
      const globexDeals = new Set([...globex.repDeals, globex.adminDeal].map((d) => d.id));
      expect(events(outsider).filter((e) => !globexDeals.has(e.dealId))).toEqual([]);
      expect(events(outsider).filter((e) => e.type === 'DEAL_MOVED').map((e) => e.dealId)).toEqual([globex.repDeals[0]!.id]);
      expect(events(rep).some((e) => e.dealId === globex.repDeals[0]!.id)).toBe(false);
    } finally {
      await Promise.all([rep.close(), manager.close(), outsider.close()]);
    }
  });

  it('sends a change only to subscribers the deal resolves for', async () => {
    const acme = await seedBoard('scope');
    const base = stack.gateway.stats().subscribers;
    const rep = subscribe<{ pipelineBoard: BoardEvent }>(stack.wsUrl, acme.rep.token, BOARD, { pipelineId: acme.pipeline.id });
    const admin = subscribe<{ pipelineBoard: BoardEvent }>(stack.wsUrl, acme.admin.token, BOARD, { pipelineId: acme.pipeline.id });
    try {
      await subscribersReady(stack.gateway, base + 2);
      // a deal the rep does not own, then one they do: events reach each subscriber in board order
      await move(acme, acme.adminDeal.id, acme.open[1]!.id);
      await move(acme, acme.repDeals[0]!.id, acme.open[1]!.id);
      expect((await eventOf(admin, 'DEAL_MOVED', acme.adminDeal.id)).deal?.owner?.name).toBe('scope Admin');
      await eventOf(admin, 'DEAL_MOVED', acme.repDeals[0]!.id);
      await eventOf(rep, 'DEAL_MOVED', acme.repDeals[0]!.id);

      // a Sales Rep reads only their own deals: the admin's deal is neither readable through the
      // API nor sent to them live (its change came before the rep's own, which has arrived)
      const readable = await gql<{ deal: { id: string } | null }>(stack.gatewayUrl, 'query($id: ID!) { deal(id: $id) { id } }', { id: acme.adminDeal.id }, { token: acme.rep.token });
      expect(readable.data?.deal).toBeNull();
      expect(events(rep).some((e) => e.dealId === acme.adminDeal.id)).toBe(false);
    } finally {
      await Promise.all([rep.close(), admin.close()]);
    }
  });
});

describe('reconnect and catch up', () => {
  const CHANGES = `query Changes($pipelineId: ID!, $after: String!) {
    pipelineBoardChanges(pipelineId: $pipelineId, afterSequence: $after, first: 100) {
      events { type sequence dealId fromStageId toStageId deal { name } }
      lastSequence hasMore
    }
  }`;

  it('returns exactly the changes missed while disconnected, in order, and the live stream goes on after them', async () => {
    const board = await seedBoard('resume');
    const [d0, d1, d2, d3] = board.repDeals as [Board['repDeals'][0], Board['repDeals'][0], Board['repDeals'][0], Board['repDeals'][0]];
    const base = stack.gateway.stats().subscribers;
    const before = subscribe<{ pipelineBoard: BoardEvent }>(stack.wsUrl, board.rep.token, BOARD, { pipelineId: board.pipeline.id });
    await subscribersReady(stack.gateway, base + 1);
    await move(board, d0.id, board.open[1]!.id);
    const lastSeen = (await eventOf(before, 'DEAL_MOVED', d0.id)).sequence;
    await before.close();
    await eventually(async () => stack.gateway.stats().subscribers <= base);

    // offline: four changes happen
    await move(board, d1.id, board.open[2]!.id);
    await write(board, 'mutation($id: ID!) { markDealWon(id: $id, reason: "signed") { id } }', { id: d2.id });
    await write(board, 'mutation($id: ID!, $input: UpdateDealInput!) { updateDeal(id: $id, input: $input) { id } }', { id: d3.id, input: { name: 'resume deal 3 (renamed)' } });
    await write(board, 'mutation($id: ID!) { deleteDeal(id: $id) }', { id: d0.id });

    // back online: subscribe first, then ask for what was missed, so nothing falls between the two
    const after = subscribe<{ pipelineBoard: BoardEvent }>(stack.wsUrl, board.rep.token, BOARD, { pipelineId: board.pipeline.id });
    try {
      await subscribersReady(stack.gateway, base + 1);
      const { pipelineBoardChanges: page } = await gqlOk<{ pipelineBoardChanges: { events: BoardEvent[]; lastSequence: string; hasMore: boolean } }>(
        stack.gatewayUrl,
        CHANGES,
        { pipelineId: board.pipeline.id, after: lastSeen },
        { token: board.rep.token },
      );
      const s = Number(lastSeen);
      expect(page.events.map((e) => [e.type, e.dealId, Number(e.sequence)])).toEqual([
        ['DEAL_MOVED', d1.id, s + 1],
        ['DEAL_WON', d2.id, s + 2],
        ['DEAL_UPDATED', d3.id, s + 3],
        ['DEAL_DELETED', d0.id, s + 4],
      ]);
      expect(page.events[0]).toMatchObject({ fromStageId: board.open[0]!.id, toStageId: board.open[2]!.id, deal: { name: 'resume deal 1' } });
      expect(page.events[2]!.deal).toEqual({ name: 'resume deal 3 (renamed)' });
      expect(page.events[3]!.deal).toBeNull();
      expect(page).toMatchObject({ lastSequence: String(s + 4), hasMore: false });

      // the live stream continues right after the caught-up sequence. Changes still on their way
      // when the client resubscribed may also arrive live: the client skips sequences it already has.
      await move(board, d1.id, board.open[1]!.id);
      const fresh = await after.next((p) => Number(p.data?.pipelineBoard.sequence) > Number(page.lastSequence));
      expect(fresh.data?.pipelineBoard).toMatchObject({ type: 'DEAL_MOVED', dealId: d1.id, sequence: String(s + 5), fromStageId: board.open[2]!.id, toStageId: board.open[1]!.id });
      // (changes up to `lastSeen` were seen before the disconnect: the client skips them too)
      const replayed = events(after).filter((e) => Number(e.sequence) > s && Number(e.sequence) <= Number(page.lastSequence));
      for (const e of replayed) expect(page.events.find((c) => c.sequence === e.sequence)).toMatchObject({ type: e.type, dealId: e.dealId });
    } finally {
      await after.close();
    }
  });
});
