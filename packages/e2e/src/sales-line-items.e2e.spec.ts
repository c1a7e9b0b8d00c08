/**
 * Products, line items and the people on a deal, end to end through the gateway: a catalogue, a
 * deal whose amount is derived from its lines, collaborators resolved by the platform subgraph,
 * contacts resolved by the customer subgraph, and optimistic concurrency on the deal's version.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stack } from '@crm/stack';
import { gql, gqlOk, startRealStack } from '@crm/testkit';
import { seedSalesTenant, type SalesTenant } from './fixtures.ts';

let stack: Stack;
let acme: SalesTenant;
let globex: SalesTenant;

beforeAll(async () => {
  stack = await startRealStack();
  [acme, globex] = [await seedSalesTenant(stack, 'lines-acme', 2), await seedSalesTenant(stack, 'lines-globex', 0)];
});
afterAll(async () => {
  await stack?.stop();
});

const CREATE_PRODUCT = 'mutation ($input: CreateProductInput!) { createProduct(input: $input) { id sku unitPrice } }';
const SET_LINES = `mutation ($dealId: ID!, $v: Int!, $items: [DealLineItemInput!]!) {
  setDealLineItems(dealId: $dealId, expectedVersion: $v, items: $items) { amount version } }`;
const DEAL = `query ($id: ID!) { deal(id: $id) {
  name amount currency version
  lineItems { position description quantity unitPrice discount tax total product { name sku unitPrice } }
  collaborators { id name }
  contacts { role isPrimary contact { id name } }
} }`;

interface DealView {
  deal: {
    amount: string;
    version: number;
    lineItems: Array<{ description: string; quantity: string; total: string; product: { name: string; sku: string } | null }>;
    collaborators: Array<{ id: string; name: string }>;
    contacts: Array<{ role: string | null; isPrimary: boolean; contact: { id: string; name: string } }>;
  } | null;
}

async function createContact(token: string, firstName: string, lastName: string): Promise<string> {
  const result = await gqlOk<{ createContact: { id: string } }>(
    stack.gatewayUrl,
    'mutation ($input: CreateContactInput!) { createContact(input: $input) { id } }',
    { input: { firstName, lastName } },
    { token },
  );
  return result.createContact.id;
}

describe('line items on deals', () => {
  it('derives the amount from catalogue lines and shows products, collaborators and contacts across subgraphs', async () => {
    const token = acme.admin.token;
    const deal = acme.deals[0]!;
    const licence = await gqlOk<{ createProduct: { id: string } }>(
      stack.gatewayUrl,
      CREATE_PRODUCT,
      { input: { name: 'Seat licence', sku: 'SEAT-E2E', unitPrice: '120.00', currency: 'USD', taxRateBps: 1000 } },
      { token },
    );
    const support = await gqlOk<{ createProduct: { id: string } }>(
      stack.gatewayUrl,
      CREATE_PRODUCT,
      { input: { name: 'Support plan', sku: 'SUP-E2E', unitPrice: '19.99', currency: 'USD' } },
      { token },
    );

    // 3 × 120.00 − 10 % = 324.00, + 10 % tax = 356.40; 2.5 × 19.99 − 4.97 = 45.005; 0.5 × 0.05 = 0.025.
    // Each line rounds on its own (356.40, 45.00, 0.02); the deal rounds the exact sum once: 401.43.
    const set = await gqlOk<{ setDealLineItems: { amount: string; version: number } }>(
      stack.gatewayUrl,
      SET_LINES,
      {
        dealId: deal.id,
        v: 1,
        items: [
          { productId: licence.createProduct.id, quantity: '3', discountRateBps: 1000 },
          { productId: support.createProduct.id, quantity: '2.5', discountAmount: '4.97' },
          { description: 'Setup fee', quantity: '0.5', unitPrice: '0.05' },
        ],
      },
      { token },
    );
    expect(set.setDealLineItems).toEqual({ amount: '401.43', version: 2 });

    const v2 = await gqlOk<{ addDealCollaborator: { version: number } }>(
      stack.gatewayUrl,
      'mutation ($d: ID!, $u: ID!) { addDealCollaborator(dealId: $d, userId: $u, expectedVersion: 2) { version } }',
      { d: deal.id, u: acme.rep.id },
      { token },
    );
    expect(v2.addDealCollaborator.version).toBe(3);
    const alice = await createContact(token, 'Alice', 'Buyer');
    const bob = await createContact(token, 'Bob', 'Signer');
    const link = 'mutation ($d: ID!, $c: ID!, $r: String, $p: Boolean) { addDealContact(dealId: $d, contactId: $c, role: $r, isPrimary: $p) { version } }';
    await gqlOk(stack.gatewayUrl, link, { d: deal.id, c: alice, r: 'Champion', p: false }, { token });
    await gqlOk(stack.gatewayUrl, link, { d: deal.id, c: bob, r: 'Decision maker', p: true }, { token });

    // the deal is the admin's: a collaborating rep does not own it, so it is read as the admin
    const read = await gqlOk<DealView>(stack.gatewayUrl, DEAL, { id: deal.id }, { token });
    expect(read.deal).toMatchObject({ amount: '401.43', version: 5 });
    expect(read.deal!.lineItems.map((line) => [line.description, line.quantity, line.total, line.product?.sku ?? null])).toEqual([
      ['Seat licence', '3', '356.40', 'SEAT-E2E'],
      ['Support plan', '2.5', '45.00', 'SUP-E2E'],
      ['Setup fee', '0.5', '0.02', null],
    ]);
    expect(read.deal!.lineItems[0]!.product).toMatchObject({ name: 'Seat licence' });
    expect(read.deal!.collaborators).toEqual([{ id: acme.rep.id, name: acme.rep.name }]);
    expect(read.deal!.contacts).toEqual([
      { role: 'Decision maker', isPrimary: true, contact: { id: bob, name: 'Bob Signer' } },
      { role: 'Champion', isPrimary: false, contact: { id: alice, name: 'Alice Buyer' } },
    ]);

    // The amount now belongs to the lines.
    const direct = await gql(stack.gatewayUrl, 'mutation ($id: ID!) { updateDeal(id: $id, input: { amount: "1.00" }) { amount } }', { id: deal.id }, { token });
    expect(direct.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'amount' });

    // Another tenant sees neither the deal nor the products.
    expect((await gqlOk<DealView>(stack.gatewayUrl, DEAL, { id: deal.id }, { token: globex.admin.token })).deal).toBeNull();
    const theirs = await gqlOk<{ products: { nodes: unknown[] } }>(stack.gatewayUrl, '{ products { nodes { id } } }', {}, { token: globex.admin.token });
    expect(theirs.products.nodes).toEqual([]);
  });

  it('lets one of two writers on the same version win and refuses bad lines with their field', async () => {
    const token = acme.admin.token;
    // the rep's own deal: the admin (tenant scope) and the rep (own records) may both change it
    const dealId = acme.deals[1]!.id;
    const deal = (await gqlOk<DealView>(stack.gatewayUrl, DEAL, { id: dealId }, { token })).deal!;
    const lines = (description: string) => [{ description, quantity: '1', unitPrice: '10' }];
    const [a, b] = await Promise.all([
      gql(stack.gatewayUrl, SET_LINES, { dealId, v: deal.version, items: lines('Plan A') }, { token }),
      gql(stack.gatewayUrl, SET_LINES, { dealId, v: deal.version, items: lines('Plan B') }, { token: acme.rep.token }),
    ]);
    expect([a, b].map((r) => r.errors?.[0]?.extensions?.code ?? 'OK').sort()).toEqual(['CONFLICT', 'OK']);
    const loser = [a, b].find((r) => r.errors)!;
    expect(loser.errors![0]!.extensions).toMatchObject({ current: { version: deal.version + 1, amount: '10.00' } });

    const bad = await gql(stack.gatewayUrl, SET_LINES, { dealId, v: deal.version + 1, items: [{ description: 'x', quantity: '-1', unitPrice: '1' }] }, { token });
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'items[0].quantity' });
    expect(JSON.stringify(bad.errors)).not.toMatch(/at .*\.ts:\d+/);
    const badContact = await gql(
      stack.gatewayUrl,
      'mutation ($d: ID!) { addDealContact(dealId: $d, contactId: "not-a-contact") { version } }',
      { d: dealId },
      { token },
    );
    expect(badContact.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'contactId' });
  });
});
