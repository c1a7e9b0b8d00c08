/**
 * Custom fields on a real PostgreSQL through the customer subgraph: definitions (admins only,
 * per tenant), typed values written with contacts, accounts and leads, validation errors, and
 * filtering, sorting, paging and grouping on the JSONB values.
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

const DEFINE = /* GraphQL */ `
  mutation ($input: CreateCustomFieldDefinitionInput!) {
    createCustomFieldDefinition(input: $input) { id key label type required options referenceEntity archivedAt }
  }
`;
const VALUES = `customFields { __typename key
  ... on TextValue { text } ... on NumberValue { number } ... on CurrencyValue { amountMinor currency }
  ... on DateValue { date } ... on BooleanValue { boolean } ... on SelectValue { option }
  ... on MultiSelectValue { options } ... on UrlValue { url } ... on EmailValue { email }
  ... on ReferenceValue { entity id } }`;
const CREATE_CONTACT = `mutation ($input: CreateContactInput!) { createContact(input: $input) { id ${VALUES} } }`;
const CONTACTS = /* GraphQL */ `
  query ($first: Int, $after: String, $filter: ContactFilter, $orderBy: [ContactOrder!]) {
    contactsConnection(first: $first, after: $after, filter: $filter, orderBy: $orderBy) {
      edges { cursor node { id lastName } }
      pageInfo { hasNextPage endCursor }
      totalCount
    }
  }
`;

/** The tenant's Sales Rep (one per tenant: a rep reads and changes the records they own). */
const reps = new Map<string, string>();
const rep = (tenant: { tenantId: string; userId: string }): Identity => {
  if (!reps.has(tenant.tenantId)) reps.set(tenant.tenantId, randomUUID());
  return { tenantId: tenant.tenantId, userId: reps.get(tenant.tenantId)!, roles: ['SALES_REP'], requestId: randomUUID() };
};

async function ok<T>(query: string, variables: Record<string, unknown>, identity: Identity): Promise<T> {
  const result = await h.request<T>(query, variables, identity);
  expect(result.errors).toBeUndefined();
  return result.data!;
}

/** A tenant with contact fields of every type, and an account to reference. */
async function seed() {
  const tenant = h.newTenant();
  const admin = tenant.identity;
  const define = (input: Record<string, unknown>) => ok(DEFINE, { input: { entity: 'CONTACT', ...input } }, admin);
  await define({ key: 'nickname', label: 'Nickname', type: 'TEXT' });
  await define({ key: 'score', label: 'Score', type: 'NUMBER' });
  await define({ key: 'budget', label: 'Budget', type: 'CURRENCY' });
  await define({ key: 'renewal', label: 'Renewal', type: 'DATE' });
  await define({ key: 'vip', label: 'VIP', type: 'BOOLEAN' });
  await define({ key: 'tier', label: 'Tier', type: 'SELECT', options: ['gold', 'silver', 'bronze'] });
  await define({ key: 'channels', label: 'Channels', type: 'MULTI_SELECT', options: ['email', 'phone', 'sms'] });
  await define({ key: 'website', label: 'Website', type: 'URL' });
  await define({ key: 'billing_email', label: 'Billing e-mail', type: 'EMAIL' });
  await define({ key: 'employer', label: 'Employer', type: 'REFERENCE', referenceEntity: 'ACCOUNT' });
  const account = await h.subgraph.services.accounts.create(tenant.tenantId, { userId: tenant.userId, kind: 'user' }, { name: 'Acme' });
  return { tenant, admin, account };
}

