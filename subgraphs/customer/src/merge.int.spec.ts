/** Merging contacts and undoing the merge, on a real PostgreSQL. */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTenantTransaction } from '@crm/db';
import { startCustomerHarness, type CustomerHarness } from './testing/harness.ts';

let h: CustomerHarness;
beforeAll(async () => {
  h = await startCustomerHarness();
});
afterAll(async () => {
  await h?.close();
});

const MERGE = `mutation ($input: MergeContactsInput!) {
  mergeContacts(input: $input) {
    mergeId undoableUntil
    survivor { id firstName lastName email phone emails { address isPrimary } tags owner { id } accounts { name } relationships { kind outgoing contact { id } } }
  }
}`;
const UNDO = 'mutation ($id: ID!) { undoContactMerge(mergeId: $id) { id firstName email emails { address } tags accounts { name } relationships { kind } } }';

async function seed() {
  const t = h.newTenant();
  const actor = { userId: t.userId, kind: 'user' as const };
  const [north, south] = await h.subgraph.services.accounts.createMany(t.tenantId, actor, [{ name: 'North' }, { name: 'South' }]);
  const survivor = await h.subgraph.services.contacts.create(t.tenantId, actor, { firstName: 'Jon', lastName: 'Smith', email: 'jon@a.example', tags: ['vip'], accountIds: [north!.id] });
  const duplicate = await h.subgraph.services.contacts.create(t.tenantId, actor, {
    firstName: 'Jonathan',
    lastName: 'Smith',
    email: 'jonathan@b.example',
    phone: '555 0100 200',
    ownerId: t.userId,
    tags: ['partner'],
    accountIds: [south!.id, north!.id],
  });
  const boss = await h.subgraph.services.contacts.create(t.tenantId, actor, { firstName: 'Boss', lastName: 'B' });
  await h.subgraph.services.contacts.relate(t.tenantId, actor, { fromId: duplicate.id, kind: 'REPORTS_TO', toId: boss.id, link: true });
  return { ...t, actor, survivor, duplicate, boss };
}

