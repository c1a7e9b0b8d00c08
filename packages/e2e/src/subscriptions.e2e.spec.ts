/**
 * Live pipeline boards over graphql-ws: Kafka events in, per-tenant routing, deal fields
 * resolved across subgraphs for each subscriber.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stack } from '@crm/stack';
import { gqlOk, startRealStack, subscribe, subscribersReady } from '@crm/testkit';
import { seedSalesTenant, type SalesTenant } from './fixtures.ts';

let stack: Stack;
let acme: SalesTenant;
let globex: SalesTenant;

beforeAll(async () => {
  stack = await startRealStack();
  [acme, globex] = [await seedSalesTenant(stack, 'live', 2), await seedSalesTenant(stack, 'other', 2)];
});
afterAll(async () => {
  await stack?.stop();
});

const BOARD = `subscription Board($pipelineId: ID!) {
  pipelineBoard(pipelineId: $pipelineId) {
    type sequence dealId fromStageId toStageId
    deal { name amount stage { name } account { name } owner { name } }
  }
}`;

interface BoardEvent {
  pipelineBoard: {
    type: string;
    sequence: string;
    dealId: string;
    fromStageId: string | null;
    toStageId: string | null;
    deal: { name: string; amount: string; stage: { name: string }; account: { name: string } | null; owner: { name: string } | null } | null;
  };
}

describe('pipelineBoard', () => {
  it('delivers a deal move with fields from three subgraphs, only to the right tenant', async () => {
    // the moved deals are the admins': each tenant's admin watches (a rep sees only their own deals)
    const watcher = subscribe<BoardEvent>(stack.wsUrl, acme.admin.token, BOARD, { pipelineId: acme.pipeline.id });
    const outsider = subscribe<BoardEvent>(stack.wsUrl, globex.admin.token, BOARD, { pipelineId: globex.pipeline.id });
    try {
      await subscribersReady(stack.gateway, 2);
      const target = acme.pipeline.stages[2]!;
      await gqlOk(stack.gatewayUrl, 'mutation($id: ID!, $s: ID!) { moveDeal(id: $id, stageId: $s) { id } }', { id: acme.deals[0]!.id, s: target.id }, { token: acme.admin.token });

      const event = await watcher.next((p) => p.data?.pipelineBoard.type === 'DEAL_MOVED');
      expect(event.data?.pipelineBoard).toMatchObject({
        type: 'DEAL_MOVED',
        dealId: acme.deals[0]!.id,
        fromStageId: acme.pipeline.stages[0]!.id,
        toStageId: target.id,
        deal: { name: 'live deal 0', amount: '1000.50', stage: { name: target.name }, account: { name: 'live Alpha' }, owner: { name: 'live Admin' } },
      });
      expect(Number(event.data?.pipelineBoard.sequence)).toBeGreaterThan(0);

      // a globex move reaches globex's watcher, proving the outsider's subscription is live…
      await gqlOk(stack.gatewayUrl, 'mutation($id: ID!, $s: ID!) { moveDeal(id: $id, stageId: $s) { id } }', { id: globex.deals[0]!.id, s: globex.pipeline.stages[1]!.id }, { token: globex.admin.token });
      const own = await outsider.next((p) => p.data?.pipelineBoard.dealId === globex.deals[0]!.id);
      expect(own.data?.pipelineBoard.deal?.name).toBe('other deal 0');
      // …and it never saw acme's event, nor acme globex's
      expect(outsider.received.some((p) => p.data?.pipelineBoard.dealId === acme.deals[0]!.id)).toBe(false);
      expect(watcher.received.some((p) => p.data?.pipelineBoard.dealId === globex.deals[0]!.id)).toBe(false);
    } finally {
      await watcher.close();
      await outsider.close();
    }
  });

  it('refuses a subscription to another tenant’s pipeline', async () => {
    const intruder = subscribe<BoardEvent>(stack.wsUrl, globex.rep.token, BOARD, { pipelineId: acme.pipeline.id });
    try {
      const first = await intruder.next(() => true, 10_000);
      expect(first.data ?? null).toBeNull();
      expect(JSON.stringify(first.errors)).toMatch(/NOT_FOUND|not found/i);
    } finally {
      await intruder.close();
    }
  });

  it('closes a connection without a valid token with 4401', async () => {
    const anonymous = subscribe<BoardEvent>(stack.wsUrl, undefined, BOARD, { pipelineId: acme.pipeline.id });
    expect(await anonymous.closeCode).toBe(4401);
    await anonymous.close();
    const forged = subscribe<BoardEvent>(stack.wsUrl, 'eyJhbGciOiJub25lIn0.e30.', BOARD, { pipelineId: acme.pipeline.id });
    expect(await forged.closeCode).toBe(4401);
    await forged.close();
  });
});
