/**
 * Custom fields through the gateway on real PostgreSQL, Redis and Kafka: a tenant admin defines
 * contact fields, a Sales Rep writes typed values, filters and sorts by them; bad values are
 * BAD_USER_INPUT naming `customFields.<key>`, reps cannot define fields, and another tenant sees
 * none of the definitions.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stack } from '@crm/stack';
import { createTenantWithUsers, gql, gqlOk, startRealStack } from '@crm/testkit';

let stack: Stack;

beforeAll(async () => {
  stack = await startRealStack();
});
afterAll(async () => {
  await stack?.stop();
});

async function seedTenant(label: string) {
  const slug = `${label}-${randomUUID().slice(0, 8)}`;
  const password = `pw-${randomUUID()}`;
  const tenant = await createTenantWithUsers(stack, { name: `${label} Inc`, slug }, [
    { email: `admin@${slug}.test`, name: `${label} Admin`, role: 'TENANT_ADMIN', password },
    { email: `rep@${slug}.test`, name: `${label} Rep`, role: 'SALES_REP', password },
  ]);
  const [admin, rep] = tenant.users as [(typeof tenant.users)[0], (typeof tenant.users)[0]];
  return { ...tenant, admin, rep };
}
type Tenant = Awaited<ReturnType<typeof seedTenant>>;

const DEFINE = /* GraphQL */ `
  mutation Define($input: CreateCustomFieldDefinitionInput!) {
    createCustomFieldDefinition(input: $input) { id key type options }
  }
`;
const DEFINITIONS = /* GraphQL */ `
  query Definitions($entity: CustomFieldEntity!) { customFieldDefinitions(entity: $entity) { key label type } }
`;
const CREATE = /* GraphQL */ `
  mutation CreateContact($input: CreateContactInput!) {
    createContact(input: $input) {
      id
      customFields {
        __typename key
        ... on NumberValue { number }
        ... on DateValue { date }
        ... on SelectValue { option }
        ... on EmailValue { email }
        ... on ReferenceValue { entity id }
      }
    }
  }
`;
const PAGE = /* GraphQL */ `
  query Contacts($filter: ContactFilter, $orderBy: [ContactOrder!]) {
    contactsConnection(first: 50, filter: $filter, orderBy: $orderBy) {
      totalCount
      edges { node { lastName score: customField(key: "score") { ... on NumberValue { number } } } }
    }
  }
`;

let acme: Tenant;
let globex: Tenant;
let accountId: string;

