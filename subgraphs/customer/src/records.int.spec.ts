/**
 * Record details on a real PostgreSQL: contacts' e-mail and phone lists with one primary,
 * addresses and social links; account revenue and hierarchy; contact relationships.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCustomerHarness, type CustomerHarness } from './testing/harness.ts';

let h: CustomerHarness;
beforeAll(async () => {
  h = await startCustomerHarness();
});
afterAll(async () => {
  await h?.close();
});

const CONTACT_FIELDS = 'id email phone emails { address label isPrimary } phones { number label isPrimary } addresses { label city country } socialLinks { network url }';
const CREATE_CONTACT = `mutation ($input: CreateContactInput!) { createContact(input: $input) { ${CONTACT_FIELDS} } }`;
const UPSERT_CONTACTS = `mutation ($inputs: [UpsertContactInput!]!) { upsertContacts(inputs: $inputs) { outcome error { code field message } contact { ${CONTACT_FIELDS} } } }`;

describe('contact channels', () => {
  it('stores e-mail and phone lists with one primary, mirrored in email and phone', async () => {
    const { identity } = h.newTenant();
    const result = await h.request<{ createContact: Record<string, unknown> }>(
      CREATE_CONTACT,
      {
        input: {
          firstName: 'Ada',
          lastName: 'Lovelace',
          emails: [
            { address: 'ada@home.example', label: 'personal' },
            { address: 'Ada@Work.example', label: 'work', isPrimary: true },
          ],
          phones: [{ number: '+44 20 7946 0000' }],
          addresses: [{ label: 'office', city: 'London', country: 'gb' }],
          socialLinks: [{ network: 'LinkedIn', url: 'https://www.linkedin.com/in/ada' }],
        },
      },
      identity,
    );
    expect(result.errors).toBeUndefined();
    expect(result.data!.createContact).toMatchObject({
      email: 'ada@work.example',
      phone: '+44 20 7946 0000',
      emails: [
        { address: 'ada@home.example', label: 'personal', isPrimary: false },
        { address: 'ada@work.example', label: 'work', isPrimary: true },
      ],
      phones: [{ number: '+44 20 7946 0000', label: null, isPrimary: true }],
      addresses: [{ label: 'office', city: 'London', country: 'GB' }],
      socialLinks: [{ network: 'linkedin', url: 'https://www.linkedin.com/in/ada' }],
    });
  });

  it('turns a single email into the primary entry and keeps the others on update', async () => {
    const { identity } = h.newTenant();
    const created = await h.request<{ createContact: { id: string; emails: unknown[] } }>(
      CREATE_CONTACT,
      { input: { firstName: 'Grace', lastName: 'Hopper', email: 'grace@navy.example', emails: [{ address: 'grace@navy.example' }, { address: 'g@home.example' }] } },
      identity,
    );
    expect(created.errors).toBeUndefined();
    const id = created.data!.createContact.id;
    const updated = await h.request<{ upsertContacts: { contact: Record<string, unknown> }[] }>(UPSERT_CONTACTS, { inputs: [{ id, email: 'grace@yale.example' }] }, identity);
    expect(updated.data!.upsertContacts[0]!.contact).toMatchObject({
      email: 'grace@yale.example',
      emails: [
        { address: 'grace@yale.example', isPrimary: true },
        { address: 'g@home.example', isPrimary: false },
      ],
    });
    const matched = await h.request<{ upsertContacts: { outcome: string; contact: { id: string } }[] }>(UPSERT_CONTACTS, { inputs: [{ email: 'GRACE@yale.example', phone: '555 0100' }] }, identity);
    expect(matched.data!.upsertContacts[0]).toMatchObject({ outcome: 'UPDATED', contact: { id, phone: '555 0100' } });
  });

  it.each([
    [{ emails: [{ address: 'a@x.example', isPrimary: true }, { address: 'b@x.example', isPrimary: true }] }, 'emails'],
    [{ emails: [{ address: 'nope' }] }, 'emails.0.address'],
    [{ email: 'c@x.example', emails: [{ address: 'a@x.example' }] }, 'email'],
    [{ phones: [{ number: 'call me' }] }, 'phones.0.number'],
    [{ addresses: [{ label: 'empty' }] }, 'addresses.0'],
    [{ addresses: [{ city: 'Paris', country: 'France' }] }, 'addresses.0.country'],
    [{ socialLinks: [{ network: 'x', url: 'javascript:alert(1)' }] }, 'socialLinks.0.url'],
  ])('rejects %o with BAD_USER_INPUT on %s and writes nothing', async (extra, field) => {
    const { identity } = h.newTenant();
    const result = await h.request(CREATE_CONTACT, { input: { firstName: 'X', lastName: 'Y', ...extra } }, identity);
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    const list = await h.request<{ contactsConnection: { totalCount: number } }>('{ contactsConnection { totalCount } }', {}, identity);
    expect(list.data!.contactsConnection.totalCount).toBe(0);
  });
});

const ACCOUNT = 'id name annualRevenue { amountMinor currency } parent { name } children { name }';

describe('account revenue and hierarchy', () => {
  it('keeps revenue exact in minor units and links parents and children', async () => {
    const { identity } = h.newTenant();
    const parent = await h.request<{ createAccount: { id: string } }>(
      `mutation { createAccount(input: { name: "Holding", annualRevenue: { amountMinor: "123456789012345678", currency: "eur" } }) { ${ACCOUNT} } }`,
      {},
      identity,
    );
    expect(parent.data!.createAccount).toMatchObject({ annualRevenue: { amountMinor: '123456789012345678', currency: 'EUR' } });
    const parentId = parent.data!.createAccount.id;
    const child = await h.request<{ createAccount: { id: string } }>(
      `mutation ($parentId: ID!) { createAccount(input: { name: "Subsidiary", parentId: $parentId }) { ${ACCOUNT} } }`,
      { parentId },
      identity,
    );
    expect(child.data!.createAccount).toMatchObject({ parent: { name: 'Holding' }, annualRevenue: null });
    const read = await h.request<{ account: unknown }>(`query ($id: ID!) { account(id: $id) { children { name } } }`, { id: parentId }, identity);
    expect(read.data!.account).toEqual({ children: [{ name: 'Subsidiary' }] });
    const filtered = await h.request<{ accountsConnection: { nodes: { name: string }[] } }>(
      'query ($id: ID!) { accountsConnection(filter: { parentId: { eq: $id } }) { nodes { name } } }',
      { id: parentId },
      identity,
    );
    expect(filtered.data!.accountsConnection.nodes).toEqual([{ name: 'Subsidiary' }]);

    const cycle = await h.request<{ upsertAccounts: { outcome: string; error: { code: string; field: string } }[] }>(
      'mutation ($inputs: [UpsertAccountInput!]!) { upsertAccounts(inputs: $inputs) { outcome error { code field } } }',
      { inputs: [{ id: parentId, parentId: child.data!.createAccount.id }, { id: parentId, annualRevenue: null }] },
      identity,
    );
    expect(cycle.data!.upsertAccounts).toEqual([
      { outcome: 'FAILED', error: { code: 'BAD_USER_INPUT', field: 'inputs.0.parentId' } },
      { outcome: 'UPDATED', error: null },
    ]);
  });

  it.each([
    ['{ amountMinor: "-5", currency: "USD" }', 'annualRevenue.amountMinor'],
    ['{ amountMinor: "1.5", currency: "USD" }', 'annualRevenue.amountMinor'],
    ['{ amountMinor: "100", currency: "dollars" }', 'annualRevenue.currency'],
  ])('rejects revenue %s with BAD_USER_INPUT on %s', async (revenue, field) => {
    const { identity } = h.newTenant();
    const result = await h.request(`mutation { createAccount(input: { name: "X", annualRevenue: ${revenue} }) { id } }`, {}, identity);
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
  });

  it("refuses a parent of another tenant", async () => {
    const a = h.newTenant();
    const b = h.newTenant();
    const [foreign] = await h.subgraph.services.accounts.createMany(a.tenantId, { userId: a.userId, kind: 'user' }, [{ name: 'Theirs' }]);
    const result = await h.request('mutation ($p: ID!) { createAccount(input: { name: "Mine", parentId: $p }) { id } }', { p: foreign!.id }, b.identity);
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'parentId' });
  });
});

describe('contact relationships', () => {
  it('links contacts both ways, idempotently, and unlinks them', async () => {
    const t = h.newTenant();
    const actor = { userId: t.userId, kind: 'user' as const };
    const boss = await h.subgraph.services.contacts.create(t.tenantId, actor, { firstName: 'Boss', lastName: 'B' });
    const rep = await h.subgraph.services.contacts.create(t.tenantId, actor, { firstName: 'Rep', lastName: 'R' });
    const RELATE = 'mutation ($from: ID!, $to: ID!) { relateContacts(fromId: $from, kind: REPORTS_TO, toId: $to) { name relationships { kind outgoing contact { name } } } }';
    for (let i = 0; i < 2; i++) {
      const result = await h.request<{ relateContacts: unknown }>(RELATE, { from: rep.id, to: boss.id }, t.identity);
      expect(result.data!.relateContacts).toEqual({ name: 'Rep R', relationships: [{ kind: 'REPORTS_TO', outgoing: true, contact: { name: 'Boss B' } }] });
    }
    const seen = await h.request<{ contact: unknown }>('query ($id: ID!) { contact(id: $id) { relationships { kind outgoing contact { name } } } }', { id: boss.id }, t.identity);
    expect(seen.data!.contact).toEqual({ relationships: [{ kind: 'REPORTS_TO', outgoing: false, contact: { name: 'Rep R' } }] });
    await expect.poll(() => h.published.filter((e) => e.type === 'customer.contact.related' && e.aggregateId === rep.id).length).toBe(1);

    const self = await h.request(RELATE, { from: rep.id, to: rep.id }, t.identity);
    expect(self.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'toId' });
    const unknown = await h.request(RELATE, { from: rep.id, to: randomUUID() }, t.identity);
    expect(unknown.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');

    const removed = await h.request<{ unrelateContacts: unknown }>(
      'mutation ($from: ID!, $to: ID!) { unrelateContacts(fromId: $from, kind: REPORTS_TO, toId: $to) { relationships { kind } } }',
      { from: rep.id, to: boss.id },
      t.identity,
    );
    expect(removed.data!.unrelateContacts).toEqual({ relationships: [] });
  });
});
