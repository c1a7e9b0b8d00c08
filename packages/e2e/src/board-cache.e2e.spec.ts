/**
 * The gateway's response cache on the real stack (PostgreSQL, Kafka, Redis): board reads are
 * answered from memory, and every change shows up on the next read — at once for a write through
 * the same gateway, as soon as its domain event arrives for a write elsewhere — without answers
 * ever crossing tenants, users or roles.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Gateway, GatewayOptions } from '@crm/gateway';
import { createAccount, createDeal, createPipeline, createTeam, createTenantWithUsers, STANDARD_STAGES, startExtraGateway, type Stack } from '@crm/stack';
import { eventually, gqlOk, moveDeal, startRealStack } from '@crm/testkit';
import { seedSalesTenant, type SalesTenant } from './fixtures.ts';

const BOARD = 'query Board($p: ID!) { deals(pipelineId: $p, first: 100) { id name stage { name } account { name } owner { name } } }';

interface BoardDeal {
  id: string;
  name: string;
  stage: { name: string };
  account: { name: string } | null;
  owner: { name: string } | null;
}

let stack: Stack;
const gateways: Gateway[] = [];
/** Two gateway instances with the cache on, over the same subgraphs and Kafka. */
let cached: string;
let second: string;
/** A third, serving an entry a change made elsewhere invalidated while it re-reads it in the background. */
let servingStale: string;
let acme: Awaited<ReturnType<typeof seedTeamTenant>>;
let other: SalesTenant;

async function cachedGateway(responseCache: GatewayOptions['responseCache'] = {}): Promise<string> {
  const { gateway, url } = await startExtraGateway(stack, 'board-cache-test', { responseCache });
  gateways.push(gateway);
  await gateway.responseCache!.ready;
  return url;
}

/** A tenant with an admin, a manager leading a rep, deals owned by each, on two accounts. */
async function seedTeamTenant() {
  const slug = `cache-${randomUUID().slice(0, 8)}`;
  const password = `pw-${randomUUID()}`;
  const { tenantId, users } = await createTenantWithUsers(stack, { name: 'Cache Inc', slug }, [
    { email: `admin@${slug}.test`, name: 'Ada Admin', role: 'TENANT_ADMIN', password },
    { email: `manager@${slug}.test`, name: 'Max Manager', role: 'SALES_MANAGER', password },
    { email: `rep@${slug}.test`, name: 'Rita Rep', role: 'SALES_REP', password },
  ]);
  const [admin, manager, rep] = users as [(typeof users)[0], (typeof users)[0], (typeof users)[0]];
  const url = stack.gatewayUrl;
  await createTeam(url, admin.token, { name: 'East', managerId: manager.id, memberIds: [rep.id] });
  const pipeline = await createPipeline(url, admin.token, 'Cache pipeline', STANDARD_STAGES);
  const globex = await createAccount(url, admin.token, { name: 'Globex', domain: `globex-${slug}.example` });
  const initech = await createAccount(url, admin.token, { name: 'Initech', domain: `initech-${slug}.example` });
  const deal = (name: string, ownerId: string, accountId: string) =>
    createDeal(url, admin.token, { pipelineId: pipeline.id, stageId: pipeline.stages[0]!.id, name, amount: '1000.00', currency: 'USD', ownerId, accountId });
  const repDeal = await deal('Rep deal', rep.id, globex.id);
  const managerDeal = await deal('Manager deal', manager.id, initech.id);
  const adminDeal = await deal('Admin deal', admin.id, initech.id);
  return { tenantId, admin, manager, rep, pipeline, globex, initech, repDeal, managerDeal, adminDeal };
}

beforeAll(async () => {
  stack = await startRealStack();
  acme = await seedTeamTenant();
  other = await seedSalesTenant(stack, 'cache-other', 2);
  cached = await cachedGateway();
  second = await cachedGateway();
  servingStale = await cachedGateway({ staleMs: 30_000 });
});
afterAll(async () => {
  for (const gateway of gateways) await gateway.stop();
  await stack?.stop();
});

