/**
 * Partners follow live boards with an API key over graphql-ws, through the real stack
 * (PostgreSQL, Redis, Kafka): the key goes in `connection_init` as `{ apiKey }` or as
 * `Authorization: Bearer crm_…`, the connection acts with the key's role (a key only receives the
 * board events its role may read), connections and operations count against the key's rate
 * limit, a revoked key's connections close with 4403, and a bad key is refused with 4401.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Gateway, GatewayOptions } from '@crm/gateway';
import { startExtraGateway, type Stack } from '@crm/stack';
import { gqlOk, startRealStack, subscribe, type LiveSubscription } from '@crm/testkit';
import { seedSalesTenant, type SalesTenant } from './fixtures.ts';

let stack: Stack;
let acme: SalesTenant;
let globex: SalesTenant;
/** A gateway that remembers API key answers for 1 s (revocation is seen quickly), rate limits on. */
let partner: { url: string; wsUrl: string; gateway: Gateway };
/** A gateway allowing 3 requests a minute per key, on a fixed clock. */
let strict: { url: string; wsUrl: string; gateway: Gateway };
const gateways: Gateway[] = [];

/** The middle of the current minute: all requests of the rate-limit test fall in one window. */
const midMinute = Date.now() - (Date.now() % 60_000) + 30_000;

async function extraGateway(overrides: Partial<GatewayOptions>) {
  const started = await startExtraGateway(stack, 'api-key-subscriptions-test', overrides);
  gateways.push(started.gateway);
  await started.gateway.subscriptionsReady;
  return started;
}

beforeAll(async () => {
  stack = await startRealStack();
  [acme, globex] = [await seedSalesTenant(stack, 'keylive', 2), await seedSalesTenant(stack, 'keyother', 2)];
  partner = await extraGateway({ apiKeys: { cacheTtlSeconds: 1, negativeCacheTtlSeconds: 1 }, rateLimit: { perTenant: 10_000, perApiKey: 1_000 } });
  strict = await extraGateway({ rateLimit: { perTenant: 10_000, perApiKey: 3, clock: () => midMinute } });
});
afterAll(async () => {
  for (const gateway of gateways) await gateway.stop();
  await stack?.stop();
});

const CREATE_KEY = 'mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { key apiKey { id } } }';
const REVOKE_KEY = 'mutation($id: ID!) { revokeApiKey(id: $id) { id active } }';
const MOVE = 'mutation($id: ID!, $s: ID!) { moveDeal(id: $id, stageId: $s) { id } }';
const BOARD = `subscription Board($pipelineId: ID!) {
  pipelineBoard(pipelineId: $pipelineId) { type dealId deal { name amount owner { name } } }
}`;

interface BoardEvent {
  pipelineBoard: { type: string; dealId: string; deal: { name: string; amount: string; owner: { name: string } | null } | null };
}

async function createKey(tenant: SalesTenant, role: string, extra: Record<string, unknown> = {}) {
  const created = await gqlOk<{ createApiKey: { key: string; apiKey: { id: string } } }>(
    stack.gatewayUrl,
    CREATE_KEY,
    { input: { name: `live partner ${randomUUID().slice(0, 6)}`, role, ...extra } },
    { token: tenant.admin.token },
  );
  return created.createApiKey;
}

/** A board subscription whose `connection_init` carries exactly `params`. */
const subscribeWith = (wsUrl: string, params: Record<string, unknown>, pipelineId: string): LiveSubscription<BoardEvent> => subscribe<BoardEvent>(wsUrl, params, BOARD, { pipelineId });

