import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { dataStatementsDuring, startCustomerHarness, type CustomerHarness } from './testing/harness.ts';

let h: CustomerHarness;
beforeAll(async () => {
  h = await startCustomerHarness();
});
afterAll(async () => {
  await h?.close();
});

const actorOf = (userId: string) => ({ userId, kind: 'user' as const });

const CREATE_ACCOUNT = /* GraphQL */ `
  mutation ($input: CreateAccountInput!) {
    createAccount(input: $input) { id name domain industry owner { id } contacts { id } createdAt }
  }
`;
const CREATE_CONTACT = /* GraphQL */ `
  mutation ($input: CreateContactInput!) {
    createContact(input: $input) { id firstName lastName name email phone owner { id } accounts { id name } createdAt }
  }
`;
const CREATE_LEAD = /* GraphQL */ `
  mutation ($input: CreateLeadInput!) {
    createLead(input: $input) { id name email company source status score owner { id } createdAt }
  }
`;
const ENTITIES = /* GraphQL */ `
  query ($representations: [_Any!]!) {
    _entities(representations: $representations) {
      ... on Account { id name }
      ... on Contact { id name }
      ... on Lead { id name }
    }
  }
`;

describe('accounts', () => {
  it('creates an account and reads it back by id and in the list', async () => {
    const { identity, userId } = h.newTenant();
    const created = await h.request<{ createAccount: Record<string, unknown> }>(
      CREATE_ACCOUNT,
      { input: { name: '  Acme Corp ', domain: 'ACME.com', industry: 'Manufacturing', ownerId: userId } },
      identity,
    );
    expect(created.errors).toBeUndefined();
    const account = created.data!.createAccount;
    expect(account).toMatchObject({ name: 'Acme Corp', domain: 'acme.com', industry: 'Manufacturing', owner: { id: userId }, contacts: [] });
    expect(new Date(account.createdAt as string).toISOString()).toBe(account.createdAt);

    const read = await h.request<{ account: { id: string; name: string }; accounts: { id: string }[] }>(
      'query ($id: ID!) { account(id: $id) { id name } accounts { id } }',
      { id: account.id },
      identity,
    );
    expect(read.data).toEqual({ account: { id: account.id, name: 'Acme Corp' }, accounts: [{ id: account.id }] });
  });

  it('lists newest first and honours first', async () => {
    const { tenantId, userId, identity } = h.newTenant();
    const created = await h.subgraph.services.accounts.createMany(
      tenantId,
      actorOf(userId),
      ['One', 'Two', 'Three'].map((name) => ({ name })),
    );
    expect(created.map((account) => account.name)).toEqual(['One', 'Two', 'Three']);
    const list = await h.request<{ accounts: { name: string }[] }>('{ accounts(first: 2) { name } }', {}, identity);
    expect(list.data!.accounts).toHaveLength(2);
    const all = await h.request<{ accounts: { name: string }[] }>('{ accounts { name } }', {}, identity);
    expect(all.data!.accounts.map((account) => account.name).sort()).toEqual(['One', 'Three', 'Two']);
  });

  it.each([
    [{ name: '   ' }, 'name'],
    [{ name: 'Acme', domain: 'not a domain' }, 'domain'],
    [{ name: 'Acme', domain: 'https://acme.com' }, 'domain'],
    [{ name: 'Acme', ownerId: 'me' }, 'ownerId'],
  ])('rejects %o with BAD_USER_INPUT on %s', async (input, field) => {
    const { identity } = h.newTenant();
    const result = await h.request(CREATE_ACCOUNT, { input }, identity);
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    expect(result.errors?.[0]?.message).toContain(field);
    const list = await h.request<{ accounts: unknown[] }>('{ accounts { id } }', {}, identity);
    expect(list.data!.accounts).toEqual([]);
  });

  it('rejects first above 100 with BAD_USER_INPUT', async () => {
    const { identity } = h.newTenant();
    const result = await h.request('{ accounts(first: 101) { id } }', {}, identity);
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
  });
});

