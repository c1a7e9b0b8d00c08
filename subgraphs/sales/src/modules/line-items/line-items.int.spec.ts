import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSalesHarness, type SalesHarness } from '../../testing/sales-harness.ts';

let h: SalesHarness;
beforeAll(async () => {
  h = await startSalesHarness();
});
afterAll(async () => {
  await h?.close();
});

const STAGES = [
  { name: 'Lead', probability: 10 },
  { name: 'Won', probability: 100, kind: 'WON' as const },
];

/** A tenant with a pipeline and one USD deal of 100.00. */
async function dealOf(tenantId = h.tenant(), currency = 'USD') {
  const pipeline = await h.subgraph.services.pipelines.create(tenantId, h.actor(), { name: 'Sales', stages: STAGES });
  const deal = await h.subgraph.services.deals.create(tenantId, h.actor(), { pipelineId: pipeline.id, name: 'Fleet renewal', amount: '100', currency });
  return { tenantId, pipeline, deal };
}

const PRODUCT = 'mutation ($input: CreateProductInput!) { createProduct(input: $input) { id name sku unitPrice currency taxRateBps active archivedAt } }';
const SET = `mutation ($dealId: ID!, $v: Int!, $items: [DealLineItemInput!]!) {
  setDealLineItems(dealId: $dealId, expectedVersion: $v, items: $items) {
    id amount currency version
    lineItems { position description quantity unitPrice discountRateBps discountAmount taxRateBps subtotal discount tax total product { id sku } }
  } }`;

interface LineView {
  position: number;
  description: string;
  quantity: string;
  unitPrice: string;
  subtotal: string;
  discount: string;
  tax: string;
  total: string;
  product: { id: string; sku: string } | null;
}
interface SetResult {
  setDealLineItems: { id: string; amount: string; version: number; lineItems: LineView[] };
}

async function product(tenantId: string, input: Record<string, unknown>) {
  const result = await h.call<{ createProduct: { id: string } }>(PRODUCT, { input }, { tenantId });
  expect(result.errors).toBeUndefined();
  return result.data!.createProduct.id;
}