describe('custom fields through the gateway', () => {
  beforeAll(async () => {
    [acme, globex] = [await seedTenant('acme'), await seedTenant('globex')];
    const define = (input: Record<string, unknown>) => gqlOk(stack.gatewayUrl, DEFINE, { input: { entity: 'CONTACT', ...input } }, { token: acme.admin.token });
    await define({ key: 'score', label: 'Score', type: 'NUMBER' });
    await define({ key: 'renewal', label: 'Renewal', type: 'DATE' });
    await define({ key: 'tier', label: 'Tier', type: 'SELECT', options: ['gold', 'silver'], required: true });
    await define({ key: 'billing_email', label: 'Billing e-mail', type: 'EMAIL' });
    await define({ key: 'employer', label: 'Employer', type: 'REFERENCE', referenceEntity: 'ACCOUNT' });
    const account = await gqlOk<{ createAccount: { id: string } }>(stack.gatewayUrl, 'mutation($input: CreateAccountInput!) { createAccount(input: $input) { id } }', { input: { name: 'Acme Holdings' } }, { token: acme.rep.token });
    accountId = account.createAccount.id;
  });

  it('lets a rep write typed values on contacts, then filter and sort by them', async () => {
    const write = (lastName: string, customFields: Record<string, unknown>[]) =>
      gqlOk<{ createContact: { id: string; customFields: Record<string, unknown>[] } }>(stack.gatewayUrl, CREATE, { input: { firstName: 'T', lastName, customFields } }, { token: acme.rep.token });
    const first = await write('Lovelace', [
      { key: 'score', number: 80 },
      { key: 'renewal', date: '2027-06-30' },
      { key: 'tier', option: 'gold' },
      { key: 'billing_email', email: 'AP@Lovelace.Example' },
      { key: 'employer', reference: accountId },
    ]);
    expect(first.createContact.customFields).toEqual([
      { __typename: 'NumberValue', key: 'score', number: 80 },
      { __typename: 'DateValue', key: 'renewal', date: '2027-06-30' },
      { __typename: 'SelectValue', key: 'tier', option: 'gold' },
      { __typename: 'EmailValue', key: 'billing_email', email: 'ap@lovelace.example' },
      { __typename: 'ReferenceValue', key: 'employer', entity: 'ACCOUNT', id: accountId },
    ]);
    await write('Hopper', [{ key: 'score', number: 95 }, { key: 'tier', option: 'silver' }, { key: 'renewal', date: '2026-12-31' }]);
    await write('Turing', [{ key: 'score', number: 40 }, { key: 'tier', option: 'gold' }]);
    await write('Noether', [{ key: 'tier', option: 'silver' }]);

    type Page = { contactsConnection: { totalCount: number; edges: { node: { lastName: string; score: { number: number } | null } }[] } };
    const page = (variables: Record<string, unknown>) => gqlOk<Page>(stack.gatewayUrl, PAGE, variables, { token: acme.rep.token });

    const high = await page({ filter: { customField: { key: 'score', gte: 50 } }, orderBy: [{ customField: 'score', direction: 'DESC' }] });
    expect(high.contactsConnection.edges.map((edge) => [edge.node.lastName, edge.node.score?.number])).toEqual([
      ['Hopper', 95],
      ['Lovelace', 80],
    ]);
    expect(high.contactsConnection.totalCount).toBe(2);

    const byScore = await page({ orderBy: [{ customField: 'score' }] });
    expect(byScore.contactsConnection.edges.map((edge) => edge.node.lastName)).toEqual(['Turing', 'Lovelace', 'Hopper', 'Noether']);

    const goldBeforeRenewal = await page({
      filter: { and: [{ customField: { key: 'tier', eq: 'gold' } }, { customField: { key: 'renewal', isNull: false } }] },
    });
    expect(goldBeforeRenewal.contactsConnection.edges.map((edge) => edge.node.lastName)).toEqual(['Lovelace']);

    const renewingSoon = await page({ filter: { customField: { key: 'renewal', lt: '2027-01-01' } } });
    expect(renewingSoon.contactsConnection.edges.map((edge) => edge.node.lastName)).toEqual(['Hopper']);
  });

  it('answers bad values with BAD_USER_INPUT naming customFields.<key>, never a stack trace', async () => {
    const cases: [Record<string, unknown>[], string][] = [
      [[{ key: 'tier', option: 'gold' }, { key: 'shoe_size', number: 44 }], 'customFields.shoe_size'],
      [[{ key: 'tier', option: 'gold' }, { key: 'score', text: 'high' }], 'customFields.score'],
      [[{ key: 'tier', option: 'gold' }, { key: 'billing_email', email: 'nope' }], 'customFields.billing_email'],
      [[{ key: 'tier', option: 'bronze' }], 'customFields.tier'],
      [[{ key: 'tier', option: 'gold' }, { key: 'employer', reference: randomUUID() }], 'customFields.employer'],
      [[], 'customFields.tier'],
    ];
    for (const [customFields, field] of cases) {
      const result = await gql(stack.gatewayUrl, CREATE, { input: { firstName: 'Bad', lastName: 'Input', customFields } }, { token: acme.rep.token });
      expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
      expect(JSON.stringify(result.errors)).not.toMatch(/stacktrace|prisma|\bat .+\.ts:/i);
    }
    const badFilter = await gql(stack.gatewayUrl, PAGE, { filter: { customField: { key: 'nope', eq: 1 } } }, { token: acme.rep.token });
    expect(badFilter.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filter.customField.key' });
    const badSort = await gql(stack.gatewayUrl, PAGE, { orderBy: [{ customField: 'nope' }] }, { token: acme.rep.token });
    expect(badSort.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'orderBy.0.customField' });
  });

  it('keeps definitions per tenant, and only admins define fields', async () => {
    const own = await gqlOk<{ customFieldDefinitions: { key: string }[] }>(stack.gatewayUrl, DEFINITIONS, { entity: 'CONTACT' }, { token: acme.rep.token });
    expect(own.customFieldDefinitions.map((def) => def.key)).toEqual(['score', 'renewal', 'tier', 'billing_email', 'employer']);
    const other = await gqlOk<{ customFieldDefinitions: unknown[] }>(stack.gatewayUrl, DEFINITIONS, { entity: 'CONTACT' }, { token: globex.admin.token });
    expect(other.customFieldDefinitions).toEqual([]);

    // Globex has no such field, so it cannot write or filter by Acme's keys.
    const foreignWrite = await gql(stack.gatewayUrl, CREATE, { input: { firstName: 'G', lastName: 'X', customFields: [{ key: 'score', number: 1 }] } }, { token: globex.rep.token });
    expect(foreignWrite.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'customFields.score' });

    const refused = await gql(stack.gatewayUrl, DEFINE, { input: { entity: 'CONTACT', key: 'sneaky', label: 'Sneaky', type: 'TEXT' } }, { token: acme.rep.token });
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const after = await gqlOk<{ customFieldDefinitions: { key: string }[] }>(stack.gatewayUrl, DEFINITIONS, { entity: 'CONTACT' }, { token: acme.admin.token });
    expect(after.customFieldDefinitions.map((def) => def.key)).not.toContain('sneaky');
  });
});
