/**
 * The customer list API through the gateway on real PostgreSQL, Redis and Kafka: Relay pages with
 * filters on related records and cross-subgraph fields, batched SQL, group counts, batch upserts
 * with per-item results, the trash with admin-only purge, tenancy and bad input.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stack } from '@crm/stack';
import { createTenantWithUsers, gql, gqlOk, startRealStack } from '@crm/testkit';

let stack: Stack;
let acme: Awaited<ReturnType<typeof seedCustomers>>;
let globex: Awaited<ReturnType<typeof seedCustomers>>;

/** A tenant with an admin, a rep, two accounts and 120 contacts (the first 30 at the software account). */
async function seedCustomers(label: string) {
  const slug = `${label}-${randomUUID().slice(0, 8)}`;
  const password = `pw-${randomUUID()}`;
  const tenant = await createTenantWithUsers(stack, { name: `${label} Inc`, slug }, [
    { email: `admin@${slug}.test`, name: `${label} Admin`, role: 'TENANT_ADMIN', password },
    { email: `rep@${slug}.test`, name: `${label} Rep`, role: 'SALES_REP', password },
  ]);
  const [admin, rep] = tenant.users as [(typeof tenant.users)[0], (typeof tenant.users)[0]];
  const services = stack.subgraphs.customer.subgraph.services;
  const actor = { userId: admin.id, kind: 'user' as const };
  const [software, retail] = await services.accounts.createMany(tenant.tenantId, actor, [
    { name: `${label} Soft`, domain: `soft-${slug}.example`, industry: 'Software' },
    { name: `${label} Shop`, domain: `shop-${slug}.example`, industry: 'Retail' },
  ]);
  const contacts = [];
  for (let i = 0; i < 120; i++) {
    contacts.push(
      await services.contacts.create(tenant.tenantId, actor, {
        firstName: `Person${String(i).padStart(3, '0')}`,
        lastName: label,
        email: `p${i}@${slug}.example`,
        lifecycleStage: i % 4 === 0 ? 'CUSTOMER' : 'LEAD',
        ownerId: (i % 2 ? rep : admin).id,
        accountIds: [(i < 30 ? software : retail)!.id],
      }),
    );
  }
  return { ...tenant, admin, rep, software: software!, retail: retail!, contacts };
}

beforeAll(async () => {
  stack = await startRealStack();
  [acme, globex] = [await seedCustomers('acme'), await seedCustomers('globex')];
});
afterAll(async () => {
  await stack?.stop();
});

const PAGE = /* GraphQL */ `
  query ContactsPage($first: Int, $after: String, $filter: ContactFilter, $orderBy: [ContactOrder!]) {
    contactsConnection(first: $first, after: $after, filter: $filter, orderBy: $orderBy) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { cursor node { id firstName lifecycleStage accounts { name industry } owner { name } } }
    }
  }
`;

interface PageNode {
  id: string;
  firstName: string;
  lifecycleStage: string;
  accounts: { name: string; industry: string | null }[];
  owner: { name: string } | null;
}
interface PageData {
  contactsConnection: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null }; edges: { cursor: string; node: PageNode }[] };
}