describe('contacts', () => {
  it('creates a contact linked to accounts, first one primary, both directions resolvable', async () => {
    const { tenantId, userId, identity } = h.newTenant();
    const [acme, globex] = await h.subgraph.services.accounts.createMany(tenantId, actorOf(userId), [{ name: 'Acme' }, { name: 'Globex' }]);
    const result = await h.request<{ createContact: Record<string, unknown> }>(
      CREATE_CONTACT,
      { input: { firstName: 'Ada', lastName: 'Lovelace', email: ' Ada@Example.COM ', phone: '+44 20 7946 0000', accountIds: [globex!.id, acme!.id] } },
      identity,
    );
    expect(result.errors).toBeUndefined();
    const contact = result.data!.createContact;
    expect(contact).toMatchObject({
      firstName: 'Ada',
      lastName: 'Lovelace',
      name: 'Ada Lovelace',
      email: 'ada@example.com',
      owner: null,
      accounts: [{ id: globex!.id, name: 'Globex' }, { id: acme!.id, name: 'Acme' }],
    });
    const account = await h.request<{ account: { contacts: { id: string; name: string }[] } }>(
      'query ($id: ID!) { account(id: $id) { contacts { id name } } }',
      { id: acme!.id },
      identity,
    );
    expect(account.data!.account.contacts).toEqual([{ id: contact.id, name: 'Ada Lovelace' }]);
  });

  it.each([
    [{ firstName: '', lastName: 'X' }, 'firstName'],
    [{ firstName: 'X', lastName: ' ' }, 'lastName'],
    [{ firstName: 'X', lastName: 'Y', email: 'not-an-email' }, 'email'],
    [{ firstName: 'X', lastName: 'Y', phone: 'call me maybe' }, 'phone'],
    [{ firstName: 'X', lastName: 'Y', accountIds: ['nope'] }, 'accountIds.0'],
  ])('rejects %o with BAD_USER_INPUT on %s', async (input, field) => {
    const { identity } = h.newTenant();
    const result = await h.request(CREATE_CONTACT, { input }, identity);
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
  });

  it("refuses another tenant's account ids and writes nothing", async () => {
    const other = h.newTenant();
    const [foreign] = await h.subgraph.services.accounts.createMany(other.tenantId, actorOf(other.userId), [{ name: 'Theirs' }]);
    const { tenantId, userId, identity } = h.newTenant();
    const [mine] = await h.subgraph.services.accounts.createMany(tenantId, actorOf(userId), [{ name: 'Mine' }]);
    const result = await h.request(
      CREATE_CONTACT,
      { input: { firstName: 'Eve', lastName: 'Intruder', accountIds: [mine!.id, foreign!.id] } },
      identity,
    );
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'accountIds' });
    const after = await h.request<{ contacts: unknown[]; account: { contacts: unknown[] } }>(
      'query ($id: ID!) { contacts { id } account(id: $id) { contacts { id } } }',
      { id: mine!.id },
      identity,
    );
    expect(after.data).toEqual({ contacts: [], account: { contacts: [] } });
  });
});

describe('leads', () => {
  it('creates a lead as NEW with score 0', async () => {
    const { identity, userId } = h.newTenant();
    const result = await h.request<{ createLead: Record<string, unknown> }>(
      CREATE_LEAD,
      { input: { name: 'Grace Hopper', email: 'GRACE@navy.mil', company: 'US Navy', source: 'referral', ownerId: userId } },
      identity,
    );
    expect(result.errors).toBeUndefined();
    expect(result.data!.createLead).toMatchObject({
      name: 'Grace Hopper',
      email: 'grace@navy.mil',
      company: 'US Navy',
      source: 'referral',
      status: 'NEW',
      score: 0,
      owner: { id: userId },
    });
    const read = await h.request<{ lead: { id: string }; leads: { id: string }[] }>(
      'query ($id: ID!) { lead(id: $id) { id } leads { id } }',
      { id: result.data!.createLead.id },
      identity,
    );
    expect(read.data!.leads).toEqual([read.data!.lead]);
  });

  it('rejects an invalid email with BAD_USER_INPUT', async () => {
    const { identity } = h.newTenant();
    const result = await h.request(CREATE_LEAD, { input: { name: 'X', email: 'x@' } }, identity);
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'email' });
  });
});

