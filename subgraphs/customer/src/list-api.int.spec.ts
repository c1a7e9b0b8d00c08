/**
 * The list API on a real PostgreSQL through the customer subgraph: Relay pages, filters, ordering,
 * group counts, batch upserts with per-item results, and the trash.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Identity } from '@crm/runtime';
import { startCustomerHarness, type CustomerHarness } from './testing/harness.ts';

let h: CustomerHarness;
beforeAll(async () => {
  h = await startCustomerHarness();
});
afterAll(async () => {
  await h?.close();
});

const actorOf = (userId: string) => ({ userId, kind: 'user' as const });

interface Page<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
  totalCount: number;
}
interface Row {
  id: string;
  lastName: string;
  email: string | null;
}

const CONTACTS = /* GraphQL */ `
  query ($first: Int, $after: String, $last: Int, $before: String, $filter: ContactFilter, $orderBy: [ContactOrder!], $state: RecordState! = ACTIVE) {
    contactsConnection(first: $first, after: $after, last: $last, before: $before, filter: $filter, orderBy: $orderBy, state: $state) {
      edges { cursor node { id lastName email } }
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      totalCount
    }
  }
`;

async function contactsPage(identity: Identity, variables: Record<string, unknown>) {
  const result = await h.request<{ contactsConnection: Page<Row> }>(CONTACTS, variables, identity);
  expect(result.errors).toBeUndefined();
  return result.data!.contactsConnection;
}

/** A tenant with two accounts and 12 contacts (every fourth without e-mail, some tagged). */
async function seed() {
  const tenant = h.newTenant();
  const actor = actorOf(tenant.userId);
  const [software, retail] = await h.subgraph.services.accounts.createMany(tenant.tenantId, actor, [
    { name: 'Softco', domain: 'softco.example', industry: 'Software', employees: 40 },
    { name: 'Shopco', domain: 'shopco.example', industry: 'Retail', employees: 900 },
  ]);
  const contacts = [];
  for (let i = 0; i < 12; i++) {
    contacts.push(
      await h.subgraph.services.contacts.create(tenant.tenantId, actor, {
        firstName: `P${i}`,
        lastName: ['Lovelace', 'Hopper', 'Turing'][i % 3]!,
        email: i % 4 === 3 ? null : `p${i}@example.com`,
        lifecycleStage: i < 4 ? 'CUSTOMER' : 'LEAD',
        tags: i % 2 ? ['VIP'] : [],
        accountIds: [(i < 5 ? software : retail)!.id],
      }),
    );
  }
  return { ...tenant, actor, software: software!, retail: retail!, contacts };
}