describe('products', () => {
  it('creates, updates, archives and pages through the catalogue', async () => {
    const tenantId = h.tenant();
    const created = await h.call<{ createProduct: Record<string, unknown> }>(
      PRODUCT,
      { input: { name: 'Seat licence', sku: 'SEAT-1', unitPrice: '49.9', currency: 'usd', taxRateBps: 1900 } },
      { tenantId },
    );
    expect(created.errors).toBeUndefined();
    expect(created.data!.createProduct).toMatchObject({ name: 'Seat licence', sku: 'SEAT-1', unitPrice: '49.90', currency: 'USD', taxRateBps: 1900, active: true, archivedAt: null });
    const id = created.data!.createProduct.id as string;

    const duplicate = await h.call(PRODUCT, { input: { name: 'Other', sku: 'SEAT-1', unitPrice: '1', currency: 'USD' } }, { tenantId });
    expect(duplicate.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', field: 'input.sku' });
    // Another tenant has its own SKUs.
    expect((await h.call(PRODUCT, { input: { name: 'Theirs', sku: 'SEAT-1', unitPrice: '1', currency: 'USD' } }, { tenantId: h.tenant() })).errors).toBeUndefined();

    const badPrice = await h.call(PRODUCT, { input: { name: 'X', sku: 'X-1', unitPrice: '1.234', currency: 'USD' } }, { tenantId });
    expect(badPrice.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.unitPrice' });
    expect(badPrice.errors?.[0]?.message).toBe('input.unitPrice has more than 2 decimals for USD');
    const badTax = await h.call(PRODUCT, { input: { name: 'X', sku: 'X-1', unitPrice: '1', currency: 'USD', taxRateBps: 10001 } }, { tenantId });
    expect(badTax.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.taxRateBps' });

    const updated = await h.call<{ updateProduct: Record<string, unknown> }>(
      'mutation ($id: ID!, $input: UpdateProductInput!) { updateProduct(id: $id, input: $input) { unitPrice taxRateBps name } }',
      { id, input: { unitPrice: '55', taxRateBps: null } },
      { tenantId },
    );
    expect(updated.data!.updateProduct).toEqual({ unitPrice: '55.00', taxRateBps: null, name: 'Seat licence' });

    for (const [name, sku] of [['Consulting day', 'CONS-1'], ['Appliance', 'APP-1'], ['Training', 'TRN-1']]) {
      await product(tenantId, { name, sku, unitPrice: '10', currency: 'USD' });
    }
    const archived = await h.call<{ archiveProduct: { active: boolean; archivedAt: string | null } }>(
      'mutation ($id: ID!) { archiveProduct(id: $id) { active archivedAt } }',
      { id },
      { tenantId },
    );
    expect(archived.data!.archiveProduct.active).toBe(false);
    expect(archived.data!.archiveProduct.archivedAt).not.toBeNull();

    const PAGE = `query ($after: String, $all: Boolean) { products(first: 2, after: $after, includeArchived: $all) {
      nodes { name } pageInfo { hasNextPage hasPreviousPage endCursor } } }`;
    type Page = { products: { nodes: Array<{ name: string }>; pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; endCursor: string } } };
    const first = await h.call<Page>(PAGE, {}, { tenantId });
    expect(first.data!.products.nodes.map((p) => p.name)).toEqual(['Appliance', 'Consulting day']);
    expect(first.data!.products.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    const second = await h.call<Page>(PAGE, { after: first.data!.products.pageInfo.endCursor }, { tenantId });
    expect(second.data!.products.nodes.map((p) => p.name)).toEqual(['Training']);
    expect(second.data!.products.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
    const all = await h.call<Page>(PAGE, { after: first.data!.products.pageInfo.endCursor, all: true }, { tenantId });
    expect(all.data!.products.nodes.map((p) => p.name)).toEqual(['Seat licence', 'Training']);

    const badCursor = await h.call(PAGE, { after: 'nonsense' }, { tenantId });
    expect(badCursor.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });

    const events = await h.admin.outboxEvent.findMany({ where: { tenantId, type: { startsWith: 'sales.product.' } }, orderBy: { seq: 'asc' } });
    expect(events.map((e) => e.type)).toEqual([
      'sales.product.created',
      'sales.product.updated',
      'sales.product.created',
      'sales.product.created',
      'sales.product.created',
      'sales.product.archived',
    ]);
  });
});

describe('setDealLineItems', () => {
  it('stores the lines, derives the amount, bumps the version and journals the change', async () => {
    const { tenantId, deal, pipeline } = await dealOf();
    const seat = await product(tenantId, { name: 'Seat licence', sku: 'SEAT', unitPrice: '100', currency: 'USD', taxRateBps: 2000 });
    const items = [
      { productId: seat, quantity: '2', discountRateBps: 1250 }, // 200.00 − 25.00 + 20 % = 210.00
      { description: 'Onboarding', quantity: '1.5', unitPrice: '10.00', discountAmount: '2.50' }, // 15.00 − 2.50 = 12.50
    ];
    const result = await h.call<SetResult>(SET, { dealId: deal.id, v: 1, items }, { tenantId });
    expect(result.errors).toBeUndefined();
    const set = result.data!.setDealLineItems;
    expect(set).toMatchObject({ amount: '222.50', version: 2 });
    expect(set.lineItems).toEqual([
      expect.objectContaining({ position: 0, description: 'Seat licence', quantity: '2', unitPrice: '100.00', subtotal: '200.00', discount: '25.00', tax: '35.00', total: '210.00', product: { id: seat, sku: 'SEAT' } }),
      expect.objectContaining({ position: 1, description: 'Onboarding', quantity: '1.5', unitPrice: '10.00', subtotal: '15.00', discount: '2.50', tax: '0.00', total: '12.50', product: null }),
    ]);

    const events = await h.admin.outboxEvent.findMany({ where: { tenantId, type: 'sales.deal.updated' } });
    expect(events).toHaveLength(1);
    expect(events[0]!.payload).toMatchObject({ dealId: deal.id, amountMinor: '22250', changed: { lineItems: { from: '0', to: '2' }, amountMinor: { from: '10000', to: '22250' } } });
    const board = await h.admin.boardChange.findMany({ where: { pipelineId: pipeline.id }, orderBy: { sequence: 'asc' } });
    expect(board.map((change) => change.type)).toEqual(['DEAL_CREATED', 'DEAL_UPDATED']);

    // The same lines again change nothing; a stale version is a conflict with the current values.
    const again = await h.call<SetResult>(SET, { dealId: deal.id, v: 2, items }, { tenantId });
    expect(again.data!.setDealLineItems.version).toBe(2);
    const stale = await h.call(SET, { dealId: deal.id, v: 1, items: [] }, { tenantId });
    expect(stale.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', current: { version: 2, amount: '222.50' } });

    // The amount belongs to the lines now.
    const update = await h.call('mutation ($id: ID!) { updateDeal(id: $id, input: { amount: "5" }) { amount } }', { id: deal.id }, { tenantId });
    expect(update.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'amount' });
    const rename = await h.call<{ updateDeal: { amount: string; name: string } }>(
      'mutation ($id: ID!) { updateDeal(id: $id, input: { name: "Fleet 2027", amount: "222.50" }) { amount name } }',
      { id: deal.id },
      { tenantId },
    );
    expect(rename.data!.updateDeal).toEqual({ amount: '222.50', name: 'Fleet 2027' });

    // Removing all lines keeps the last amount and makes it editable again.
    const cleared = await h.call<SetResult>(SET, { dealId: deal.id, v: 3, items: [] }, { tenantId });
    expect(cleared.data!.setDealLineItems).toMatchObject({ amount: '222.50', version: 4, lineItems: [] });
    const edit = await h.call<{ updateDeal: { amount: string } }>('mutation ($id: ID!) { updateDeal(id: $id, input: { amount: "5" }) { amount } }', { id: deal.id }, { tenantId });
    expect(edit.data!.updateDeal.amount).toBe('5.00');
  });

  it('refuses bad lines, naming the field, and writes nothing', async () => {
    const { tenantId, deal } = await dealOf();
    const euro = await product(tenantId, { name: 'Euro thing', sku: 'EUR-1', unitPrice: '5', currency: 'EUR' });
    const old = await product(tenantId, { name: 'Old thing', sku: 'OLD-1', unitPrice: '5', currency: 'USD' });
    await h.subgraph.services.products.archive(tenantId, h.actor(), old);
    const free = { description: 'Work', quantity: '1', unitPrice: '10' };
    const cases: Array<[unknown[], string, string]> = [
      [[free, { productId: crypto.randomUUID(), quantity: '1' }], 'items[1].productId', 'names no product'],
      [[{ ...free, quantity: '-2' }], 'items[0].quantity', 'greater than 0'],
      [[{ ...free, quantity: '0.0001' }], 'items[0].quantity', 'more than 3 decimals'],
      [[{ ...free, discountAmount: '10.01' }], 'items[0].discountAmount', 'above the line total'],
      [[{ ...free, discountRateBps: 10001 }], 'items[0].discountRateBps', 'above the line total'],
      [[{ ...free, discountRateBps: 10, discountAmount: '1' }], 'items[0].discountAmount', 'together'],
      [[{ ...free, currency: 'EUR' }], 'items[0].currency', "deal's currency USD"],
      [[{ productId: euro, quantity: '1' }], 'items[0].productId', 'priced in EUR'],
      [[{ productId: old, quantity: '1' }], 'items[0].productId', 'archived'],
      [[{ quantity: '1', unitPrice: '1' }], 'items[0].description', 'required'],
      [[{ description: 'x', quantity: '1' }], 'items[0].unitPrice', 'required'],
      [[{ ...free, unitPrice: '1.001' }], 'items[0].unitPrice', 'more than 2 decimals'],
      [[{ ...free, taxRateBps: 20000 }], 'items[0].taxRateBps', 'between 0 and 10000'],
      [Array.from({ length: 201 }, () => free), 'items', 'at most 200 lines'],
    ];
    for (const [items, field, message] of cases) {
      const result = await h.call(SET, { dealId: deal.id, v: 1, items }, { tenantId });
      expect(result.errors?.[0]?.extensions, field).toMatchObject({ code: 'BAD_USER_INPUT', field });
      expect(result.errors?.[0]?.message).toContain(message);
    }
    const unknownDeal = await h.call(SET, { dealId: crypto.randomUUID(), v: 1, items: [] }, { tenantId });
    expect(unknownDeal.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const badVersion = await h.call(SET, { dealId: deal.id, v: 0, items: [] }, { tenantId });
    expect(badVersion.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'expectedVersion' });

    expect(await h.admin.dealLineItem.count({ where: { tenantId } })).toBe(0);
    expect(await h.admin.deal.findUniqueOrThrow({ where: { id: deal.id } })).toMatchObject({ version: 1, amountMinor: 10000n });
    expect(await h.admin.outboxEvent.count({ where: { tenantId, type: 'sales.deal.updated' } })).toBe(0);

    // 200 lines are fine.
    const many = await h.call<SetResult>(SET, { dealId: deal.id, v: 1, items: Array.from({ length: 200 }, () => ({ ...free, unitPrice: '0.01' })) }, { tenantId });
    expect(many.errors).toBeUndefined();
    expect(many.data!.setDealLineItems.amount).toBe('2.00');
  });

  it('keeps lines of an archived product the deal already lists, and keeps tenants apart', async () => {
    const { tenantId, deal } = await dealOf();
    const kit = await product(tenantId, { name: 'Kit', sku: 'KIT', unitPrice: '3', currency: 'USD' });
    expect((await h.call(SET, { dealId: deal.id, v: 1, items: [{ productId: kit, quantity: '1' }] }, { tenantId })).errors).toBeUndefined();
    await h.subgraph.services.products.archive(tenantId, h.actor(), kit);
    const resubmit = await h.call<SetResult>(SET, { dealId: deal.id, v: 2, items: [{ productId: kit, quantity: '2' }] }, { tenantId });
    expect(resubmit.data!.setDealLineItems.amount).toBe('6.00');

    const other = h.tenant();
    const foreign = await h.call(SET, { dealId: deal.id, v: 3, items: [] }, { tenantId: other });
    expect(foreign.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const { deal: theirs } = await dealOf(other);
    const foreignProduct = await h.call(SET, { dealId: theirs.id, v: 1, items: [{ productId: kit, quantity: '1' }] }, { tenantId: other });
    expect(foreignProduct.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'items[0].productId' });
  });
});

describe('collaborators and contacts', () => {
  const PEOPLE = 'version collaborators { id } contacts { contact { id } role isPrimary }';
  it('adds and removes them as deal changes', async () => {
    const { tenantId, deal } = await dealOf();
    const [ann, bob] = [crypto.randomUUID(), crypto.randomUUID()];
    const add = `mutation ($d: ID!, $u: ID!, $v: Int) { addDealCollaborator(dealId: $d, userId: $u, expectedVersion: $v) { ${PEOPLE} } }`;
    type People = { version: number; collaborators: Array<{ id: string }>; contacts: Array<{ contact: { id: string }; role: string | null; isPrimary: boolean }> };
    await h.call(add, { d: deal.id, u: ann, v: 1 }, { tenantId });
    const twice = await h.call<{ addDealCollaborator: People }>(add, { d: deal.id, u: ann }, { tenantId });
    expect(twice.data!.addDealCollaborator).toMatchObject({ version: 2, collaborators: [{ id: ann }] });
    const stale = await h.call(add, { d: deal.id, u: bob, v: 1 }, { tenantId });
    expect(stale.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    await h.call(add, { d: deal.id, u: bob, v: 2 }, { tenantId });
    const removed = await h.call<{ removeDealCollaborator: People }>(
      `mutation ($d: ID!, $u: ID!) { removeDealCollaborator(dealId: $d, userId: $u) { ${PEOPLE} } }`,
      { d: deal.id, u: ann },
      { tenantId },
    );
    expect(removed.data!.removeDealCollaborator).toMatchObject({ version: 4, collaborators: [{ id: bob }] });

    const link = `mutation ($d: ID!, $c: ID!, $r: String, $p: Boolean) { addDealContact(dealId: $d, contactId: $c, role: $r, isPrimary: $p) { ${PEOPLE} } }`;
    const [carol, dave] = [crypto.randomUUID(), crypto.randomUUID()];
    await h.call(link, { d: deal.id, c: carol, r: 'Champion', p: true }, { tenantId });
    const second = await h.call<{ addDealContact: People }>(link, { d: deal.id, c: dave, r: 'Decision maker', p: true }, { tenantId });
    expect(second.data!.addDealContact.contacts).toEqual([
      { contact: { id: dave }, role: 'Decision maker', isPrimary: true },
      { contact: { id: carol }, role: 'Champion', isPrimary: false },
    ]);
    const badId = await h.call(link, { d: deal.id, c: 'contact-42' }, { tenantId });
    expect(badId.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'contactId' });
    expect(badId.errors?.[0]?.message).toBe('contactId must be an id (uuid)');
    const unlinked = await h.call<{ removeDealContact: People }>(
      `mutation ($d: ID!, $c: ID!) { removeDealContact(dealId: $d, contactId: $c) { ${PEOPLE} } }`,
      { d: deal.id, c: dave },
      { tenantId },
    );
    expect(unlinked.data!.removeDealContact).toMatchObject({ version: 7, contacts: [{ contact: { id: carol }, isPrimary: false }] });

    const events = await h.admin.outboxEvent.findMany({ where: { tenantId, type: 'sales.deal.updated' }, orderBy: { seq: 'asc' } });
    expect(events.map((e) => Object.keys((e.payload as { changed: object }).changed))).toEqual([
      ['collaborator'],
      ['collaborator'],
      ['collaborator'],
      ['contact'],
      ['contact'],
      ['contact'],
    ]);
  });
});