describe('contactsConnection through the gateway', () => {
  it("pages through contacts filtered by their account's industry, with owners from the platform", async () => {
    const variables = { first: 20, filter: { account: { industry: { eq: 'Software' } } }, orderBy: [{ field: 'FIRST_NAME', direction: 'DESC' }] };
    // the admin reads every contact (a rep would see only the half they own)
    const first = await gqlOk<PageData>(stack.gatewayUrl, PAGE, variables, { token: acme.admin.token });
    expect(first.contactsConnection.totalCount).toBe(30);
    expect(first.contactsConnection.pageInfo.hasNextPage).toBe(true);
    expect(first.contactsConnection.edges[0]!.node).toMatchObject({ firstName: 'Person029', accounts: [{ name: 'acme Soft', industry: 'Software' }], owner: { name: 'acme Rep' } });
    const second = await gqlOk<PageData>(stack.gatewayUrl, PAGE, { ...variables, after: first.contactsConnection.pageInfo.endCursor }, { token: acme.admin.token });
    expect(second.contactsConnection.pageInfo.hasNextPage).toBe(false);
    const names = [...first.contactsConnection.edges, ...second.contactsConnection.edges].map((edge) => edge.node.firstName);
    expect(names).toEqual(Array.from({ length: 30 }, (_, i) => `Person${String(29 - i).padStart(3, '0')}`));
  });

  it('costs one SQL query per entity type per subgraph for a page of 100 with accounts and owners', async () => {
    const requestQueries = (domain: 'customer' | 'platform') =>
      stack.subgraphs[domain].database.statements.queries.filter((sql) => !/"OutboxEvent"|pg_try_advisory|"ProcessedEvent"/i.test(sql));
    // the gateway looks the caller's team up once a minute, not per page: done before counting
    await gqlOk(stack.gatewayUrl, '{ __typename }', {}, { token: acme.admin.token });
    for (const domain of ['customer', 'platform'] as const) stack.subgraphs[domain].database.statements.reset();
    const query = PAGE.replace('totalCount', '');
    const data = await gqlOk<PageData>(stack.gatewayUrl, query, { first: 100 }, { token: acme.admin.token });
    expect(data.contactsConnection.edges).toHaveLength(100);
    expect(data.contactsConnection.edges.every((edge) => edge.node.accounts.length === 1 && edge.node.owner)).toBe(true);
    const customer = requestQueries('customer');
    expect(customer.filter((sql) => /FROM "public"."Contact"/.test(sql))).toHaveLength(1);
    expect(customer.filter((sql) => /FROM "public"."AccountContact"/.test(sql))).toHaveLength(1);
    expect(customer.filter((sql) => /FROM "public"."Account"(?!Contact)/.test(sql)).length).toBeLessThanOrEqual(1);
    expect(requestQueries('platform').filter((sql) => /"User"/.test(sql))).toHaveLength(1);
  });

  it('groups contacts by lifecycle stage', async () => {
    const data = await gqlOk<{ contactsGroupBy: unknown }>(stack.gatewayUrl, '{ contactsGroupBy(field: LIFECYCLE_STAGE) { key count } }', {}, { token: acme.admin.token });
    expect(data.contactsGroupBy).toEqual([
      { key: 'LEAD', count: 90 },
      { key: 'CUSTOMER', count: 30 },
    ]);
  });

  it('rejects an oversized page and a bad filter with BAD_USER_INPUT, never a 5xx', async () => {
    const tooBig = await gql(stack.gatewayUrl, PAGE, { first: 101 }, { token: acme.rep.token });
    expect(tooBig.status).toBeLessThan(500);
    expect(tooBig.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
    const unknownField = await gql(stack.gatewayUrl, PAGE, { filter: { shoeSize: { eq: 1 } } }, { token: acme.rep.token });
    expect(unknownField.status).toBeLessThan(500);
    expect(unknownField.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(unknownField.errors?.[0]?.message).toContain('shoeSize');
  });

  it("shows no contact of another tenant, even through a related-record filter", async () => {
    const data = await gqlOk<PageData>(stack.gatewayUrl, PAGE, { first: 100, filter: { account: { id: { eq: acme.software.id } } } }, { token: globex.admin.token });
    expect(data.contactsConnection).toMatchObject({ totalCount: 0, edges: [] });
  });
});

describe('batch writes and the trash through the gateway', () => {
  it('upserts contacts with per-item results', async () => {
    const email = acme.contacts[5]!.email!;
    const data = await gqlOk<{ upsertContacts: { index: number; outcome: string; contact: { id: string; lifecycleStage: string } | null; error: { code: string; field: string | null } | null }[] }>(
      stack.gatewayUrl,
      `mutation ($inputs: [UpsertContactInput!]!) {
        upsertContacts(inputs: $inputs) { index outcome contact { id lifecycleStage } error { code field } }
      }`,
      { inputs: [{ email, lifecycleStage: 'OPPORTUNITY' }, { firstName: 'New', lastName: 'Person', email: `new-${randomUUID()}@example.com` }, { firstName: 'Bad', lastName: 'Mail', email: 'nope' }] },
      { token: acme.rep.token },
    );
    expect(data.upsertContacts[0]).toMatchObject({ outcome: 'UPDATED', contact: { id: acme.contacts[5]!.id, lifecycleStage: 'OPPORTUNITY' } });
    expect(data.upsertContacts[1]).toMatchObject({ outcome: 'CREATED', error: null });
    expect(data.upsertContacts[2]).toMatchObject({ outcome: 'FAILED', contact: null, error: { code: 'BAD_USER_INPUT', field: 'inputs.2.email' } });
  });

  it('gives records only owners of the tenant: another tenant’s user is BAD_USER_INPUT, per item in a batch', async () => {
    const name = `Owned ${randomUUID().slice(0, 8)}`;
    const create = (ownerId: string) =>
      gql<{ createAccount: { owner: { name: string } | null } }>(stack.gatewayUrl, 'mutation($input: CreateAccountInput!) { createAccount(input: $input) { owner { name } } }', { input: { name, ownerId } }, { token: acme.admin.token });
    const refused = await create(globex.rep.id);
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'ownerId' });
    expect((await create(acme.rep.id)).data?.createAccount.owner).toEqual({ name: 'acme Rep' });

    const batch = await gqlOk<{ upsertContacts: { outcome: string; contact: { owner: { name: string } | null } | null; error: { code: string; field: string } | null }[] }>(
      stack.gatewayUrl,
      'mutation($inputs: [UpsertContactInput!]!) { upsertContacts(inputs: $inputs) { outcome contact { owner { name } } error { code field } } }',
      { inputs: [{ firstName: 'Foreign', lastName: 'Owner', ownerId: globex.admin.id }, { firstName: 'Own', lastName: 'Owner', ownerId: acme.rep.id }] },
      { token: acme.admin.token },
    );
    expect(batch.upsertContacts).toEqual([
      { outcome: 'FAILED', contact: null, error: { code: 'BAD_USER_INPUT', field: 'inputs.0.ownerId' } },
      { outcome: 'CREATED', contact: { owner: { name: 'acme Rep' } }, error: null },
    ]);
    const accounts = await gqlOk<{ accountsConnection: { totalCount: number } }>(stack.gatewayUrl, 'query($f: AccountFilter) { accountsConnection(first: 1, filter: $f) { totalCount } }', { f: { name: { eq: name } } }, { token: acme.admin.token });
    expect(accounts.accountsConnection.totalCount).toBe(1);
  });

  it('upserts leads by id or e-mail with per-item results, a rep owning what they create', async () => {
    const email = `lead-${randomUUID().slice(0, 8)}@example.com`;
    const { createLead } = await gqlOk<{ createLead: { id: string } }>(
      stack.gatewayUrl,
      'mutation ($input: CreateLeadInput!) { createLead(input: $input) { id } }',
      { input: { name: 'Existing lead', email } },
      { token: acme.admin.token },
    );
    const data = await gqlOk<{ upsertLeads: { index: number; outcome: string; lead: { id: string; name: string; status: string; owner: { name: string } | null } | null; error: { code: string; field: string | null } | null }[] }>(
      stack.gatewayUrl,
      `mutation ($inputs: [UpsertLeadInput!]!) {
        upsertLeads(inputs: $inputs) { index outcome lead { id name status owner { name } } error { code field } }
      }`,
      {
        inputs: [
          { email: email.toUpperCase(), company: 'Matched by e-mail', status: 'CONTACTED' },
          { name: 'Brand new lead', email: `new-${email}`, status: 'QUALIFIED' },
          { id: createLead.id, status: 'CONVERTED' },
          { email: `nameless-${email}` },
          { name: 'Bad e-mail', email: 'not-an-email' },
        ],
      },
      { token: acme.rep.token },
    );
    const [matched, created, converted, nameless, invalid] = data.upsertLeads;
    // The rep may not change the admin's lead: the match is refused for that item only.
    expect(matched).toMatchObject({ outcome: 'FAILED', error: { code: 'FORBIDDEN' } });
    expect(created).toMatchObject({ outcome: 'CREATED', lead: { name: 'Brand new lead', status: 'QUALIFIED', owner: { name: 'acme Rep' } }, error: null });
    expect(converted).toMatchObject({ outcome: 'FAILED', lead: null, error: { code: 'FORBIDDEN' } });
    expect(nameless).toMatchObject({ outcome: 'FAILED', error: { code: 'BAD_USER_INPUT', field: 'inputs.3.name' } });
    expect(invalid).toMatchObject({ outcome: 'FAILED', error: { code: 'BAD_USER_INPUT', field: 'inputs.4.email' } });

    const admin = await gqlOk<{ upsertLeads: { outcome: string; lead: { id: string; company: string | null; status: string } | null; error: { code: string; field: string | null } | null }[] }>(
      stack.gatewayUrl,
      'mutation ($inputs: [UpsertLeadInput!]!) { upsertLeads(inputs: $inputs) { outcome lead { id company status } error { code field } } }',
      { inputs: [{ email: email.toUpperCase(), company: 'Matched by e-mail', status: 'CONTACTED' }, { id: createLead.id, status: 'CONVERTED' }] },
      { token: acme.admin.token },
    );
    expect(admin.upsertLeads[0]).toMatchObject({ outcome: 'UPDATED', lead: { id: createLead.id, company: 'Matched by e-mail', status: 'CONTACTED' } });
    expect(admin.upsertLeads[1]).toMatchObject({ outcome: 'FAILED', error: { code: 'BAD_USER_INPUT', field: 'inputs.1.status' } });
  });

  it('moves accounts to the trash and back; only a tenant admin purges', async () => {
    const temp = await gqlOk<{ createAccount: { id: string } }>(
      stack.gatewayUrl,
      'mutation { createAccount(input: { name: "Temp Co" }) { id } }',
      {},
      { token: globex.rep.token },
    );
    const id = temp.createAccount.id;
    const ids = { ids: [id] };
    const deleted = await gqlOk<{ deleteAccounts: { deletedAt: string | null }[] }>(stack.gatewayUrl, 'mutation ($ids: [ID!]!) { deleteAccounts(ids: $ids) { deletedAt } }', ids, { token: globex.rep.token });
    expect(deleted.deleteAccounts[0]!.deletedAt).not.toBeNull();
    const trash = await gqlOk<{ accountsConnection: { nodes: { id: string }[] } }>(stack.gatewayUrl, '{ accountsConnection(state: DELETED) { nodes { id } } }', {}, { token: globex.rep.token });
    expect(trash.accountsConnection.nodes).toEqual([{ id }]);
    await gqlOk(stack.gatewayUrl, 'mutation ($ids: [ID!]!) { restoreAccounts(ids: $ids) { id } }', ids, { token: globex.rep.token });
    // back among the tenant's live accounts (the admin sees all three; the rep owns only this one)
    const live = await gqlOk<{ accountsConnection: { totalCount: number } }>(stack.gatewayUrl, '{ accountsConnection { totalCount } }', {}, { token: globex.admin.token });
    expect(live.accountsConnection.totalCount).toBe(3);
    const own = await gqlOk<{ accountsConnection: { nodes: { id: string }[] } }>(stack.gatewayUrl, '{ accountsConnection { nodes { id } } }', {}, { token: globex.rep.token });
    expect(own.accountsConnection.nodes).toEqual([{ id }]);

    const refused = await gql(stack.gatewayUrl, 'mutation ($ids: [ID!]!) { purgeAccounts(ids: $ids) }', ids, { token: globex.rep.token });
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const stranger = await gql(stack.gatewayUrl, 'mutation ($ids: [ID!]!) { purgeAccounts(ids: $ids) }', ids, { token: acme.admin.token });
    expect(stranger.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const purged = await gqlOk<{ purgeAccounts: string[] }>(stack.gatewayUrl, 'mutation ($ids: [ID!]!) { purgeAccounts(ids: $ids) }', ids, { token: globex.admin.token });
    expect(purged.purgeAccounts).toEqual([id]);
    const gone = await gqlOk<{ account: null }>(stack.gatewayUrl, 'query ($id: ID!) { account(id: $id) { id } }', { id }, { token: globex.admin.token });
    expect(gone.account).toBeNull();
  });
});

describe('record details and duplicates through the gateway', () => {
  it('creates a contact with e-mail lists, relates it, and finds its duplicates', async () => {
    const token = acme.admin.token;
    const created = await gqlOk<{ createContact: { id: string; email: string; emails: { address: string; isPrimary: boolean }[] } }>(
      stack.gatewayUrl,
      `mutation ($input: CreateContactInput!) { createContact(input: $input) { id email emails { address isPrimary } } }`,
      { input: { firstName: 'Person005', lastName: 'acme', emails: [{ address: 'second@acme-dup.example' }, { address: acme.contacts[5]!.email!, isPrimary: true }] } },
      { token },
    );
    expect(created.createContact.email).toBe(acme.contacts[5]!.email);
    const rejected = await gql(
      stack.gatewayUrl,
      'mutation ($input: CreateContactInput!) { createContact(input: $input, onDuplicate: REJECT) { id } }',
      { input: { firstName: 'Again', lastName: 'Again', email: acme.contacts[5]!.email } },
      { token },
    );
    expect(rejected.status).toBeLessThan(500);
    expect(rejected.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', field: 'email' });

    const related = await gqlOk<{ relateContacts: { relationships: { kind: string; contact: { id: string } }[] } }>(
      stack.gatewayUrl,
      'mutation ($from: ID!, $to: ID!) { relateContacts(fromId: $from, kind: REFERRED_BY, toId: $to) { relationships { kind contact { id } } } }',
      { from: created.createContact.id, to: acme.contacts[0]!.id },
      { token },
    );
    expect(related.relateContacts.relationships).toEqual([{ kind: 'REFERRED_BY', contact: { id: acme.contacts[0]!.id } }]);

    const duplicates = await gqlOk<{ contactDuplicates: { contact: { id: string; owner: { name: string } | null }; score: number; reasons: string[] }[] }>(
      stack.gatewayUrl,
      'query ($id: ID!) { contactDuplicates(contactId: $id, first: 3) { contact { id owner { name } } score reasons } }',
      { id: created.createContact.id },
      { token },
    );
    expect(duplicates.contactDuplicates[0]).toMatchObject({ contact: { id: acme.contacts[5]!.id, owner: { name: 'acme Rep' } }, score: 1 });
    expect(duplicates.contactDuplicates[0]!.reasons).toEqual(expect.arrayContaining(['SAME_EMAIL', 'SIMILAR_NAME']));
  });

  it('merges a duplicate into a survivor and undoes it', async () => {
    const token = globex.admin.token;
    const [survivor, duplicate] = [globex.contacts[0]!, globex.contacts[1]!];
    const merged = await gqlOk<{ mergeContacts: { mergeId: string; survivor: { emails: { address: string }[]; owner: { name: string } } } }>(
      stack.gatewayUrl,
      `mutation ($input: MergeContactsInput!) { mergeContacts(input: $input) { mergeId survivor { emails { address } owner { name } } } }`,
      { input: { survivorId: survivor.id, mergedIds: [duplicate.id], keep: [{ field: 'OWNER', fromId: duplicate.id }] } },
      { token },
    );
    expect(merged.mergeContacts.survivor.emails.map((e) => e.address)).toEqual([survivor.email, duplicate.email]);
    expect(merged.mergeContacts.survivor.owner).toEqual({ name: 'globex Rep' });
    const count = async () =>
      (await gqlOk<{ contactsConnection: { totalCount: number } }>(stack.gatewayUrl, '{ contactsConnection { totalCount } }', {}, { token })).contactsConnection.totalCount;
    expect(await count()).toBe(119);
    const undone = await gqlOk<{ undoContactMerge: { owner: { name: string } } }>(
      stack.gatewayUrl,
      'mutation ($id: ID!) { undoContactMerge(mergeId: $id) { owner { name } } }',
      { id: merged.mergeContacts.mergeId },
      { token },
    );
    expect(undone.undoContactMerge.owner).toEqual({ name: 'globex Admin' });
    expect(await count()).toBe(120);
  });

  it('merges accounts and undoes it', async () => {
    const token = globex.admin.token;
    const merged = await gqlOk<{ mergeAccounts: { mergeId: string; survivor: { contacts: unknown[] } } }>(
      stack.gatewayUrl,
      'mutation ($input: MergeAccountsInput!) { mergeAccounts(input: $input) { mergeId survivor { contacts { id } } } }',
      { input: { survivorId: globex.software.id, mergedIds: [globex.retail.id] } },
      { token },
    );
    expect(merged.mergeAccounts.survivor.contacts).toHaveLength(120);
    await gqlOk(stack.gatewayUrl, 'mutation ($id: ID!) { undoAccountMerge(mergeId: $id) { id } }', { id: merged.mergeAccounts.mergeId }, { token });
    const after = await gqlOk<{ accountsConnection: { nodes: { name: string; contacts: unknown[] }[] } }>(
      stack.gatewayUrl,
      '{ accountsConnection(filter: { industry: { in: ["Software", "Retail"] } }, orderBy: [{ field: NAME }]) { nodes { name contacts { id } } } }',
      {},
      { token },
    );
    expect(after.accountsConnection.nodes.map((a) => [a.name, a.contacts.length])).toEqual([
      ['globex Shop', 90],
      ['globex Soft', 30],
    ]);
  });
});
