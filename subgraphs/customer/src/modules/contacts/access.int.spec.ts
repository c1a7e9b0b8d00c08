/**
 * Roles and scopes on customer records, on real PostgreSQL through the subgraph's GraphQL: a rep
 * reads and changes their own records, a manager their team's, a tenant admin all of them
 * (unowned ones included); records outside the scope are missing from lists, counts and groups,
 * resolve to null by id and through `_entities`, and refuse changes with FORBIDDEN.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Identity } from '@crm/runtime';
import { startCustomerHarness, type CustomerHarness } from '../../testing/harness.ts';

let h: CustomerHarness;
beforeAll(async () => {
  h = await startCustomerHarness();
});
afterAll(async () => {
  await h?.close();
});

function team() {
  const { tenantId, identity: admin } = h.newTenant();
  const [manager, rep, mate, stranger] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
  const members = [manager, rep, mate];
  const as = (userId: string, role: string, teamMemberIds: string[] = []): Identity => ({
    tenantId,
    userId,
    roles: [role],
    requestId: randomUUID(),
    teamId: teamMemberIds.length ? 'team-a' : null,
    teamMemberIds,
  });
  return {
    admin,
    ids: { manager, rep, mate, stranger },
    manager: as(manager, 'SALES_MANAGER', members),
    rep: as(rep, 'SALES_REP', members),
    mate: as(mate, 'SALES_REP', members),
    stranger: as(stranger, 'SALES_REP'),
  };
}

const CREATE = 'mutation($input: CreateContactInput!) { createContact(input: $input) { id owner { id } } }';
const LIST = `query {
  contactsConnection(first: 50) { totalCount nodes { lastName } }
  contacts(first: 50) { lastName }
  contactsGroupBy(field: OWNER) { key count }
}`;
type Seen = { contactsConnection: { totalCount: number; nodes: { lastName: string }[] }; contacts: { lastName: string }[]; contactsGroupBy: { key: string | null; count: number }[] };

async function create(identity: Identity, lastName: string, ownerId?: string | null) {
  const result = await h.request<{ createContact: { id: string; owner: { id: string } | null } }>(CREATE, { input: { firstName: 'C', lastName, ...(ownerId !== undefined ? { ownerId } : {}) } }, identity);
  expect(result.errors).toBeUndefined();
  return result.data!.createContact;
}

async function seed() {
  const t = team();
  const records = {
    rep: await create(t.rep, 'OfRep'),
    mate: await create(t.mate, 'OfMate'),
    stranger: await create(t.stranger, 'OfStranger'),
    unowned: await create(t.admin, 'Unowned'),
  };
  return { ...t, records };
}

const names = (seen: Seen) => seen.contactsConnection.nodes.map((c) => c.lastName).sort();

describe('reading contacts by scope', () => {
  it('gives a rep their own, a manager the team’s, an admin every contact', async () => {
    const t = await seed();
    expect(t.records.rep.owner?.id).toBe(t.ids.rep);
    expect(t.records.unowned.owner).toBeNull();

    const rep = (await h.request<Seen>(LIST, {}, t.rep)).data!;
    expect(names(rep)).toEqual(['OfRep']);
    expect(rep.contactsConnection.totalCount).toBe(1);
    expect(rep.contacts.map((c) => c.lastName)).toEqual(['OfRep']);
    expect(rep.contactsGroupBy).toEqual([{ key: t.ids.rep, count: 1 }]);

    const manager = (await h.request<Seen>(LIST, {}, t.manager)).data!;
    expect(names(manager)).toEqual(['OfMate', 'OfRep']);
    expect(manager.contactsConnection.totalCount).toBe(2);

    const admin = (await h.request<Seen>(LIST, {}, t.admin)).data!;
    expect(names(admin)).toEqual(['OfMate', 'OfRep', 'OfStranger', 'Unowned']);
    expect(admin.contactsConnection.totalCount).toBe(4);
  });

  it('keeps the scope when the ordering reaches into custom fields (SQL path)', async () => {
    const t = await seed();
    const field = await h.request('mutation { createCustomFieldDefinition(input: { entity: CONTACT, key: "tier", label: "Tier", type: TEXT }) { id } }', {}, t.admin);
    expect(field.errors).toBeUndefined();
    const result = await h.request<{ contactsConnection: { totalCount: number; nodes: { lastName: string }[] } }>(
      'query { contactsConnection(first: 50, orderBy: [{ customField: "tier" }]) { totalCount nodes { lastName } } }',
      {},
      t.rep,
    );
    expect(result.errors).toBeUndefined();
    expect(result.data!.contactsConnection.nodes.map((c) => c.lastName)).toEqual(['OfRep']);
    expect(result.data!.contactsConnection.totalCount).toBe(1);
  });

  it('resolves a contact outside the scope to null, by id and through _entities', async () => {
    const t = await seed();
    const byId = (identity: Identity, id: string) => h.request<{ contact: { id: string } | null }>('query($id: ID!) { contact(id: $id) { id } }', { id }, identity);
    expect((await byId(t.rep, t.records.mate.id)).data!.contact).toBeNull();
    expect((await byId(t.rep, t.records.unowned.id)).data!.contact).toBeNull();
    expect((await byId(t.manager, t.records.mate.id)).data!.contact?.id).toBe(t.records.mate.id);
    expect((await byId(t.admin, t.records.unowned.id)).data!.contact?.id).toBe(t.records.unowned.id);

    const ENTITIES = 'query($r: [_Any!]!) { _entities(representations: $r) { ... on Contact { id } } }';
    const representations = [t.records.rep, t.records.mate, t.records.stranger].map(({ id }) => ({ __typename: 'Contact', id }));
    const entities = await h.request<{ _entities: ({ id: string } | null)[] }>(ENTITIES, { r: representations }, t.rep);
    expect(entities.data!._entities).toEqual([{ id: t.records.rep.id }, null, null]);

    const duplicates = await h.request('query($id: ID!) { contactDuplicates(contactId: $id) { score } }', { id: t.records.mate.id }, t.rep);
    expect(duplicates.errors?.[0]?.extensions?.['code']).toBe('NOT_FOUND');
  });
});

describe('changing contacts by scope', () => {
  it('refuses changes to records outside the scope with FORBIDDEN and allows them within it', async () => {
    const t = await seed();
    const remove = (identity: Identity, id: string) => h.request('mutation($ids: [ID!]!) { deleteContacts(ids: $ids) { id } }', { ids: [id] }, identity);
    expect((await remove(t.rep, t.records.mate.id)).errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
    expect((await remove(t.manager, t.records.stranger.id)).errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
    expect((await remove(t.manager, t.records.mate.id)).errors).toBeUndefined();

    // batch upserts report a refused item as FAILED with FORBIDDEN, whether matched by id or by e-mail
    type Upserted = { upsertContacts: { outcome: string; error: { code: string } | null; contact: { owner: { id: string } | null } | null }[] };
    const upsert = async (identity: Identity, input: Record<string, unknown>) =>
      (await h.request<Upserted>('mutation($inputs: [UpsertContactInput!]!) { upsertContacts(inputs: $inputs) { outcome error { code } contact { owner { id } } } }', { inputs: [input] }, identity)).data!.upsertContacts[0]!;
    expect((await upsert(t.rep, { id: t.records.stranger.id, lastName: 'Mine now' })).error?.code).toBe('FORBIDDEN');
    expect((await upsert(t.rep, { id: t.records.rep.id, ownerId: t.ids.stranger })).error?.code).toBe('FORBIDDEN');
    const email = `stranger-${randomUUID()}@example.com`;
    expect((await upsert(t.admin, { id: t.records.stranger.id, email })).outcome).toBe('UPDATED');
    expect((await upsert(t.rep, { email, lastName: 'Matched' })).error?.code).toBe('FORBIDDEN');
    const created = await upsert(t.rep, { email: `new-${randomUUID()}@example.com`, firstName: 'N', lastName: 'New' });
    expect(created).toMatchObject({ outcome: 'CREATED', contact: { owner: { id: t.ids.rep } } });
  });

  it('lets a rep create only their own records, and a manager records of the team', async () => {
    const t = team();
    const refused = await h.request(CREATE, { input: { firstName: 'C', lastName: 'X', ownerId: t.ids.mate } }, t.rep);
    expect(refused.errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
    expect((await create(t.manager, 'ForMate', t.ids.mate)).owner?.id).toBe(t.ids.mate);
    const outside = await h.request(CREATE, { input: { firstName: 'C', lastName: 'X', ownerId: t.ids.stranger } }, t.manager);
    expect(outside.errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');

    const account = await h.request<{ createAccount: { owner: { id: string } | null } }>('mutation { createAccount(input: { name: "Own Co" }) { owner { id } } }', {}, t.rep);
    expect(account.data!.createAccount.owner?.id).toBe(t.ids.rep);
    const lead = await h.request<{ createLead: { owner: { id: string } | null } }>('mutation { createLead(input: { name: "Own lead" }) { owner { id } } }', {}, t.rep);
    expect(lead.data!.createLead.owner?.id).toBe(t.ids.rep);
  });

  it('gives an API key of a rep role nothing to read or create', async () => {
    const t = await seed();
    const key: Identity = { tenantId: t.admin.tenantId, userId: null, roles: ['SALES_REP'], requestId: randomUUID(), actorKind: 'apikey', apiKeyId: randomUUID() };
    expect((await h.request<Seen>(LIST, {}, key)).data!.contactsConnection.totalCount).toBe(0);
    expect((await h.request(CREATE, { input: { firstName: 'C', lastName: 'Key' } }, key)).errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
  });
});
