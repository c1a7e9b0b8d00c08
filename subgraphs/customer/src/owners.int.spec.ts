/**
 * Owners a write names must be users of the tenant, on real PostgreSQL through the subgraph's
 * GraphQL with a directory of users standing in for the gateway: an unknown owner is
 * BAD_USER_INPUT naming the argument and nothing is written; a batch asks once for all its items
 * and refuses only the items naming one; a directory that cannot answer refuses the write.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RecordDirectoryUnavailable, type RecordDirectory, type RecordRef } from '@crm/runtime';
import { startCustomerHarness, type CustomerHarness } from './testing/harness.ts';

/** Users per tenant; every question asked is kept. */
const users = new Map<string, Set<string>>();
const asked: { tenantId: string; records: RecordRef[] }[] = [];
let down = false;
const directory: RecordDirectory = {
  async missing(tenantId, records) {
    asked.push({ tenantId, records: [...records] });
    if (down) throw new RecordDirectoryUnavailable('gateway unreachable');
    return records.filter((record) => record.type !== 'USER' || !users.get(tenantId)?.has(record.id));
  },
};

let h: CustomerHarness;
beforeAll(async () => {
  h = await startCustomerHarness({ records: directory });
});
afterAll(async () => {
  await h?.close();
});

function tenant() {
  const t = h.newTenant();
  const colleague = randomUUID();
  users.set(t.tenantId, new Set([t.userId, colleague]));
  return { ...t, colleague };
}

const extensionsOf = (result: { errors?: ReadonlyArray<{ extensions?: object }> }) => (result.errors?.[0]?.extensions ?? {}) as { code?: string; field?: string };