async function subscribersOn(gateway: Gateway, count: number): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (gateway.stats().subscribers < count) {
    if (Date.now() > deadline) throw new Error(`${gateway.stats().subscribers} of ${count} subscribers after 15 s`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('board subscriptions with an API key', () => {
  it('deliver the events the key’s role may read, with the key in { apiKey } or as a Bearer credential', async () => {
    const admin = await createKey(acme, 'TENANT_ADMIN');
    const rep = await createKey(acme, 'SALES_REP');
    const before = partner.gateway.stats().subscribers;
    const viaApiKey = subscribeWith(partner.wsUrl, { apiKey: admin.key }, acme.pipeline.id);
    const viaBearer = subscribe<BoardEvent>(partner.wsUrl, admin.key, BOARD, { pipelineId: acme.pipeline.id });
    // a Sales Rep key has no user: its `own` scope reaches no deal
    const repWatcher = subscribeWith(partner.wsUrl, { authorization: `Bearer ${rep.key}` }, acme.pipeline.id);
    try {
      await subscribersOn(partner.gateway, before + 3);
      await gqlOk(stack.gatewayUrl, MOVE, { id: acme.deals[0]!.id, s: acme.pipeline.stages[1]!.id }, { token: acme.admin.token });

      for (const watcher of [viaApiKey, viaBearer]) {
        const event = await watcher.next((p) => p.data?.pipelineBoard.dealId === acme.deals[0]!.id);
        expect(event.data?.pipelineBoard).toMatchObject({ type: 'DEAL_MOVED', deal: { name: 'keylive deal 0', amount: '1000.50', owner: { name: 'keylive Admin' } } });
      }
      // the same event was prepared for the rep key's group at the same time; it stays withheld
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      expect(repWatcher.received).toEqual([]);
    } finally {
      await Promise.all([viaApiKey.close(), viaBearer.close(), repWatcher.close()]);
    }
  });

  it('refuses another tenant’s pipeline, and never delivers another tenant’s events', async () => {
    const globexKey = await createKey(globex, 'TENANT_ADMIN');
    const intruder = subscribeWith(partner.wsUrl, { apiKey: globexKey.key }, acme.pipeline.id);
    try {
      const first = await intruder.next(() => true);
      expect(first.data ?? null).toBeNull();
      expect(JSON.stringify(first.errors)).toMatch(/NOT_FOUND/);
    } finally {
      await intruder.close();
    }
  });

  it('closes a revoked key’s open connections with 4403', async () => {
    const { key, apiKey } = await createKey(acme, 'TENANT_ADMIN');
    const before = partner.gateway.stats().subscribers;
    const watcher = subscribeWith(partner.wsUrl, { apiKey: key }, acme.pipeline.id);
    try {
      await subscribersOn(partner.gateway, before + 1);
      const revokedAt = Date.now();
      await gqlOk(stack.gatewayUrl, REVOKE_KEY, { id: apiKey.id }, { token: acme.admin.token });
      expect(await watcher.closeCode).toBe(4403);
      // the revocation event closes it at once; the periodic check (1 s here) within the cache lifetime
      expect(Date.now() - revokedAt).toBeLessThan(10_000);
      // once the answer cache (1 s here) forgets the key, it cannot connect again
      await new Promise((resolve) => setTimeout(resolve, 1_200));
      const again = subscribeWith(partner.wsUrl, { apiKey: key }, acme.pipeline.id);
      expect(await again.closeCode).toBe(4401);
      await again.close();
    } finally {
      await watcher.close();
    }
  });

  it('refuses unknown, malformed and persisted-only keys', async () => {
    const unknown = subscribeWith(partner.wsUrl, { apiKey: `crm_${'A'.repeat(43)}` }, acme.pipeline.id);
    expect(await unknown.closeCode).toBe(4401);
    const malformed = subscribeWith(partner.wsUrl, { apiKey: 'crm_short' }, acme.pipeline.id);
    expect(await malformed.closeCode).toBe(4401);
    // two different credentials are refused rather than guessed at
    const { key } = await createKey(acme, 'TENANT_ADMIN');
    const ambiguous = subscribeWith(partner.wsUrl, { apiKey: key, authorization: `Bearer crm_${'B'.repeat(43)}` }, acme.pipeline.id);
    expect(await ambiguous.closeCode).toBe(4401);
    await Promise.all([unknown.close(), malformed.close(), ambiguous.close()]);

    const persisted = await createKey(acme, 'TENANT_ADMIN', { persistedOnly: true });
    const watcher = subscribeWith(partner.wsUrl, { apiKey: persisted.key }, acme.pipeline.id);
    try {
      const first = await watcher.next(() => true);
      expect(JSON.stringify(first.errors)).toMatch(/PERSISTED_QUERY_ONLY/);
    } finally {
      await watcher.close();
    }
  });

  it('counts the connection and each operation against the key’s rate limit', async () => {
    const { key } = await createKey(acme, 'TENANT_ADMIN');
    // request 1: connection_init, 2: the subscription
    const first = subscribeWith(strict.wsUrl, { apiKey: key }, acme.pipeline.id);
    await subscribersOn(strict.gateway, 1);
    // request 3: a second connection; its subscription is request 4, over the limit
    const second = subscribeWith(strict.wsUrl, { apiKey: key }, acme.pipeline.id);
    const refused = await second.next(() => true);
    expect(JSON.stringify(refused.errors)).toMatch(/RATE_LIMITED/);
    // a third connection is refused at connection_init
    const third = subscribeWith(strict.wsUrl, { apiKey: key }, acme.pipeline.id);
    expect(await third.closeCode).toBe(4429);
    await Promise.all([first.close(), second.close(), third.close()]);
  });
});
