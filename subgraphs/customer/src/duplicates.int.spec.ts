/** Duplicate detection on a real PostgreSQL with pg_trgm: exact e-mail/phone on create, scored matches. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCustomerHarness, type CustomerHarness } from './testing/harness.ts';

let h: CustomerHarness;
beforeAll(async () => {
  h = await startCustomerHarness();
});
afterAll(async () => {
  await h?.close();
});

const CREATE = 'mutation ($input: CreateContactInput!, $policy: DuplicatePolicy!) { createContact(input: $input, onDuplicate: $policy) { id } }';

describe('duplicate detection', () => {
  it('rejects a contact with the same normalised e-mail or phone when asked, naming the existing one', async () => {
    const t = h.newTenant();
    const existing = await h.subgraph.services.contacts.create(t.tenantId, { userId: t.userId, kind: 'user' }, {
      firstName: 'Ada',
      lastName: 'Lovelace',
      email: 'ada@example.com',
      phone: '+1 (555) 010-9999',
    });
    const sameEmail = await h.request(CREATE, { policy: 'REJECT', input: { firstName: 'A', lastName: 'L', email: ' ADA@example.com ' } }, t.identity);
    expect(sameEmail.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', field: 'email', duplicateOf: existing.id });
    const samePhone = await h.request(CREATE, { policy: 'REJECT', input: { firstName: 'A', lastName: 'L', phone: '1-555-010-9999' } }, t.identity);
    expect(samePhone.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', field: 'phone', duplicateOf: existing.id });
    const allowed = await h.request(CREATE, { policy: 'ALLOW', input: { firstName: 'A', lastName: 'L', email: 'ada@example.com' } }, t.identity);
    expect(allowed.errors).toBeUndefined();
    const other = h.newTenant();
    const elsewhere = await h.request(CREATE, { policy: 'REJECT', input: { firstName: 'A', lastName: 'L', email: 'ada@example.com' } }, other.identity);
    expect(elsewhere.errors).toBeUndefined();
  });

  it('scores matches by e-mail, phone and similar names', async () => {
    const t = h.newTenant();
    const actor = { userId: t.userId, kind: 'user' as const };
    const create = (input: Parameters<typeof h.subgraph.services.contacts.create>[2]) => h.subgraph.services.contacts.create(t.tenantId, actor, input);
    const target = await create({ firstName: 'Jonathan', lastName: 'Smith', email: 'jon@smith.example', phone: '020 7946 0000' });
    const byEmail = await create({ firstName: 'J', lastName: 'S', emails: [{ address: 'other@x.example' }, { address: 'jon@smith.example' }] });
    const byPhone = await create({ firstName: 'Someone', lastName: 'Else', phone: '+020-7946-0000' });
    const byName = await create({ firstName: 'Jonathon', lastName: 'Smith' });
    await create({ firstName: 'Maria', lastName: 'Garcia', email: 'maria@example.com' });
    const deleted = await create({ firstName: 'Jonathan', lastName: 'Smith' });
    await h.subgraph.services.contacts.trash(t.tenantId, actor, 'deleted', [deleted.id]);

    const result = await h.request<{ contactDuplicates: { contact: { id: string }; score: number; reasons: string[] }[] }>(
      'query ($id: ID!) { contactDuplicates(contactId: $id) { contact { id } score reasons } }',
      { id: target.id },
      t.identity,
    );
    expect(result.errors).toBeUndefined();
    const matches = result.data!.contactDuplicates;
    expect(matches.map((match) => match.contact.id)).toEqual([byEmail.id, byPhone.id, byName.id]);
    expect(matches[0]).toMatchObject({ score: 1, reasons: ['SAME_EMAIL'] });
    expect(matches[1]).toMatchObject({ score: 0.9, reasons: ['SAME_PHONE'] });
    expect(matches[2]!.reasons).toEqual(['SIMILAR_NAME']);
    expect(matches[2]!.score).toBeGreaterThan(0.4);
    expect(matches[2]!.score).toBeLessThan(0.8);
  });

  it("does not look up another tenant's contact", async () => {
    const a = h.newTenant();
    const b = h.newTenant();
    const contact = await h.subgraph.services.contacts.create(a.tenantId, { userId: a.userId, kind: 'user' }, { firstName: 'A', lastName: 'B' });
    const result = await h.request('query ($id: ID!) { contactDuplicates(contactId: $id) { score } }', { id: contact.id }, b.identity);
    expect(result.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });
});