describe('mergeContacts', () => {
  it('keeps chosen values, unites lists, moves links, trashes the duplicate, and can be undone', async () => {
    const t = await seed();
    const merged = await h.request<{ mergeContacts: { mergeId: string; undoableUntil: string; survivor: Record<string, unknown> } }>(
      MERGE,
      { input: { survivorId: t.survivor.id, mergedIds: [t.duplicate.id], keep: [{ field: 'FIRST_NAME', fromId: t.duplicate.id }] } },
      t.identity,
    );
    expect(merged.errors).toBeUndefined();
    const { mergeId, undoableUntil, survivor } = merged.data!.mergeContacts;
    expect(new Date(undoableUntil).getTime() - Date.now()).toBeGreaterThan(29 * 24 * 3600 * 1000);
    expect(survivor).toMatchObject({
      id: t.survivor.id,
      firstName: 'Jonathan',
      email: 'jon@a.example',
      phone: '555 0100 200',
      emails: [
        { address: 'jon@a.example', isPrimary: true },
        { address: 'jonathan@b.example', isPrimary: false },
      ],
      tags: ['vip', 'partner'],
      owner: { id: t.userId },
      relationships: [{ kind: 'REPORTS_TO', outgoing: true, contact: { id: t.boss.id } }],
    });
    expect((survivor.accounts as { name: string }[]).map((a) => a.name).sort()).toEqual(['North', 'South']);
    const gone = await h.request<{ contact: { deletedAt: string | null } }>('query ($id: ID!) { contact(id: $id) { deletedAt } }', { id: t.duplicate.id }, t.identity);
    expect(gone.data!.contact.deletedAt).not.toBeNull();
    // events leave through the outbox relay, asynchronously
    await expect.poll(() => h.published.some((e) => e.type === 'customer.contact.merged' && e.aggregateId === t.survivor.id)).toBe(true);
    const event = h.published.find((e) => e.type === 'customer.contact.merged' && e.aggregateId === t.survivor.id);
    expect(event?.payload).toEqual({ mergeId, survivorId: t.survivor.id, mergedIds: [t.duplicate.id] });

    const undone = await h.request<{ undoContactMerge: Record<string, unknown> }>(UNDO, { id: mergeId }, t.identity);
    expect(undone.errors).toBeUndefined();
    expect(undone.data!.undoContactMerge).toEqual({
      id: t.survivor.id,
      firstName: 'Jon',
      email: 'jon@a.example',
      emails: [{ address: 'jon@a.example' }],
      tags: ['vip'],
      accounts: [{ name: 'North' }],
      relationships: [],
    });
    const back = await h.request<{ contact: { deletedAt: string | null; relationships: unknown[] } }>(
      'query ($id: ID!) { contact(id: $id) { deletedAt relationships { kind } } }',
      { id: t.duplicate.id },
      t.identity,
    );
    expect(back.data!.contact).toEqual({ deletedAt: null, relationships: [{ kind: 'REPORTS_TO' }] });
    const again = await h.request(UNDO, { id: mergeId }, t.identity);
    expect(again.errors?.[0]?.extensions?.code).toBe('CONFLICT');
  });

  it('refuses to undo after 30 days', async () => {
    const t = await seed();
    const merged = await h.request<{ mergeContacts: { mergeId: string } }>(MERGE, { input: { survivorId: t.survivor.id, mergedIds: [t.duplicate.id] } }, t.identity);
    const mergeId = merged.data!.mergeContacts.mergeId;
    await withTenantTransaction(h.subgraph.prisma, t.tenantId, (tx) => tx.contactMerge.update({ where: { id: mergeId }, data: { undoableUntil: new Date(Date.now() - 1000) } }));
    const late = await h.request(UNDO, { id: mergeId }, t.identity);
    expect(late.errors?.[0]?.extensions?.code).toBe('CONFLICT');
  });

  type Seeded = Awaited<ReturnType<typeof seed>>;
  it.each([
    ['the survivor among mergedIds', (t: Seeded) => ({ survivorId: t.survivor.id, mergedIds: [t.survivor.id] }), 'BAD_USER_INPUT'],
    ['no mergedIds', (t: Seeded) => ({ survivorId: t.survivor.id, mergedIds: [] }), 'BAD_USER_INPUT'],
    ['an unknown contact', (t: Seeded) => ({ survivorId: t.survivor.id, mergedIds: [randomUUID()] }), 'NOT_FOUND'],
    ['a value kept from an uninvolved contact', (t: Seeded) => ({ survivorId: t.survivor.id, mergedIds: [t.duplicate.id], keep: [{ field: 'EMAIL', fromId: t.boss.id }] }), 'BAD_USER_INPUT'],
  ])('rejects %s and changes nothing', async (_label, build, code) => {
    const t = await seed();
    const result = await h.request(MERGE, { input: build(t) }, t.identity);
    expect(result.errors?.[0]?.extensions?.code).toBe(code);
    const list = await h.request<{ contactsConnection: { totalCount: number } }>('{ contactsConnection { totalCount } }', {}, t.identity);
    expect(list.data!.contactsConnection.totalCount).toBe(3);
  });

  it("cannot merge another tenant's contact", async () => {
    const t = await seed();
    const other = await seed();
    const result = await h.request(MERGE, { input: { survivorId: t.survivor.id, mergedIds: [other.duplicate.id] } }, t.identity);
    expect(result.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });
});

const MERGE_ACCOUNTS = `mutation ($input: MergeAccountsInput!) {
  mergeAccounts(input: $input) { mergeId survivor { id name domain industry annualRevenue { amountMinor currency } contacts { firstName } children { name } } }
}`;
const UNDO_ACCOUNTS = 'mutation ($id: ID!) { undoAccountMerge(mergeId: $id) { name domain industry annualRevenue { amountMinor } contacts { firstName } children { name } } }';

describe('mergeAccounts', () => {
  it('fills empty values, links contacts, moves subsidiaries, and can be undone', async () => {
    const t = h.newTenant();
    const actor = { userId: t.userId, kind: 'user' as const };
    const accounts = h.subgraph.services.accounts;
    const [survivor, duplicate] = await accounts.createMany(t.tenantId, actor, [
      { name: 'Acme', domain: 'acme.example' },
      { name: 'ACME Inc.', domain: 'acme-inc.example', industry: 'Software', annualRevenue: { amountMinor: '500000', currency: 'USD' } },
    ]);
    const [child] = await accounts.createMany(t.tenantId, actor, [{ name: 'Acme Labs', parentId: duplicate!.id }]);
    await h.subgraph.services.contacts.create(t.tenantId, actor, { firstName: 'Sue', lastName: 'S', accountIds: [survivor!.id] });
    await h.subgraph.services.contacts.create(t.tenantId, actor, { firstName: 'Dan', lastName: 'D', accountIds: [duplicate!.id] });

    const merged = await h.request<{ mergeAccounts: { mergeId: string; survivor: Record<string, unknown> } }>(
      MERGE_ACCOUNTS,
      { input: { survivorId: survivor!.id, mergedIds: [duplicate!.id], keep: [{ field: 'NAME', fromId: duplicate!.id }] } },
      t.identity,
    );
    expect(merged.errors).toBeUndefined();
    expect(merged.data!.mergeAccounts.survivor).toMatchObject({
      id: survivor!.id,
      name: 'ACME Inc.',
      domain: 'acme.example',
      industry: 'Software',
      annualRevenue: { amountMinor: '500000', currency: 'USD' },
      children: [{ name: 'Acme Labs' }],
    });
    expect((merged.data!.mergeAccounts.survivor.contacts as { firstName: string }[]).map((c) => c.firstName).sort()).toEqual(['Dan', 'Sue']);
    await expect.poll(() => h.published.some((e) => e.type === 'customer.account.merged' && e.aggregateId === survivor!.id)).toBe(true);

    const undone = await h.request<{ undoAccountMerge: unknown }>(UNDO_ACCOUNTS, { id: merged.data!.mergeAccounts.mergeId }, t.identity);
    expect(undone.errors).toBeUndefined();
    expect(undone.data!.undoAccountMerge).toEqual({ name: 'Acme', domain: 'acme.example', industry: null, annualRevenue: null, contacts: [{ firstName: 'Sue' }], children: [] });
    const back = await h.request<{ account: unknown }>('query ($id: ID!) { account(id: $id) { deletedAt children { id } } }', { id: duplicate!.id }, t.identity);
    expect(back.data!.account).toEqual({ deletedAt: null, children: [{ id: child!.id }] });
  });

  it('rejects merging an account into itself', async () => {
    const t = h.newTenant();
    const [only] = await h.subgraph.services.accounts.createMany(t.tenantId, { userId: t.userId, kind: 'user' }, [{ name: 'Solo' }]);
    const result = await h.request(MERGE_ACCOUNTS, { input: { survivorId: only!.id, mergedIds: [only!.id] } }, t.identity);
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'mergedIds' });
  });
});
