import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { EventEnvelope } from '@crm/events';
import { createLogger, type Identity } from '@crm/runtime';
import { buildSchema, parse, type ExecutionResult } from '../graphql.ts';
import { BoardFanout, type BoardSubscriber } from './board-fanout.ts';
import { ACCESS_PROBE, planBoardSubscription, type BoardSubscriptionPlan, type FederatedRequest } from './board-subscription.ts';
import { EventQueue } from './event-queue.ts';

const schema = buildSchema(/* GraphQL */ `
  enum PipelineBoardEventType { DEAL_CREATED DEAL_MOVED DEAL_UPDATED DEAL_WON DEAL_LOST DEAL_REOPENED DEAL_DELETED }
  type Deal { id: ID! name: String! }
  type PipelineBoardEvent { type: PipelineBoardEventType! sequence: String! pipelineId: ID! dealId: ID! fromStageId: ID toStageId: ID deal: Deal }
  type Query { deal(id: ID!): Deal }
  type Subscription { pipelineBoard(pipelineId: ID!): PipelineBoardEvent! }
`);

const BOARD = 'subscription($p: ID!) { pipelineBoard(pipelineId: $p) { type sequence dealId toStageId deal { name } } }';

/** Deals each user may read: a Sales Rep only their own, a manager every deal of the tenant. */
function world() {
  const calls: Array<{ request: FederatedRequest; identity: Identity }> = [];
  const readable = new Map<string, Set<string>>(); // userId -> deal ids
  const run = async (request: FederatedRequest, identity: Identity) => {
    calls.push({ request, identity });
    const dealId = String(request.variables['__boardDealId']);
    if (!readable.get(identity.userId ?? '')?.has(dealId)) return { data: { [ACCESS_PROBE]: null, deal: null } };
    return { data: { [ACCESS_PROBE]: { id: dealId }, deal: { __typename: 'Deal', name: `deal ${dealId}` } } };
  };
  const fanout = new BoardFanout(run, createLogger('fanout-test', 'silent'));
  const subscribe = (tenantId: string, userId: string, role: string, pipelineId = 'p1') => {
    const plan = planBoardSubscription(schema, parse(BOARD), undefined, { p: pipelineId }) as BoardSubscriptionPlan;
    const queue = new EventQueue<ExecutionResult>({ pending: 0, limit: 100, onOverflow: () => {} }, () => remove());
    const subscriber: BoardSubscriber = { tenantId, pipelineId, identity: { tenantId, userId, roles: [role], requestId: 'r' }, plan, schema, queue };
    const remove = fanout.registry.add(subscriber);
    const received: ExecutionResult[] = [];
    const drain = async () => {
      for (;;) {
        const next = await Promise.race([queue.next(), new Promise<null>((r) => setImmediate(() => r(null)))]);
        if (!next || next.done) return received;
        received.push(next.value);
      }
    };
    return { queue, received, drain };
  };
  return { fanout, calls, readable, subscribe };
}

const event = (type: string, tenantId: string, payload: Record<string, unknown>): EventEnvelope => ({
  id: randomUUID(),
  type,
  version: 1,
  tenantId,
  actor: { userId: null, kind: 'user' },
  aggregateId: String(payload['dealId']),
  occurredAt: '2026-11-26T10:00:00.000Z',
  payload,
});

