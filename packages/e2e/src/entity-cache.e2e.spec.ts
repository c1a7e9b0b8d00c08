/**
 * The gateway's entity cache on the real stack: accounts and users a deal shows are resolved by
 * the customer and platform subgraphs once per caller, then answered by the gateway, until an
 * event or a write of the tenant changes them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Gateway } from '@crm/gateway';
import { startExtraGateway, type Stack } from '@crm/stack';
import { eventually, gqlOk, startRealStack } from '@crm/testkit';
import { seedSalesTenant, type SalesTenant } from './fixtures.ts';

const RENAME = 'mutation($inputs: [UpsertAccountInput!]!) { upsertAccounts(inputs: $inputs) { outcome } }';
const DEAL = 'query Deal($id: ID!) { deal(id: $id) { id name account { id name } owner { id name } } }';

interface DealCard {
  deal: { id: string; name: string; account: { id: string; name: string } | null; owner: { id: string; name: string } | null };
}

let stack: Stack;
const gateways: Gateway[] = [];
let cached: string;
let tenant: SalesTenant;

beforeAll(async () => {
  stack = await startRealStack();
  const { gateway, url } = await startExtraGateway(stack, 'entity-cache-test', { responseCache: {} });
  gateways.push(gateway);
  await gateway.responseCache!.ready;
  cached = url;
  tenant = await seedSalesTenant(stack, 'entity-cache', 2);
}, 120_000);

afterAll(async () => {
  for (const gateway of gateways) await gateway.stop();
  await stack?.stop();
});

/** Entity fetches the gateway answered itself, and those it sent, for one subgraph (from `/metrics`). */
async function entityFetches(url: string, subgraph: string): Promise<{ hit: number; miss: number }> {
  const text = await (await fetch(new URL('/metrics', url))).text();
  const count = (result: string) => Number(new RegExp(`^gateway_entity_cache_requests_total\\{subgraph="${subgraph}",result="${result}"\\} (\\d+)`, 'm').exec(text)?.[1] ?? 0);
  return { hit: count('hit'), miss: count('miss') };
}

/** Domain events the gateway's caches applied so far (from `/metrics`). */
async function eventInvalidations(url: string): Promise<number> {
  const text = await (await fetch(new URL('/metrics', url))).text();
  return Number(/^gateway_response_cache_invalidations_total\{source="event"\} (\d+)/m.exec(text)?.[1] ?? 0);
}

const card = (token: string, id: string, url = cached) => gqlOk<DealCard>(url, DEAL, { id }, { token });

describe('entity cache', () => {
  it("answers a deal's account and owner from the gateway once the caller has read them", async () => {
    const deal = tenant.deals[0]!;
    const first = await card(tenant.admin.token, deal.id);
    expect(first.deal.account?.name).toBeTruthy();
    expect(first.deal.owner?.name).toBeTruthy();
    // the seeding's own events may still drop what was kept: read until both come from the gateway
    await eventually(async () => {
      const [customer, platform] = [await entityFetches(cached, 'customer'), await entityFetches(cached, 'platform')];
      expect(await card(tenant.admin.token, deal.id)).toEqual(first);
      return (await entityFetches(cached, 'customer')).hit > customer.hit && (await entityFetches(cached, 'platform')).hit > platform.hit;
    });
    const customerSql = stack.subgraphs.customer.database.statements;
    const counted = customerSql.count;
    const before = await entityFetches(cached, 'customer');
    expect(await card(tenant.admin.token, deal.id)).toEqual(first);
    expect(await entityFetches(cached, 'customer')).toEqual({ hit: before.hit + 1, miss: before.miss });
    // customer read no account meanwhile (its outbox relay may have polled)
    const since = customerSql.queries.slice(customerSql.queries.length - (customerSql.count - counted));
    expect(since.filter((sql) => sql.includes('"Account"'))).toEqual([]);
  });

  it("keeps answering accounts while deals move: neither the write nor its event drops them", async () => {
    const deal = tenant.deals[0]!;
    await eventually(async () => {
      const hits = (await entityFetches(cached, 'customer')).hit;
      await card(tenant.admin.token, deal.id);
      return (await entityFetches(cached, 'customer')).hit > hits;
    });
    const before = await entityFetches(cached, 'customer');
    const events = await eventInvalidations(cached);
    await gqlOk(cached, 'mutation($id: ID!, $s: ID!) { moveDeal(id: $id, stageId: $s) { id } }', { id: tenant.deals[1]!.id, s: tenant.pipeline.stages[1]!.id }, { token: tenant.admin.token });
    await eventually(async () => (await eventInvalidations(cached)) > events); // the move's event arrived here
    await card(tenant.admin.token, deal.id);
    expect(await entityFetches(cached, 'customer')).toEqual({ hit: before.hit + 1, miss: before.miss });
  });

  it("keeps each caller's answers apart", async () => {
    const deal = tenant.deals[1]!; // the rep's deal
    await card(tenant.admin.token, deal.id);
    const before = await entityFetches(cached, 'customer');
    // another user of the tenant: their own fetch, not the admin's answer
    const theirs = await card(tenant.rep.token, deal.id);
    expect(theirs.deal.id).toBe(deal.id);
    expect((await entityFetches(cached, 'customer')).miss).toBe(before.miss + 1);
  });

  it('shows an account renamed through the same gateway on the next read', async () => {
    const deal = tenant.deals[0]!;
    const { deal: shown } = await card(tenant.admin.token, deal.id);
    const renamed = `Renamed ${Date.now()}`;
    await gqlOk(cached, RENAME, { inputs: [{ id: shown.account!.id, name: renamed }] }, { token: tenant.admin.token });
    expect((await card(tenant.admin.token, deal.id)).deal.account?.name).toBe(renamed);
  });

  it("shows an account renamed elsewhere once the change's event arrives", async () => {
    const deal = tenant.deals[0]!;
    const { deal: shown } = await card(tenant.admin.token, deal.id);
    const renamed = `Elsewhere ${Date.now()}`;
    // through the stack's own gateway: this one learns of it from the customer event only
    await gqlOk(stack.gatewayUrl, RENAME, { inputs: [{ id: shown.account!.id, name: renamed }] }, { token: tenant.admin.token });
    await eventually(async () => (await card(tenant.admin.token, deal.id)).deal.account?.name === renamed);
  });
});