describe('contactsConnection', () => {
  it('walks every record once forwards and backwards under a multi-field order with empty values', async () => {
    const t = await seed();
    const orderBy = [{ field: 'LAST_NAME', direction: 'ASC' }, { field: 'EMAIL', direction: 'DESC' }];
    const forwards: Row[] = [];
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const page: Page<Row> = await contactsPage(t.identity, { first: 5, after, orderBy });
      expect(page.totalCount).toBe(12);
      expect(page.pageInfo.hasPreviousPage).toBe(after !== null);
      forwards.push(...page.edges.map((edge) => edge.node));
      pages++;
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(pages).toBe(3);
    expect(new Set(forwards.map((row) => row.id)).size).toBe(12);
    expect(forwards.map((row) => row.lastName)).toEqual([...forwards.map((row) => row.lastName)].sort());
    // Within one last name, e-mails descend and the contacts without one come last.
    for (const lastName of ['Hopper', 'Lovelace', 'Turing']) {
      const emails = forwards.filter((row) => row.lastName === lastName).map((row) => row.email);
      expect(emails.at(-1)).toBeNull();
      expect(emails.slice(0, -1)).toEqual(emails.slice(0, -1).sort().reverse());
    }

    const backwards: Row[] = [];
    let before: string | null = null;
    for (;;) {
      const page: Page<Row> = await contactsPage(t.identity, { last: 5, before, orderBy });
      backwards.unshift(...page.edges.map((edge) => edge.node));
      if (!page.pageInfo.hasPreviousPage) break;
      before = page.pageInfo.startCursor;
    }
    expect(backwards.map((row) => row.id)).toEqual(forwards.map((row) => row.id));
  });

  it('filters with operators, nesting, tags and the related account', async () => {
    const t = await seed();
    const ids = async (filter: unknown) => (await contactsPage(t.identity, { first: 100, filter })).edges.map((edge) => edge.node.id).sort();
    const idsOf = (pick: (index: number) => boolean) => t.contacts.filter((_c, i) => pick(i)).map((c) => c.id).sort();

    expect(await ids({ account: { industry: { eq: 'Software' } } })).toEqual(idsOf((i) => i < 5));
    expect(await ids({ account: { employees: { gte: 100 } }, lifecycleStage: { eq: 'LEAD' } })).toEqual(idsOf((i) => i >= 5));
    expect(await ids({ email: { isNull: true } })).toEqual(idsOf((i) => i % 4 === 3));
    expect(await ids({ tags: { has: 'vip' } })).toEqual(idsOf((i) => i % 2 === 1));
    expect(await ids({ or: [{ lastName: { startsWith: 'lov' } }, { email: { contains: 'P10@' } }] })).toEqual(idsOf((i) => i % 3 === 0 || i === 10));
    expect(await ids({ not: { lastName: { in: ['Hopper', 'Turing'] } } })).toEqual(idsOf((i) => i % 3 === 0));
    expect(await ids({ email: { neq: 'p0@example.com' } })).toEqual(idsOf((i) => i !== 0));
    const page = await contactsPage(t.identity, { first: 2, filter: { lifecycleStage: { eq: 'CUSTOMER' } } });
    expect(page).toMatchObject({ totalCount: 4, pageInfo: { hasNextPage: true } });
  });

  it('filters accounts by their contacts', async () => {
    const t = await seed();
    const result = await h.request<{ accountsConnection: { nodes: { name: string }[]; totalCount: number } }>(
      `{ accountsConnection(filter: { contact: { lifecycleStage: { eq: CUSTOMER } } }, orderBy: [{ field: NAME }]) { nodes { name } totalCount } }`,
      {},
      t.identity,
    );
    expect(result.data!.accountsConnection).toEqual({ nodes: [{ name: 'Softco' }], totalCount: 1 });
  });

  it.each([
    [{ first: 101 }, 'first'],
    [{ last: 500 }, 'last'],
    [{ first: 1, after: 'not-a-cursor' }, 'after'],
    [{ filter: { email: { eq: null } } }, 'filter.email.eq'],
    [{ filter: { id: { in: ['x'] } } }, 'filter.id.in.0'],
  ])('rejects %o with BAD_USER_INPUT on %s', async (variables, field) => {
    const { identity } = h.newTenant();
    const result = await h.request(CONTACTS, variables, identity);
    expect(result.status).toBeLessThan(500);
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
  });

  it('rejects an unknown filter field naming it', async () => {
    const { identity } = h.newTenant();
    const result = await h.request(CONTACTS, { filter: { shoeSize: { eq: '42' } } }, identity);
    expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(result.errors?.[0]?.message).toContain('shoeSize');
  });

  it("never shows another tenant's contacts", async () => {
    await seed();
    const other = h.newTenant();
    expect(await contactsPage(other.identity, { first: 100 })).toMatchObject({ edges: [], totalCount: 0 });
  });
});

describe('groupBy', () => {
  it('counts contacts per lifecycle stage and accounts per industry', async () => {
    const t = await seed();
    const result = await h.request<{ contactsGroupBy: unknown; accountsGroupBy: unknown; tagged: unknown }>(
      `{
        contactsGroupBy(field: LIFECYCLE_STAGE) { key count }
        tagged: contactsGroupBy(field: LIFECYCLE_STAGE, filter: { tags: { has: "vip" } }) { key count }
        accountsGroupBy(field: INDUSTRY) { key count }
      }`,
      {},
      t.identity,
    );
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({
      contactsGroupBy: [
        { key: 'LEAD', count: 8 },
        { key: 'CUSTOMER', count: 4 },
      ],
      tagged: [
        { key: 'LEAD', count: 4 },
        { key: 'CUSTOMER', count: 2 },
      ],
      accountsGroupBy: [
        { key: 'Retail', count: 1 },
        { key: 'Software', count: 1 },
      ],
    });
  });
});

const UPSERT_CONTACTS = /* GraphQL */ `
  mutation ($inputs: [UpsertContactInput!]!) {
    upsertContacts(inputs: $inputs) { index outcome contact { id firstName lastName email tags lifecycleStage } error { code message field } }
  }
`;