describe('BoardFanout', () => {
  it('resolves and renders once per distinct subscriber group, and fans the message out to every member', async () => {
    const w = world();
    w.readable.set('rep', new Set(['d1']));
    w.readable.set('manager', new Set(['d1']));
    const reps = Array.from({ length: 5 }, () => w.subscribe('t1', 'rep', 'SALES_REP'));
    const managers = Array.from({ length: 3 }, () => w.subscribe('t1', 'manager', 'SALES_MANAGER'));

    const stats = await w.fanout.deliver(event('sales.deal.stage_changed', 't1', { dealId: 'd1', pipelineId: 'p1', fromStageId: 's1', toStageId: 's2', sequence: '4' }));

    expect(stats).toEqual({ fetches: 2, renders: 2, delivered: 8, withheld: 0 });
    expect(w.calls.map((c) => c.identity.userId).sort()).toEqual(['manager', 'rep']);
    for (const s of [...reps, ...managers]) {
      expect(await s.drain()).toEqual([{ data: { pipelineBoard: { type: 'DEAL_MOVED', sequence: '4', dealId: 'd1', toStageId: 's2', deal: { name: 'deal d1' } } } }]);
    }
  });

  it('withholds the event from subscribers the deal does not resolve for', async () => {
    const w = world();
    w.readable.set('manager', new Set(['d2']));
    const rep = w.subscribe('t1', 'rep', 'SALES_REP');
    const manager = w.subscribe('t1', 'manager', 'SALES_MANAGER');

    const stats = await w.fanout.deliver(event('sales.deal.won', 't1', { dealId: 'd2', pipelineId: 'p1', stageId: 'won', sequence: '5' }));

    expect(stats).toMatchObject({ delivered: 1, withheld: 1 });
    expect(await rep.drain()).toEqual([]);
    expect((await manager.drain())[0]?.data).toEqual({ pipelineBoard: { type: 'DEAL_WON', sequence: '5', dealId: 'd2', toStageId: 'won', deal: { name: 'deal d2' } } });
  });

  it('sends a deletion with a null deal to the board’s subscribers of that tenant only, without resolving it', async () => {
    const w = world();
    const own = w.subscribe('t1', 'rep', 'SALES_REP');
    const otherTenant = w.subscribe('t2', 'rep', 'SALES_REP');
    const otherBoard = w.subscribe('t1', 'rep', 'SALES_REP', 'p2');

    const stats = await w.fanout.deliver(event('sales.deal.deleted', 't1', { dealId: 'd3', pipelineId: 'p1', stageId: 's1', sequence: '6' }));

    expect(stats).toEqual({ fetches: 0, renders: 1, delivered: 1, withheld: 0 });
    expect(await own.drain()).toEqual([{ data: { pipelineBoard: { type: 'DEAL_DELETED', sequence: '6', dealId: 'd3', toStageId: null, deal: null } } }]);
    expect(await otherTenant.drain()).toEqual([]);
    expect(await otherBoard.drain()).toEqual([]);
  });

  it('withholds the event when the deal cannot be fetched at all', async () => {
    const w = world();
    const rep = w.subscribe('t1', 'rep', 'SALES_REP');
    let attempts = 0;
    const failing = new BoardFanout(
      async () => {
        attempts++;
        return { errors: [{ message: 'Subgraph sales is unavailable', extensions: { code: 'SUBGRAPH_UNAVAILABLE' } }] };
      },
      createLogger('fanout-test', 'silent'),
      { retries: 2, retryDelayMs: 1 },
    );
    const queue = new EventQueue<ExecutionResult>({ pending: 0, limit: 10, onOverflow: () => {} }, () => {});
    failing.registry.add({ tenantId: 't1', pipelineId: 'p1', identity: { tenantId: 't1', userId: 'rep', roles: [], requestId: 'r' }, plan: planBoardSubscription(schema, parse(BOARD), undefined, { p: 'p1' }) as BoardSubscriptionPlan, schema, queue });
    expect(await failing.deliver(event('sales.deal.updated', 't1', { dealId: 'd1', pipelineId: 'p1', stageId: 's1', sequence: '7' }))).toMatchObject({ delivered: 0, withheld: 1 });
    expect(attempts).toBe(3);
    expect(await rep.drain()).toEqual([]);
  });

  it('retries a transient failure and delivers once the deal resolves, but takes FORBIDDEN as final', async () => {
    const answers = [
      { errors: [{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] },
      { data: { [ACCESS_PROBE]: { id: 'd1' }, deal: { __typename: 'Deal', name: 'recovered' } } },
    ];
    const calls: string[] = [];
    const flaky = new BoardFanout(
      async (request) => {
        calls.push(String(request.variables['__boardDealId']));
        if (request.variables['__boardDealId'] === 'd9') return { data: { [ACCESS_PROBE]: null }, errors: [{ message: 'Forbidden', extensions: { code: 'FORBIDDEN' } }] };
        return answers.shift()!;
      },
      createLogger('fanout-test', 'silent'),
      { retries: 2, retryDelayMs: 1 },
    );
    const queue = new EventQueue<ExecutionResult>({ pending: 0, limit: 10, onOverflow: () => {} }, () => {});
    flaky.registry.add({ tenantId: 't1', pipelineId: 'p1', identity: { tenantId: 't1', userId: 'rep', roles: [], requestId: 'r' }, plan: planBoardSubscription(schema, parse(BOARD), undefined, { p: 'p1' }) as BoardSubscriptionPlan, schema, queue });
    expect(await flaky.deliver(event('sales.deal.updated', 't1', { dealId: 'd1', pipelineId: 'p1', stageId: 's1', sequence: '8' }))).toMatchObject({ delivered: 1, withheld: 0 });
    expect(((await queue.next()).value as ExecutionResult).data).toMatchObject({ pipelineBoard: { deal: { name: 'recovered' } } });
    expect(await flaky.deliver(event('sales.deal.updated', 't1', { dealId: 'd9', pipelineId: 'p1', stageId: 's1', sequence: '9' }))).toMatchObject({ delivered: 0, withheld: 1 });
    expect(calls).toEqual(['d1', 'd1', 'd9']);
  });
});

describe('BoardFanout.accept', () => {
  it('prepares events concurrently but queues them in stream order', async () => {
    const released: Array<() => void> = [];
    const slow = new BoardFanout(
      (request) =>
        new Promise((resolve) => {
          const dealId = String(request.variables['__boardDealId']);
          // the first event's deal answers last
          released.push(() => resolve({ data: { [ACCESS_PROBE]: { id: dealId }, deal: { __typename: 'Deal', name: dealId } } }));
        }),
      createLogger('fanout-test', 'silent'),
    );
    const queue = new EventQueue<ExecutionResult>({ pending: 0, limit: 10, onOverflow: () => {} }, () => {});
    slow.registry.add({ tenantId: 't1', pipelineId: 'p1', identity: { tenantId: 't1', userId: 'u', roles: [], requestId: 'r' }, plan: planBoardSubscription(schema, parse(BOARD), undefined, { p: 'p1' }) as BoardSubscriptionPlan, schema, queue });
    for (const [i, dealId] of ['d1', 'd2', 'd3'].entries()) {
      await slow.accept(event('sales.deal.updated', 't1', { dealId, pipelineId: 'p1', stageId: 's1', sequence: String(i + 1) }));
    }
    expect(released).toHaveLength(3); // all three fetches started before any answered
    for (const release of [...released].reverse()) release();
    await slow.drained();
    const order = [];
    for (let i = 0; i < 3; i++) order.push(((await queue.next()).value as ExecutionResult<{ pipelineBoard: { sequence: string } }>).data?.pipelineBoard.sequence);
    expect(order).toEqual(['1', '2', '3']);
  });
});

describe('BoardFanout.accept across boards', () => {
  it('does not hold one board’s events behind a slow event of another board', async () => {
    let releaseSlow = () => {};
    const fanout = new BoardFanout(
      (request) =>
        new Promise((resolve) => {
          const dealId = String(request.variables['__boardDealId']);
          const answer = () => resolve({ data: { [ACCESS_PROBE]: { id: dealId }, deal: { __typename: 'Deal', name: dealId } } });
          if (dealId === 'slow') releaseSlow = answer;
          else answer();
        }),
      createLogger('fanout-test', 'silent'),
    );
    const plan = (p: string) => planBoardSubscription(schema, parse(BOARD), undefined, { p }) as BoardSubscriptionPlan;
    const queues = ['p1', 'p2'].map((pipelineId) => {
      const queue = new EventQueue<ExecutionResult>({ pending: 0, limit: 10, onOverflow: () => {} }, () => {});
      fanout.registry.add({ tenantId: 't1', pipelineId, identity: { tenantId: 't1', userId: 'u', roles: [], requestId: 'r' }, plan: plan(pipelineId), schema, queue });
      return queue;
    });
    await fanout.accept(event('sales.deal.updated', 't1', { dealId: 'slow', pipelineId: 'p1', stageId: 's1', sequence: '1' }));
    await fanout.accept(event('sales.deal.updated', 't1', { dealId: 'fast', pipelineId: 'p2', stageId: 's1', sequence: '1' }));
    const other = (await queues[1]!.next()).value as ExecutionResult<{ pipelineBoard: { dealId: string } }>;
    expect(other.data?.pipelineBoard.dealId).toBe('fast'); // while p1's event is still unresolved
    releaseSlow();
    await fanout.drained();
    expect(((await queues[0]!.next()).value as ExecutionResult<{ pipelineBoard: { dealId: string } }>).data?.pipelineBoard.dealId).toBe('slow');
  });
});