describe('gateway signature', () => {
  it.each([
    ['a query', '{ accounts { id } }'],
    ['_entities', `{ _entities(representations: [{ __typename: "Account", id: "${randomUUID()}" }]) { ... on Account { id } } }`],
    ['_service', '{ _service { sdl } }'],
  ])('refuses %s without the identity header with 401', async (_label, query) => {
    const result = await h.request(query, {}, null);
    expect(result.status).toBe(401);
    expect(result.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('refuses a forged signature with 401', async () => {
    const { identity } = h.newTenant();
    const response = await fetch(h.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-crm-identity': `${Buffer.from(JSON.stringify(identity)).toString('base64url')}.${Date.now()}.AAAA` },
      body: JSON.stringify({ query: '{ accounts { id } }' }),
    });
    expect(response.status).toBe(401);
  });

  it('serves the SDL to a signed caller', async () => {
    const { identity } = h.newTenant();
    const result = await h.request<{ _service: { sdl: string } }>('{ _service { sdl } }', {}, identity);
    expect(result.data!._service.sdl).toContain('type Account @key(fields: "id")');
  });

  it('asks a signed caller without a tenant to sign in', async () => {
    const result = await h.request('{ accounts { id } }', {}, { tenantId: null, userId: null, roles: [], requestId: randomUUID() });
    expect(result.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});

describe('tenant isolation', () => {
  it("resolves another tenant's entities, and lookups by id, to null", async () => {
    const owner = h.newTenant();
    const [account] = await h.subgraph.services.accounts.createMany(owner.tenantId, actorOf(owner.userId), [{ name: 'Private' }]);
    const contact = await h.subgraph.services.contacts.create(owner.tenantId, actorOf(owner.userId), { firstName: 'P', lastName: 'Q' });
    const lead = await h.subgraph.services.leads.create(owner.tenantId, actorOf(owner.userId), { name: 'Secret lead' });
    const representations = [
      { __typename: 'Account', id: account!.id },
      { __typename: 'Contact', id: contact.id },
      { __typename: 'Lead', id: lead.id },
      { __typename: 'Account', id: 'not-a-uuid' },
    ];

    const mine = await h.request<{ _entities: unknown[] }>(ENTITIES, { representations }, owner.identity);
    expect(mine.data!._entities).toEqual([{ id: account!.id, name: 'Private' }, { id: contact.id, name: 'P Q' }, { id: lead.id, name: 'Secret lead' }, null]);

    const intruder = h.newTenant();
    const theirs = await h.request<{ _entities: unknown[] }>(ENTITIES, { representations }, intruder.identity);
    expect(theirs.errors).toBeUndefined();
    expect(theirs.data!._entities).toEqual([null, null, null, null]);
    const byId = await h.request('query ($id: ID!) { account(id: $id) { id } }', { id: account!.id }, intruder.identity);
    expect(byId.data).toEqual({ account: null });
  });

  it('row-level security hides every row from a connection without a tenant', async () => {
    const { tenantId, userId } = h.newTenant();
    await h.subgraph.services.accounts.createMany(tenantId, actorOf(userId), [{ name: 'Hidden' }]);
    expect(await h.subgraph.prisma.account.count({ where: { tenantId } })).toBe(0);
  });
});

describe('batching', () => {
  it('resolves 200 account references over 20 accounts with one data query', async () => {
    const { tenantId, userId, identity } = h.newTenant();
    const accounts = await h.subgraph.services.accounts.createMany(
      tenantId,
      actorOf(userId),
      Array.from({ length: 20 }, (_, i) => ({ name: `Account ${i}` })),
    );
    const representations = Array.from({ length: 200 }, (_, i) => ({ __typename: 'Account', id: accounts[i % 20]!.id }));
    let result: Awaited<ReturnType<typeof h.request<{ _entities: ({ id: string } | null)[] }>>> | undefined;
    const statements = await dataStatementsDuring(h.database, async () => {
      result = await h.request<{ _entities: ({ id: string } | null)[] }>(ENTITIES, { representations }, identity);
    });
    expect(result!.data!._entities.map((entity) => entity?.id)).toEqual(representations.map((r) => r.id));
    expect(statements).toHaveLength(1);
    expect(statements[0]).toMatch(/FROM "public"\."Account"/);
  });

  it('loads nested accounts and contacts of a page with one query per level', async () => {
    const { tenantId, userId, identity } = h.newTenant();
    const actor = actorOf(userId);
    const accounts = await h.subgraph.services.accounts.createMany(tenantId, actor, [{ name: 'A' }, { name: 'B' }, { name: 'C' }]);
    for (let i = 0; i < 12; i++) {
      await h.subgraph.services.contacts.create(tenantId, actor, { firstName: `C${i}`, lastName: 'Smith', accountIds: [accounts[i % 3]!.id] });
    }
    const query = '{ contacts(first: 100) { id accounts { id contacts { id } } } }';
    const statements = await dataStatementsDuring(h.database, () => h.request(query, {}, identity));
    // One query per level: the contacts page, their account links, those accounts, the accounts'
    // contact links, those contacts. Twelve contacts cost the same five queries as one would.
    expect(statements).toHaveLength(5);
    const result = await h.request<{ contacts: { accounts: { contacts: unknown[] }[] }[] }>(query, {}, identity);
    expect(result.data!.contacts).toHaveLength(12);
    expect(result.data!.contacts.every((contact) => contact.accounts.length === 1 && contact.accounts[0]!.contacts.length === 4)).toBe(true);
  });
});

describe('events', () => {
  it('publishes created events through the outbox with tenant and actor', async () => {
    const { tenantId, userId, identity } = h.newTenant();
    const account = await h.request<{ createAccount: { id: string } }>(CREATE_ACCOUNT, { input: { name: 'Evented', domain: 'evented.io' } }, identity);
    const contact = await h.request<{ createContact: { id: string } }>(
      CREATE_CONTACT,
      { input: { firstName: 'E', lastName: 'V', accountIds: [account.data!.createAccount.id] } },
      identity,
    );
    const lead = await h.request<{ createLead: { id: string } }>(CREATE_LEAD, { input: { name: 'Evented lead' } }, identity);

    const expected = [
      ['customer.account.created', account.data!.createAccount.id],
      ['customer.contact.created', contact.data!.createContact.id],
      ['customer.lead.created', lead.data!.createLead.id],
    ];
    await vi.waitFor(() => {
      const mine = h.published.filter((event) => event.tenantId === tenantId);
      // order is kept per aggregate (the bus key), not across aggregates
      expect(mine.map((event) => [event.type, event.aggregateId]).sort()).toEqual([...expected].sort());
    });
    const mine = h.published.filter((event) => event.tenantId === tenantId);
    const accountEvent = mine.find((event) => event.type === 'customer.account.created');
    const contactEvent = mine.find((event) => event.type === 'customer.contact.created');
    expect(accountEvent).toMatchObject({ actor: { userId, kind: 'user' }, version: 1, payload: { name: 'Evented', domain: 'evented.io' } });
    expect(contactEvent!.payload).toMatchObject({ accountIds: [account.data!.createAccount.id] });
  });
});