describe('upsertContacts', () => {
  it('creates, updates by e-mail and by id, and reports failed items without writing them', async () => {
    const t = await seed();
    const existing = t.contacts[0]!;
    const result = await h.request<{ upsertContacts: Record<string, unknown>[] }>(
      UPSERT_CONTACTS,
      {
        inputs: [
          { email: 'New@Example.com', firstName: 'Grace', lastName: 'Hopper', tags: ['Navy', 'navy'] },
          { email: 'P0@example.com', lifecycleStage: 'CUSTOMER', firstName: 'Ada' },
          { id: t.contacts[1]!.id, lastName: 'Byron' },
          { email: 'not-an-email', firstName: 'X', lastName: 'Y' },
          { email: 'nobody@example.com', firstName: 'No last name' },
          { id: randomUUID(), firstName: 'Ghost' },
        ],
      },
      t.identity,
    );
    expect(result.errors).toBeUndefined();
    const [created, byEmail, byId, badEmail, noName, unknown] = result.data!.upsertContacts;
    expect(created).toMatchObject({ index: 0, outcome: 'CREATED', contact: { email: 'new@example.com', tags: ['navy'], lifecycleStage: 'SUBSCRIBER' }, error: null });
    expect(byEmail).toMatchObject({ index: 1, outcome: 'UPDATED', contact: { id: existing.id, firstName: 'Ada', lastName: existing.lastName, lifecycleStage: 'CUSTOMER' } });
    expect(byId).toMatchObject({ outcome: 'UPDATED', contact: { id: t.contacts[1]!.id, lastName: 'Byron', email: 'p1@example.com' } });
    expect(badEmail).toMatchObject({ outcome: 'FAILED', contact: null, error: { code: 'BAD_USER_INPUT', field: 'inputs.3.email' } });
    expect(noName).toMatchObject({ outcome: 'FAILED', error: { code: 'BAD_USER_INPUT', field: 'inputs.4.lastName' } });
    expect(unknown).toMatchObject({ outcome: 'FAILED', error: { code: 'NOT_FOUND' } });
    expect((await contactsPage(t.identity, { first: 1 })).totalCount).toBe(13);
    // events leave through the outbox relay, asynchronously
    const updated = () => h.published.filter((event) => event.tenantId === t.tenantId && event.type === 'customer.contact.updated').map((event) => event.aggregateId).sort();
    await expect.poll(updated).toEqual([existing.id, t.contacts[1]!.id].sort());
  });

  it('reports an ambiguous e-mail as CONFLICT', async () => {
    const t = h.newTenant();
    for (const firstName of ['A', 'B']) await h.subgraph.services.contacts.create(t.tenantId, actorOf(t.userId), { firstName, lastName: 'Twin', email: 'twin@example.com' });
    const result = await h.request<{ upsertContacts: Record<string, unknown>[] }>(UPSERT_CONTACTS, { inputs: [{ email: 'twin@example.com', phone: '555 0100' }] }, t.identity);
    expect(result.data!.upsertContacts[0]).toMatchObject({ outcome: 'FAILED', error: { code: 'CONFLICT', field: 'inputs.0.email' } });
  });

  it('refuses more than 100 items', async () => {
    const { identity } = h.newTenant();
    const inputs = Array.from({ length: 101 }, (_, i) => ({ firstName: 'A', lastName: `${i}` }));
    const result = await h.request(UPSERT_CONTACTS, { inputs }, identity);
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'inputs' });
  });
});

describe('upsertAccounts', () => {
  it('matches by domain, creates new ones and names invalid fields', async () => {
    const t = await seed();
    const result = await h.request<{ upsertAccounts: Record<string, unknown>[] }>(
      `mutation ($inputs: [UpsertAccountInput!]!) { upsertAccounts(inputs: $inputs) { index outcome account { id name domain employees } error { code field } } }`,
      {
        inputs: [
          { domain: 'SOFTCO.example', employees: 55 },
          { domain: 'newco.example', name: 'Newco' },
          { domain: 'newer.example' },
          { name: 'Bad', employees: -1 },
        ],
      },
      t.identity,
    );
    const [updated, created, noName, negative] = result.data!.upsertAccounts;
    expect(updated).toMatchObject({ outcome: 'UPDATED', account: { id: t.software.id, name: 'Softco', employees: 55 } });
    expect(created).toMatchObject({ outcome: 'CREATED', account: { name: 'Newco', domain: 'newco.example' } });
    expect(noName).toMatchObject({ outcome: 'FAILED', error: { code: 'BAD_USER_INPUT', field: 'inputs.2.name' } });
    expect(negative).toMatchObject({ outcome: 'FAILED', error: { code: 'BAD_USER_INPUT', field: 'inputs.3.employees' } });
  });
});