describe('custom field definitions', () => {
  it('are defined by tenant admins, listed per tenant and record type, and archived', async () => {
    const { tenant, admin } = await seed();
    const list = `query ($e: CustomFieldEntity!, $a: Boolean!) { customFieldDefinitions(entity: $e, includeArchived: $a) { id key type options } }`;
    const { customFieldDefinitions: defs } = await ok<{ customFieldDefinitions: { id: string; key: string }[] }>(list, { e: 'CONTACT', a: false }, admin);
    expect(defs.map((def) => def.key)).toEqual(['nickname', 'score', 'budget', 'renewal', 'vip', 'tier', 'channels', 'website', 'billing_email', 'employer']);
    expect((await ok<{ customFieldDefinitions: unknown[] }>(list, { e: 'LEAD', a: false }, admin)).customFieldDefinitions).toEqual([]);

    const other = h.newTenant();
    expect((await ok<{ customFieldDefinitions: unknown[] }>(list, { e: 'CONTACT', a: false }, other.identity)).customFieldDefinitions).toEqual([]);

    const refused = await h.request(DEFINE, { input: { entity: 'CONTACT', key: 'x', label: 'X', type: 'TEXT' } }, rep(tenant));
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    const tier = defs.find((def) => def.key === 'tier')!;
    const update = `mutation ($id: ID!, $input: UpdateCustomFieldDefinitionInput!) { updateCustomFieldDefinition(id: $id, input: $input) { label options required } }`;
    const updated = await ok<{ updateCustomFieldDefinition: unknown }>(update, { id: tier.id, input: { label: 'Level', options: ['gold', 'silver', 'bronze', 'platinum'] } }, admin);
    expect(updated.updateCustomFieldDefinition).toEqual({ label: 'Level', options: ['gold', 'silver', 'bronze', 'platinum'], required: false });
    const removing = await h.request(update, { id: tier.id, input: { options: ['gold'] } }, admin);
    expect(removing.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.options' });

    const archive = `mutation ($id: ID!) { archiveCustomFieldDefinition(id: $id) { archivedAt } }`;
    expect((await ok<{ archiveCustomFieldDefinition: { archivedAt: string | null } }>(archive, { id: tier.id }, admin)).archiveCustomFieldDefinition.archivedAt).not.toBeNull();
    const live = await ok<{ customFieldDefinitions: { key: string }[] }>(list, { e: 'CONTACT', a: false }, admin);
    expect(live.customFieldDefinitions.map((def) => def.key)).not.toContain('tier');
    const all = await ok<{ customFieldDefinitions: { key: string }[] }>(list, { e: 'CONTACT', a: true }, admin);
    expect(all.customFieldDefinitions.map((def) => def.key)).toContain('tier');
    const reused = await h.request(DEFINE, { input: { entity: 'CONTACT', key: 'tier', label: 'Tier', type: 'TEXT' } }, admin);
    expect(reused.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', field: 'key' });
    const missing = await h.request(archive, { id: randomUUID() }, admin);
    expect(missing.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('reject bad keys, shapes and more than 100 live fields per record type', async () => {
    const tenant = h.newTenant();
    const bad = async (input: Record<string, unknown>, field: string) => {
      const result = await h.request(DEFINE, { input: { entity: 'LEAD', label: 'L', type: 'TEXT', key: 'k', ...input } }, tenant.identity);
      expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    };
    await bad({ key: 'Bad-Key' }, 'key');
    await bad({ key: 'a'.repeat(41) }, 'key');
    await bad({ type: 'SELECT' }, 'options');
    await bad({ type: 'TEXT', options: ['a'] }, 'options');
    await bad({ type: 'REFERENCE' }, 'referenceEntity');
    for (let i = 0; i < 100; i++) await h.subgraph.services.customFields.create(tenant.tenantId, { userId: tenant.userId, kind: 'user' }, { entity: 'LEAD', key: `f${i}`, label: `F${i}`, type: 'TEXT' });
    await bad({ key: 'one_more' }, 'entity');
  });
});

describe('custom field values', () => {
  it('are written with a contact and shown as typed values', async () => {
    const { admin, account } = await seed();
    const { createContact } = await ok<{ createContact: { id: string; customFields: Record<string, unknown>[] } }>(
      CREATE_CONTACT,
      {
        input: {
          firstName: 'Ada',
          lastName: 'Lovelace',
          customFields: [
            { key: 'nickname', text: 'Countess' },
            { key: 'score', number: 42.5 },
            { key: 'budget', currency: { amountMinor: '199900', currency: 'eur' } },
            { key: 'renewal', date: '2027-01-31' },
            { key: 'vip', boolean: true },
            { key: 'tier', option: 'gold' },
            { key: 'channels', options: ['sms', 'email', 'sms'] },
            { key: 'website', url: 'https://ada.example/about' },
            { key: 'billing_email', email: 'Billing@Ada.Example' },
            { key: 'employer', reference: account.id },
          ],
        },
      },
      admin,
    );
    expect(createContact.customFields).toEqual([
      { __typename: 'TextValue', key: 'nickname', text: 'Countess' },
      { __typename: 'NumberValue', key: 'score', number: 42.5 },
      { __typename: 'CurrencyValue', key: 'budget', amountMinor: '199900', currency: 'EUR' },
      { __typename: 'DateValue', key: 'renewal', date: '2027-01-31' },
      { __typename: 'BooleanValue', key: 'vip', boolean: true },
      { __typename: 'SelectValue', key: 'tier', option: 'gold' },
      { __typename: 'MultiSelectValue', key: 'channels', options: ['sms', 'email'] },
      { __typename: 'UrlValue', key: 'website', url: 'https://ada.example/about' },
      { __typename: 'EmailValue', key: 'billing_email', email: 'billing@ada.example' },
      { __typename: 'ReferenceValue', key: 'employer', entity: 'ACCOUNT', id: account.id },
    ]);
    const one = await ok<{ contact: { customField: unknown; none: unknown } }>(
      `query ($id: ID!) { contact(id: $id) { customField(key: "score") { ... on NumberValue { number } } none: customField(key: "nope") { key } } }`,
      { id: createContact.id },
      admin,
    );
    expect(one.contact).toEqual({ customField: { number: 42.5 }, none: null });

    const upsert = `mutation ($inputs: [UpsertContactInput!]!) { upsertContacts(inputs: $inputs) { outcome error { code field } contact { ${VALUES} } } }`;
    const { upsertContacts } = await ok<{ upsertContacts: { outcome: string; contact: { customFields: { key: string }[] } }[] }>(
      upsert,
      { inputs: [{ id: createContact.id, customFields: [{ key: 'score', number: 7 }, { key: 'nickname', clear: true }] }] },
      admin,
    );
    expect(upsertContacts[0]!.outcome).toBe('UPDATED');
    expect(upsertContacts[0]!.contact.customFields).toContainEqual({ __typename: 'NumberValue', key: 'score', number: 7 });
    expect(upsertContacts[0]!.contact.customFields.map((value) => value.key)).not.toContain('nickname');
  });

  it('reject unknown keys, wrong types and invalid values naming customFields.<key>', async () => {
    const { admin } = await seed();
    const bad = async (customFields: Record<string, unknown>[], field: string, message?: RegExp) => {
      const result = await h.request(CREATE_CONTACT, { input: { firstName: 'A', lastName: 'B', customFields } }, admin);
      expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
      if (message) expect(result.errors?.[0]?.message).toMatch(message);
      expect(JSON.stringify(result.errors)).not.toMatch(/stack|prisma|SELECT/i);
    };
    await bad([{ key: 'shoe_size', number: 42 }], 'customFields.shoe_size', /shoe_size/);
    await bad([{ key: 'score', text: '42' }], 'customFields.score');
    await bad([{ key: 'score', number: 1, text: 'x' }], 'customFields.score');
    await bad([{ key: 'billing_email', email: 'not-an-email' }], 'customFields.billing_email');
    await bad([{ key: 'website', url: 'javascript:alert(1)' }], 'customFields.website');
    await bad([{ key: 'tier', option: 'diamond' }], 'customFields.tier', /diamond/);
    await bad([{ key: 'channels', options: ['fax'] }], 'customFields.channels');
    await bad([{ key: 'renewal', date: '2027-02-30' }], 'customFields.renewal');
    await bad([{ key: 'budget', currency: { amountMinor: '12.5', currency: 'USD' } }], 'customFields.budget');
    await bad([{ key: 'employer', reference: randomUUID() }], 'customFields.employer');
  });

  it('enforce required fields on create, and check references against live records of the tenant', async () => {
    const tenant = h.newTenant();
    const admin = tenant.identity;
    await ok(DEFINE, { input: { entity: 'LEAD', key: 'region', label: 'Region', type: 'TEXT', required: true } }, admin);
    await ok(DEFINE, { input: { entity: 'LEAD', key: 'contact', label: 'Contact', type: 'REFERENCE', referenceEntity: 'CONTACT' } }, admin);
    const createLead = `mutation ($input: CreateLeadInput!) { createLead(input: $input) { id ${VALUES} } }`;
    const missing = await h.request(createLead, { input: { name: 'L' } }, admin);
    expect(missing.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'customFields.region' });

    const other = h.newTenant();
    const foreign = await h.subgraph.services.contacts.create(other.tenantId, { userId: other.userId, kind: 'user' }, { firstName: 'X', lastName: 'Y' });
    const crossTenant = await h.request(createLead, { input: { name: 'L', customFields: [{ key: 'region', text: 'EU' }, { key: 'contact', reference: foreign.id }] } }, admin);
    expect(crossTenant.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'customFields.contact' });

    const own = await h.subgraph.services.contacts.create(tenant.tenantId, { userId: tenant.userId, kind: 'user' }, { firstName: 'A', lastName: 'B' });
    const created = await ok<{ createLead: { customFields: unknown[] } }>(
      createLead,
      { input: { name: 'L', customFields: [{ key: 'region', text: 'EU' }, { key: 'contact', reference: own.id }] } },
      rep(tenant),
    );
    expect(created.createLead.customFields).toEqual([
      { __typename: 'TextValue', key: 'region', text: 'EU' },
      { __typename: 'ReferenceValue', key: 'contact', entity: 'CONTACT', id: own.id },
    ]);
  });
});

describe('custom fields of accounts and leads', () => {
  it('are written by upserts (errors per item name inputs.<n>.customFields.<key>) and filter and sort lists', async () => {
    const tenant = h.newTenant();
    const admin = tenant.identity;
    await ok(DEFINE, { input: { entity: 'ACCOUNT', key: 'arr', label: 'ARR', type: 'CURRENCY' } }, admin);
    await ok(DEFINE, { input: { entity: 'ACCOUNT', key: 'segment', label: 'Segment', type: 'SELECT', options: ['smb', 'enterprise'] } }, admin);
    const upsert = `mutation ($inputs: [UpsertAccountInput!]!) { upsertAccounts(inputs: $inputs) { outcome error { code field } account { id name } } }`;
    const { upsertAccounts } = await ok<{ upsertAccounts: { outcome: string; error: { code: string; field: string } | null; account: { id: string } | null }[] }>(
      upsert,
      {
        inputs: [
          { name: 'Small', domain: 'small.example', customFields: [{ key: 'arr', currency: { amountMinor: '120000', currency: 'USD' } }, { key: 'segment', option: 'smb' }] },
          { name: 'Big', domain: 'big.example', customFields: [{ key: 'arr', currency: { amountMinor: '99000000', currency: 'USD' } }, { key: 'segment', option: 'enterprise' }] },
          { name: 'Broken', customFields: [{ key: 'segment', option: 'huge' }] },
        ],
      },
      rep(tenant),
    );
    expect(upsertAccounts.map((result) => result.outcome)).toEqual(['CREATED', 'CREATED', 'FAILED']);
    expect(upsertAccounts[2]!.error).toEqual({ code: 'BAD_USER_INPUT', field: 'inputs.2.customFields.segment' });

    const updated = await ok<{ upsertAccounts: { outcome: string }[] }>(upsert, { inputs: [{ domain: 'small.example', customFields: [{ key: 'arr', currency: { amountMinor: '150000000', currency: 'USD' } }] }] }, rep(tenant));
    expect(updated.upsertAccounts[0]!.outcome).toBe('UPDATED');

    const accounts = `query ($filter: AccountFilter, $orderBy: [AccountOrder!]) { accountsConnection(filter: $filter, orderBy: $orderBy) { edges { node { name } } } }`;
    const names = async (variables: Record<string, unknown>) =>
      (await ok<{ accountsConnection: { edges: { node: { name: string } }[] } }>(accounts, variables, rep(tenant))).accountsConnection.edges.map((edge) => edge.node.name);
    expect(await names({ orderBy: [{ customField: 'arr', direction: 'DESC' }] })).toEqual(['Small', 'Big']);
    expect(await names({ filter: { customField: { key: 'segment', eq: 'enterprise' } } })).toEqual(['Big']);

    await ok(DEFINE, { input: { entity: 'LEAD', key: 'budget', label: 'Budget', type: 'NUMBER' } }, admin);
    const createLead = `mutation ($input: CreateLeadInput!) { createLead(input: $input) { id } }`;
    for (const [name, budget] of [['L1', 5], ['L2', 500], ['L3', 50]] as const) await ok(createLead, { input: { name, customFields: [{ key: 'budget', number: budget }] } }, rep(tenant));
    const leads = await ok<{ leadsConnection: { edges: { node: { name: string } }[] } }>(
      `{ leadsConnection(filter: { customField: { key: "budget", gt: 10 } }, orderBy: [{ customField: "budget" }]) { edges { node { name } } } }`,
      {},
      rep(tenant),
    );
    expect(leads.leadsConnection.edges.map((edge) => edge.node.name)).toEqual(['L3', 'L2']);
  });
});

describe('filtering and sorting by custom fields', () => {
  async function seedContacts() {
    const { tenant, admin } = await seed();
    const write = rep(tenant);
    const people: [string, Record<string, unknown>[]][] = [
      ['Alpha', [{ key: 'score', number: 10 }, { key: 'renewal', date: '2027-03-01' }, { key: 'tier', option: 'gold' }, { key: 'nickname', text: 'Al' }, { key: 'channels', options: ['email', 'sms'] }, { key: 'budget', currency: { amountMinor: '5000', currency: 'USD' } }]],
      ['Bravo', [{ key: 'score', number: 2.5 }, { key: 'renewal', date: '2026-12-01' }, { key: 'tier', option: 'silver' }, { key: 'nickname', text: 'Bravissimo' }, { key: 'channels', options: ['phone'] }, { key: 'budget', currency: { amountMinor: '100000', currency: 'USD' } }]],
      ['Charlie', [{ key: 'score', number: 30 }, { key: 'tier', option: 'gold' }, { key: 'vip', boolean: true }]],
      ['Delta', []],
    ];
    const ids: Record<string, string> = {};
    for (const [lastName, customFields] of people) {
      const { createContact } = await ok<{ createContact: { id: string } }>(CREATE_CONTACT, { input: { firstName: 'T', lastName, customFields } }, write);
      ids[lastName] = createContact.id;
    }
    const names = async (variables: Record<string, unknown>) =>
      (await ok<{ contactsConnection: { edges: { node: { lastName: string } }[] } }>(CONTACTS, variables, write)).contactsConnection.edges.map((edge) => edge.node.lastName);
    return { tenant, admin, write, ids, names };
  }

  it('compares numbers, currencies, dates, text, selects, booleans and multi-selects', async () => {
    const { names } = await seedContacts();
    const order = [{ field: 'LAST_NAME', direction: 'ASC' }];
    const where = (customField: Record<string, unknown>) => names({ filter: { customField }, orderBy: order });
    expect(await where({ key: 'score', gt: 5 })).toEqual(['Alpha', 'Charlie']);
    expect(await where({ key: 'score', lte: 10, gte: 2.5 })).toEqual(['Alpha', 'Bravo']);
    expect(await where({ key: 'score', in: [30, 2.5] })).toEqual(['Bravo', 'Charlie']);
    expect(await where({ key: 'score', eq: 10 })).toEqual(['Alpha']);
    expect(await where({ key: 'budget', gte: 10000 })).toEqual(['Bravo']);
    expect(await where({ key: 'renewal', lt: '2027-01-01' })).toEqual(['Bravo']);
    expect(await where({ key: 'renewal', isNull: true })).toEqual(['Charlie', 'Delta']);
    expect(await where({ key: 'nickname', contains: 'ISS' })).toEqual(['Bravo']);
    expect(await where({ key: 'nickname', startsWith: 'al' })).toEqual(['Alpha']);
    expect(await where({ key: 'tier', eq: 'gold' })).toEqual(['Alpha', 'Charlie']);
    expect(await where({ key: 'tier', neq: 'gold' })).toEqual(['Bravo', 'Delta']);
    expect(await where({ key: 'vip', eq: true })).toEqual(['Charlie']);
    expect(await where({ key: 'channels', has: 'email' })).toEqual(['Alpha']);
    expect(await where({ key: 'channels', hasSome: ['phone', 'sms'] })).toEqual(['Alpha', 'Bravo']);
    expect(await where({ key: 'channels', isEmpty: true })).toEqual(['Charlie', 'Delta']);
    expect(await names({ filter: { and: [{ customField: { key: 'tier', eq: 'gold' } }, { customField: { key: 'score', lt: 20 } }] }, orderBy: order })).toEqual(['Alpha']);
    expect(await names({ filter: { or: [{ customField: { key: 'vip', eq: true } }, { lastName: { eq: 'Delta' } }] }, orderBy: order })).toEqual(['Charlie', 'Delta']);
  });

  it('sorts by a custom field (empty values last) and pages with cursors', async () => {
    const { names, write } = await seedContacts();
    expect(await names({ orderBy: [{ customField: 'score', direction: 'DESC' }] })).toEqual(['Charlie', 'Alpha', 'Bravo', 'Delta']);
    expect(await names({ orderBy: [{ customField: 'renewal' }, { field: 'LAST_NAME' }] })).toEqual(['Bravo', 'Alpha', 'Charlie', 'Delta']);
    expect(await names({ orderBy: [{ customField: 'tier' }, { field: 'LAST_NAME', direction: 'DESC' }] })).toEqual(['Charlie', 'Alpha', 'Bravo', 'Delta']);

    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const page: { contactsConnection: { edges: { node: { lastName: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null }; totalCount: number } } = await ok(
        CONTACTS,
        { first: 1, after, orderBy: [{ customField: 'score' }], filter: { customField: { key: 'score', isNull: false } } },
        write,
      );
      expect(page.contactsConnection.totalCount).toBe(3);
      seen.push(...page.contactsConnection.edges.map((edge) => edge.node.lastName));
      if (!page.contactsConnection.pageInfo.hasNextPage) break;
      after = page.contactsConnection.pageInfo.endCursor;
    }
    expect(seen).toEqual(['Bravo', 'Alpha', 'Charlie']);

    const groups = await ok<{ contactsGroupBy: { key: string; count: number }[] }>(
      `query ($filter: ContactFilter) { contactsGroupBy(field: LIFECYCLE_STAGE, filter: $filter) { key count } }`,
      { filter: { customField: { key: 'tier', eq: 'gold' } } },
      write,
    );
    expect(groups.contactsGroupBy).toEqual([{ key: 'SUBSCRIBER', count: 2 }]);
  });

  it('rejects unknown keys, operators that do not fit the type, bad values and multi-select sorting', async () => {
    const { write } = await seedContacts();
    const bad = async (variables: Record<string, unknown>, field: string) => {
      const result = await h.request(CONTACTS, variables, write);
      expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    };
    await bad({ filter: { customField: { key: 'nope', eq: 1 } } }, 'filter.customField.key');
    await bad({ filter: { customField: { key: "score'; DROP TABLE \"Contact\"; --", eq: 1 } } }, 'filter.customField.key');
    await bad({ filter: { customField: { key: 'score', contains: 'x' } } }, 'filter.customField.contains');
    await bad({ filter: { customField: { key: 'score', gt: 'ten' } } }, 'filter.customField.gt');
    await bad({ filter: { customField: { key: 'renewal', gt: '2027-13-01' } } }, 'filter.customField.gt');
    await bad({ filter: { customField: { key: 'tier', eq: 'diamond' } } }, 'filter.customField.eq');
    await bad({ orderBy: [{ customField: 'channels' }] }, 'orderBy.0.customField');
    await bad({ orderBy: [{ customField: 'nope' }] }, 'orderBy.0.customField');
    await bad({ orderBy: [{ field: 'LAST_NAME', customField: 'score' }] }, 'orderBy.0');
  });
});
