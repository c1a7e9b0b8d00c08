/**
 * GDPR for contacts through the gateway on real PostgreSQL and Kafka: one query exports what every
 * subgraph holds on a contact (customer record, sales deal links and activities, platform audit
 * entries and notifications); the erasure anonymises the contact at once, the other subgraphs erase
 * theirs over events and report back, the audit log keeps who did what but not the person's data,
 * and the erasure itself stays on record. Only tenant admins may do either.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stack } from '@crm/stack';
import { createDeal, createPipeline, createTenantWithUsers, gql, gqlOk, startRealStack, STANDARD_STAGES } from '@crm/testkit';
import { erasureTrail } from './fixtures.ts';

let stack: Stack;
let admin: { id: string; token: string };
let rep: { id: string; token: string };

beforeAll(async () => {
  stack = await startRealStack();
  const slug = `gdpr-${randomUUID().slice(0, 8)}`;
  const tenant = await createTenantWithUsers(stack, { name: 'GDPR Inc', slug }, [
    { email: `admin@${slug}.test`, name: 'Greta Admin', role: 'TENANT_ADMIN', password: `pw-${randomUUID()}` },
    { email: `rep@${slug}.test`, name: 'Gus Rep', role: 'SALES_REP', password: `pw-${randomUUID()}` },
  ]);
  [admin, rep] = [tenant.users[0]!, tenant.users[1]!];
});
afterAll(async () => {
  await stack?.stop();
});

const api = <T>(query: string, variables: Record<string, unknown> = {}, token = admin.token) => gqlOk<T>(stack.gatewayUrl, query, variables, { token });

const EXPORT = /* GraphQL */ `query ($id: ID!) { exportPersonalData(contactId: $id) { contactId exportedAt customer sales platform } }`;

interface Exported {
  customer: { contact: { firstName: string; email: string | null; emails: unknown[] }; accounts: unknown[] };
  sales: { dealLinks: { deal: { name: string } }[]; activities: { subject: string; body: string | null }[] };
  platform: { auditEntries: { action: string; changes: Record<string, unknown> }[] };
}

async function seedPerson() {
  const email = `jane-${randomUUID().slice(0, 8)}@example.com`;
  const { createContact } = await api<{ createContact: { id: string } }>('mutation ($input: CreateContactInput!) { createContact(input: $input) { id } }', {
    input: { firstName: 'Jane', lastName: 'Roe', email, phone: '+44 20 7946 0958', tags: ['vip'] },
  });
  const pipeline = await createPipeline(stack.gatewayUrl, admin.token, `GDPR ${randomUUID().slice(0, 4)}`, STANDARD_STAGES);
  const deal = await createDeal(stack.gatewayUrl, admin.token, { pipelineId: pipeline.id, name: 'Roe household', amount: '100.00', currency: 'EUR' });
  await api('mutation ($d: ID!, $c: ID!) { addDealContact(dealId: $d, contactId: $c, role: "Buyer") { id } }', { d: deal.id, c: createContact.id });
  await api('mutation ($input: CreateActivityInput!) { createActivity(input: $input) { id } }', {
    input: { type: 'CALL', subject: 'Called Jane about her divorce settlement', body: 'Home number +44 20 7946 0958', recordType: 'CONTACT', recordId: createContact.id },
  });
  return { contactId: createContact.id, email, dealId: deal.id };
}

const poll = { timeout: 40_000, interval: 500 };