/** One board read: the cache outcome and the deals by name. */
async function board(url: string, token: string, pipelineId = acme.pipeline.id) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: BOARD, variables: { p: pipelineId } }),
  });
  const body = (await response.json()) as { data?: { deals: BoardDeal[] }; errors?: unknown[] };
  expect(body.errors).toBeUndefined();
  const deals = Object.fromEntries(body.data!.deals.map((d) => [d.name, d]));
  return { cache: response.headers.get('x-crm-cache'), deals };
}

/** Reads through `url` until `check` holds, returning the read (Kafka brings other writers' events). */
const boardUntil = (url: string, token: string, check: (read: Awaited<ReturnType<typeof board>>) => boolean) =>
  eventually(async () => {
    const read = await board(url, token);
    return check(read) ? read : null;
  }, 15_000, 50);

/**
 * Reads until the answer comes from the cache: events of earlier writes (this file's own, relayed
 * from the outbox) may still drop an entry right after it was stored.
 */
const cachedRead = (url: string, token: string, pipelineId = acme.pipeline.id) =>
  eventually(async () => {
    const read = await board(url, token, pipelineId);
    return read.cache === 'HIT' ? read : null;
  }, 15_000, 50);

describe('board reads from the response cache', () => {
  it('answers a repeated board read from the cache', async () => {
    const first = await board(cached, acme.admin.token);
    expect(first.cache).toBe('MISS');
    expect(Object.keys(first.deals).sort()).toEqual(['Admin deal', 'Manager deal', 'Rep deal']);
    expect(first.deals['Rep deal']).toMatchObject({ stage: { name: acme.pipeline.stages[0]!.name }, account: { name: 'Globex' }, owner: { name: 'Rita Rep' } });
    expect(await cachedRead(cached, acme.admin.token)).toEqual({ cache: 'HIT', deals: first.deals });
  });

  it('shows a move made through the same gateway on the very next read', async () => {
    await board(cached, acme.admin.token);
    const target = acme.pipeline.stages[1]!;
    await moveDeal(cached, acme.admin.token, acme.adminDeal.id, target.id);
    const next = await board(cached, acme.admin.token);
    expect(next.cache).toBe('MISS');
    expect(next.deals['Admin deal']!.stage.name).toBe(target.name);
  });

  it('shows a move made through another gateway once its event arrives from Kafka', async () => {
    const before = await cachedRead(cached, acme.admin.token);
    const target = acme.pipeline.stages[2]!;
    expect(before.deals['Manager deal']!.stage.name).not.toBe(target.name);
    await moveDeal(second, acme.admin.token, acme.managerDeal.id, target.id);
    // the writing gateway answers its own next read with the move at once
    expect((await board(second, acme.admin.token)).deals['Manager deal']!.stage.name).toBe(target.name);
    const after = await boardUntil(cached, acme.admin.token, (read) => read.deals['Manager deal']!.stage.name === target.name);
    expect(after.cache).toBe('MISS');
    expect((await cachedRead(cached, acme.admin.token)).deals['Manager deal']!.stage.name).toBe(target.name);
  });

  it('never gives a manager the rep’s answer or the rep the manager’s', async () => {
    const rep = await board(cached, acme.rep.token);
    expect(Object.keys(rep.deals)).toEqual(['Rep deal']);
    const manager = await board(cached, acme.manager.token);
    expect(manager.cache).toBe('MISS');
    expect(Object.keys(manager.deals).sort()).toEqual(['Manager deal', 'Rep deal']);
    expect(await cachedRead(cached, acme.rep.token)).toEqual({ cache: 'HIT', deals: rep.deals });
    expect(await cachedRead(cached, acme.manager.token)).toEqual({ cache: 'HIT', deals: manager.deals });
  });

  it('never gives tenant B an entry of tenant A, even for the same operation and variables', async () => {
    expect((await board(cached, acme.admin.token)).deals['Rep deal']).toBeDefined();
    const foreign = await board(cached, other.admin.token, acme.pipeline.id);
    expect(foreign).toEqual({ cache: 'MISS', deals: {} });
    const own = await board(cached, other.admin.token, other.pipeline.id);
    expect(Object.keys(own.deals).sort()).toEqual(['cache-other deal 0', 'cache-other deal 1']);
    expect(await cachedRead(cached, other.admin.token, acme.pipeline.id)).toEqual({ cache: 'HIT', deals: {} });
  });

  it('shows an account rename (customer event) made elsewhere', async () => {
    await cachedRead(cached, acme.admin.token);
    const renamed = `Globex ${randomUUID().slice(0, 6)}`;
    const result = await gqlOk<{ upsertAccounts: Array<{ outcome: string }> }>(
      stack.gatewayUrl,
      'mutation($inputs: [UpsertAccountInput!]!) { upsertAccounts(inputs: $inputs) { outcome } }',
      { inputs: [{ id: acme.globex.id, name: renamed }] },
      { token: acme.admin.token },
    );
    expect(result.upsertAccounts).toEqual([{ outcome: 'UPDATED' }]);
    const after = await boardUntil(cached, acme.admin.token, (read) => read.deals['Rep deal']!.account?.name === renamed);
    expect(after.deals['Rep deal']!.account).toEqual({ name: renamed });
  });

  it('shows an owner rename once the platform event arrives', async () => {
    await cachedRead(cached, acme.admin.token);
    const renamed = `Rita ${randomUUID().slice(0, 6)}`;
    await stack.subgraphs.platform.subgraph.prisma.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT set_config('app.tenant_id', ${acme.tenantId}, true)`;
      await tx.user.updateMany({ where: { id: acme.rep.id, tenantId: acme.tenantId }, data: { name: renamed } });
    });
    // changed without an event: still the cached answer
    const stale = await board(cached, acme.admin.token);
    expect(stale.cache).toBe('HIT');
    expect(stale.deals['Rep deal']!.owner).toEqual({ name: 'Rita Rep' });

    // what the platform publishes for a user's change (there is no rename mutation yet)
    await stack.bus.publish('crm.platform.events', [
      {
        id: randomUUID(),
        type: 'platform.user.updated',
        version: 1,
        tenantId: acme.tenantId,
        aggregateId: acme.rep.id,
        actor: { userId: acme.admin.id, kind: 'user' },
        occurredAt: new Date().toISOString(),
        payload: { userId: acme.rep.id, changes: ['name'] },
      },
    ]);
    const after = await boardUntil(cached, acme.admin.token, (read) => read.deals['Rep deal']!.owner?.name === renamed);
    expect(after.cache).toBe('MISS');
  });
});

describe('serving a stale board while it is re-read (RESPONSE_CACHE_STALE_MS)', () => {
  it('answers from the old entry once after a move elsewhere, then from the refreshed one, never waiting for a cold read', async () => {
    const token = acme.manager.token;
    const before = await cachedRead(servingStale, token);
    const target = acme.pipeline.stages[3]!;
    const oldStage = before.deals['Rep deal']!.stage.name;
    expect(oldStage).not.toBe(target.name);
    await moveDeal(second, acme.admin.token, acme.repDeal.id, target.id);

    // the first read after the move's event: at once, from the entry it invalidated
    const stale = await boardUntil(servingStale, token, (read) => read.cache !== 'HIT');
    expect(stale.cache).toBe('STALE');
    expect(stale.deals['Rep deal']!.stage.name).toBe(oldStage);
    // the background re-read (as the manager) replaces it: the move shows, still from the cache
    const refreshed = await boardUntil(servingStale, token, (read) => read.deals['Rep deal']!.stage.name === target.name);
    expect(refreshed.cache).not.toBe('MISS');
    expect(Object.keys(refreshed.deals).sort()).toEqual(Object.keys(before.deals).sort());
  });

  it('still shows a move made through the same gateway on the very next read', async () => {
    await cachedRead(servingStale, acme.admin.token);
    const target = acme.pipeline.stages[0]!;
    await moveDeal(servingStale, acme.admin.token, acme.managerDeal.id, target.id);
    const next = await board(servingStale, acme.admin.token);
    expect(next.cache).toBe('MISS');
    expect(next.deals['Manager deal']!.stage.name).toBe(target.name);
  });
});