describe('owners of customer records', () => {
  it('creates a contact, account or lead only for an owner of the tenant, writing nothing otherwise', async () => {
    const t = tenant();
    const stranger = randomUUID(); // a user of another tenant, or of none
    users.set(randomUUID(), new Set([stranger]));
    const creates = [
      ['createContact', 'CreateContactInput', { firstName: 'Ada', lastName: 'Lovelace' }],
      ['createAccount', 'CreateAccountInput', { name: 'Analytical Engines' }],
      ['createLead', 'CreateLeadInput', { name: 'Charles Babbage' }],
    ] as const;
    for (const [mutation, type, input] of creates) {
      const create = (ownerId: string) => h.request<Record<string, { owner: { id: string } | null }>>(`mutation($input: ${type}!) { ${mutation}(input: $input) { owner { id } } }`, { input: { ...input, ownerId } }, t.identity);
      const refused = await create(stranger);
      expect(extensionsOf(refused), mutation).toEqual({ code: 'BAD_USER_INPUT', field: 'ownerId' });
      expect(refused.errors?.[0]?.message).toBe('ownerId must be a user of the tenant');
      const created = await create(t.colleague);
      expect(created.errors, mutation).toBeUndefined();
      expect(created.data?.[mutation]?.owner?.id).toBe(t.colleague);
    }
    const counts = await h.request<{ contacts: unknown[]; accounts: unknown[]; leads: unknown[] }>('{ contacts(first: 10) { id } accounts(first: 10) { id } leads(first: 10) { id } }', {}, t.identity);
    expect(counts.data).toMatchObject({ contacts: [{}], accounts: [{}], leads: [{}] });
  });

  it('asks once for a whole batch and refuses only the items naming an unknown owner', async () => {
    const t = tenant();
    const unknown = randomUUID();
    const before = asked.length;
    const result = await h.request<{ upsertAccounts: { outcome: string; error: { code: string; field: string } | null; account: { name: string; owner: { id: string } | null } | null }[] }>(
      'mutation($inputs: [UpsertAccountInput!]!) { upsertAccounts(inputs: $inputs) { outcome error { code field } account { name owner { id } } } }',
      {
        inputs: [
          { name: 'Mine', ownerId: t.userId },
          { name: 'Ghost', ownerId: unknown },
          { name: 'Theirs', ownerId: t.colleague },
          { name: 'Ghost again', ownerId: unknown.toUpperCase() },
        ],
      },
      t.identity,
    );
    expect(result.errors).toBeUndefined();
    expect(result.data!.upsertAccounts.map((row) => [row.outcome, row.error?.field ?? null, row.account?.owner?.id ?? null])).toEqual([
      ['CREATED', null, t.userId],
      ['FAILED', 'inputs.1.ownerId', null],
      ['CREATED', null, t.colleague],
      ['FAILED', 'inputs.3.ownerId', null],
    ]);
    // one question, without the caller's own id, each owner once
    expect(asked.slice(before)).toEqual([{ tenantId: t.tenantId, records: [{ type: 'USER', id: unknown }, { type: 'USER', id: t.colleague }] }]);

    const contacts = await h.request<{ upsertContacts: { outcome: string; error: { field: string } | null }[] }>(
      'mutation($inputs: [UpsertContactInput!]!) { upsertContacts(inputs: $inputs) { outcome error { field } } }',
      { inputs: [{ firstName: 'Grace', lastName: 'Hopper', ownerId: unknown }, { firstName: 'Alan', lastName: 'Turing' }] },
      t.identity,
    );
    expect(contacts.data!.upsertContacts).toEqual([
      { outcome: 'FAILED', error: { field: 'inputs.0.ownerId' } },
      { outcome: 'CREATED', error: null },
    ]);
    const leads = await h.request<{ upsertLeads: { outcome: string; error: { field: string } | null }[] }>(
      'mutation($inputs: [UpsertLeadInput!]!) { upsertLeads(inputs: $inputs) { outcome error { field } } }',
      { inputs: [{ name: 'Edsger Dijkstra', ownerId: unknown }] },
      t.identity,
    );
    expect(leads.data!.upsertLeads).toEqual([{ outcome: 'FAILED', error: { field: 'inputs.0.ownerId' } }]);
  });

  it('refuses a lead conversion whose deal names an unknown owner, before anything changes', async () => {
    const t = tenant();
    const lead = await h.subgraph.services.leads.create(t.tenantId, { kind: 'user', userId: t.userId }, { name: 'Ada Lovelace', email: 'ada@analytical.example' });
    const result = await h.request(
      'mutation($id: ID!, $input: ConvertLeadInput!) { convertLead(id: $id, input: $input) { id } }',
      { id: lead.id, input: { contact: { create: { firstName: 'Ada', lastName: 'Lovelace' } }, deal: { pipelineId: randomUUID(), name: 'Engines', amount: '10.00', currency: 'USD', ownerId: randomUUID() } } },
      t.identity,
    );
    expect(extensionsOf(result)).toEqual({ code: 'BAD_USER_INPUT', field: 'deal.ownerId' });
    const after = await h.request<{ lead: { status: string } }>('query($id: ID!) { lead(id: $id) { status } }', { id: lead.id }, t.identity);
    expect(after.data?.lead.status).toBe('NEW');
  });

  it('refuses the write when owners cannot be checked, and asks nothing for a write naming none or the caller', async () => {
    const t = tenant();
    down = true;
    try {
      const refused = await h.request('mutation($input: CreateContactInput!) { createContact(input: $input) { id } }', { input: { firstName: 'Ada', lastName: 'Lovelace', ownerId: t.colleague } }, t.identity);
      // masked like every internal error; the cause is logged
      expect(extensionsOf(refused).code).toBe('INTERNAL_SERVER_ERROR');
      const before = asked.length;
      for (const ownerId of [undefined, t.userId]) {
        const created = await h.request('mutation($input: CreateContactInput!) { createContact(input: $input) { id } }', { input: { firstName: 'Grace', lastName: 'Hopper', ...(ownerId ? { ownerId } : {}) } }, t.identity);
        expect(created.errors).toBeUndefined();
      }
      expect(asked.length).toBe(before);
    } finally {
      down = false;
    }
    const contacts = await h.request<{ contacts: { firstName: string }[] }>('{ contacts(first: 10) { firstName } }', {}, t.identity);
    expect(contacts.data?.contacts.map((contact) => contact.firstName)).toEqual(['Grace', 'Grace']);
  });
});