describe('personal data', () => {
  it('exports what every subgraph holds on a contact in one document', async () => {
    const person = await seedPerson();
    // The audit trail follows the events: wait until the platform has the contact's creation.
    await expect
      .poll(async () => (await api<{ exportPersonalData: Exported }>(EXPORT, { id: person.contactId })).exportPersonalData.platform.auditEntries.map((e) => e.action), poll)
      .toContain('customer.contact.created');
    const exported = (await api<{ exportPersonalData: Exported & { contactId: string } }>(EXPORT, { id: person.contactId })).exportPersonalData;
    expect(exported.contactId).toBe(person.contactId);
    expect(exported.customer.contact).toMatchObject({ firstName: 'Jane', email: person.email });
    expect(exported.sales.dealLinks.map((link) => link.deal.name)).toEqual(['Roe household']);
    expect(exported.sales.activities.map((activity) => activity.subject)).toEqual(['Called Jane about her divorce settlement']);
  });

  it('erases the contact everywhere, reports what each subgraph did, and keeps the record of the erasure', async () => {
    const person = await seedPerson();
    await expect
      .poll(async () => (await api<{ exportPersonalData: Exported }>(EXPORT, { id: person.contactId })).exportPersonalData.platform.auditEntries.length, poll)
      .toBeGreaterThan(0);

    const { erasePersonalData } = await api<{ erasePersonalData: { id: string; status: string; waitingFor: string[] } }>(
      'mutation ($id: ID!) { erasePersonalData(contactId: $id) { id status waitingFor } }',
      { id: person.contactId },
    );
    expect(erasePersonalData).toMatchObject({ status: 'PENDING', waitingFor: ['sales', 'platform'] });

    const erasure = async () =>
      (
        await api<{ personalDataErasure: { status: string; reports: { subgraph: string; erased: Record<string, number> }[] } }>(
          'query ($id: ID!) { personalDataErasure(id: $id) { status reports { subgraph erased } } }',
          { id: erasePersonalData.id },
        )
      ).personalDataErasure;
    await expect.poll(async () => (await erasure()).status, poll).toBe('COMPLETED');
    const reports = Object.fromEntries((await erasure()).reports.map((report) => [report.subgraph, report.erased]));
    expect(reports['customer']).toMatchObject({ contact: 1 });
    expect(reports['sales']).toEqual({ dealLinks: 1, activities: 1 });
    expect(reports['platform']!['auditEntriesRedacted']).toBeGreaterThan(0);

    const after = (await api<{ exportPersonalData: Exported }>(EXPORT, { id: person.contactId })).exportPersonalData;
    expect(after.customer.contact).toMatchObject({ firstName: 'Erased', email: null, emails: [] });
    expect(JSON.stringify(after)).not.toContain(person.email);
    expect(JSON.stringify(after)).not.toContain('divorce');
    expect(after.sales.dealLinks).toEqual([]);
    const deal = await api<{ deal: { contacts: unknown[] } }>('query ($id: ID!) { deal(id: $id) { contacts { role } } }', { id: person.dealId });
    expect(deal.deal.contacts).toEqual([]);

    // The audit log still says who did what, without the person's data, and records the erasure.
    const log = await api<{ auditLog: { edges: { node: { action: string; changes: Record<string, unknown> } }[] } }>(
      'query ($id: ID!) { auditLog(filter: { recordId: $id }) { edges { node { action changes } } } }',
      { id: person.contactId },
    );
    const created = log.auditLog.edges.find((edge) => edge.node.action === 'customer.contact.created');
    expect(created?.node.changes).toEqual({ redacted: 'personal data erased' });
    await expect
      .poll(() => erasureTrail(stack.gatewayUrl, admin.token, erasePersonalData.id), poll)
      .toEqual(['customer.contact.erasure_completed', 'customer.contact.erasure_requested', 'platform.personal_data.erased', 'sales.personal_data.erased']);

    const again = await gql(stack.gatewayUrl, 'mutation ($id: ID!) { erasePersonalData(contactId: $id) { id } }', { id: person.contactId }, { token: admin.token });
    expect(again.errors?.[0]?.extensions?.['code']).toBe('CONFLICT');
  });

  it('lets only tenant admins export or erase', async () => {
    const person = await seedPerson();
    const exported = await gql(stack.gatewayUrl, EXPORT, { id: person.contactId }, { token: rep.token });
    expect(exported.errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
    const erased = await gql(stack.gatewayUrl, 'mutation ($id: ID!) { erasePersonalData(contactId: $id) { id } }', { id: person.contactId }, { token: rep.token });
    expect(erased.errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
    const unknown = await gql(stack.gatewayUrl, 'mutation ($id: ID!) { erasePersonalData(contactId: $id) { id } }', { id: randomUUID() }, { token: admin.token });
    expect(unknown.errors?.[0]?.extensions?.['code']).toBe('NOT_FOUND');
  });
});