describe('trash', () => {
  it('soft-deletes, lists the trash, restores, and purges for admins only', async () => {
    const t = await seed();
    const [a, b] = [t.contacts[0]!.id, t.contacts[1]!.id];
    const deleted = await h.request<{ deleteContacts: { id: string; deletedAt: string | null }[] }>(
      'mutation ($ids: [ID!]!) { deleteContacts(ids: $ids) { id deletedAt } }',
      { ids: [a, b] },
      t.identity,
    );
    expect(deleted.data!.deleteContacts.map((c) => c.id)).toEqual([a, b]);
    expect(deleted.data!.deleteContacts.every((c) => c.deletedAt)).toBe(true);
    expect((await contactsPage(t.identity, { first: 100 })).totalCount).toBe(10);
    expect((await contactsPage(t.identity, { first: 100, state: 'DELETED' })).edges.map((e) => e.node.id).sort()).toEqual([a, b].sort());
    const legacy = await h.request<{ contacts: { id: string }[] }>('{ contacts(first: 100) { id } }', {}, t.identity);
    expect(legacy.data!.contacts.map((c) => c.id)).not.toContain(a);
    const restored = await h.request<{ restoreContacts: { id: string; deletedAt: string | null }[] }>(
      'mutation ($ids: [ID!]!) { restoreContacts(ids: $ids) { id deletedAt } }',
      { ids: [a] },
      t.identity,
    );
    expect(restored.data!.restoreContacts).toEqual([{ id: a, deletedAt: null }]);

    const rep: Identity = { ...t.identity, roles: ['SALES_REP'] };
    const refused = await h.request('mutation ($ids: [ID!]!) { purgeContacts(ids: $ids) }', { ids: [b] }, rep);
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const purged = await h.request<{ purgeContacts: string[] }>('mutation ($ids: [ID!]!) { purgeContacts(ids: $ids) }', { ids: [b] }, t.identity);
    expect(purged.data!.purgeContacts).toEqual([b]);
    const gone = await h.request<{ contact: null }>('query ($id: ID!) { contact(id: $id) { id } }', { id: b }, t.identity);
    expect(gone.data!.contact).toBeNull();
    const types = () => h.published.filter((e) => e.tenantId === t.tenantId && [a, b].includes(e.aggregateId)).map((e) => `${e.type}:${e.aggregateId === a ? 'a' : 'b'}`);
    await expect.poll(types).toEqual(expect.arrayContaining(['customer.contact.deleted:a', 'customer.contact.deleted:b', 'customer.contact.restored:a', 'customer.contact.purged:b']));
  });

  it('changes nothing when one id is unknown or of another tenant', async () => {
    const t = await seed();
    const other = await seed();
    for (const stranger of [randomUUID(), other.contacts[0]!.id]) {
      const result = await h.request('mutation ($ids: [ID!]!) { deleteContacts(ids: $ids) { id } }', { ids: [t.contacts[0]!.id, stranger] }, t.identity);
      expect(result.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    }
    expect((await contactsPage(t.identity, { first: 1 })).totalCount).toBe(12);
    expect((await contactsPage(other.identity, { first: 1 })).totalCount).toBe(12);
  });

  it('trashes accounts and leads the same way', async () => {
    const t = await seed();
    const lead = await h.subgraph.services.leads.create(t.tenantId, t.actor, { name: 'Lin', source: 'web' });
    await h.subgraph.services.leads.create(t.tenantId, t.actor, { name: 'Lou', source: 'event' });
    const result = await h.request<Record<string, unknown>>(
      `mutation ($account: [ID!]!, $lead: [ID!]!) {
        deleteAccounts(ids: $account) { id }
        deleteLeads(ids: $lead) { id }
      }`,
      { account: [t.retail.id], lead: [lead.id] },
      t.identity,
    );
    expect(result.errors).toBeUndefined();
    const lists = await h.request<{ accountsConnection: { totalCount: number }; leadsConnection: { nodes: { name: string }[] }; leadsGroupBy: unknown }>(
      `{
        accountsConnection { totalCount }
        leadsConnection(filter: { status: { eq: NEW } }) { nodes { name } }
        leadsGroupBy(field: SOURCE, state: ALL) { key count }
      }`,
      {},
      t.identity,
    );
    expect(lists.data).toEqual({
      accountsConnection: { totalCount: 1 },
      leadsConnection: { nodes: [{ name: 'Lou' }] },
      leadsGroupBy: [
        { key: 'event', count: 1 },
        { key: 'web', count: 1 },
      ],
    });
  });
});
