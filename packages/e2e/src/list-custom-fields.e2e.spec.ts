/**
 * The list DSL's custom field features through the gateway on real PostgreSQL: group counts by a
 * custom field (single and multi-select, date, boolean) within the caller's scope, and filters on a
 * related record's custom fields (contacts whose account is a gold-tier customer, and back).
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stack } from '@crm/stack';
import { createTenantWithUsers, gql, gqlOk, startRealStack } from '@crm/testkit';

let stack: Stack;
type User = { id: string; token: string };
let admin: User;
let rep: User;

const ok = <T>(user: User, query: string, variables: Record<string, unknown> = {}) => gqlOk<T>(stack.gatewayUrl, query, variables, { token: user.token });

beforeAll(async () => {
  stack = await startRealStack();
  const slug = `listcf-${randomUUID().slice(0, 8)}`;
  const password = `pw-${randomUUID()}`;
  const { users } = await createTenantWithUsers(stack, { name: `List CF ${slug}`, slug }, [
    { email: `admin@${slug}.test`, name: 'admin', role: 'TENANT_ADMIN', password },
    { email: `rep@${slug}.test`, name: 'rep', role: 'SALES_REP', password },
  ]);
  [admin, rep] = users as unknown as [User, User];
  const define = (entity: string, input: Record<string, unknown>) =>
    ok(admin, 'mutation($input: CreateCustomFieldDefinitionInput!) { createCustomFieldDefinition(input: $input) { id } }', { input: { entity, ...input } });
  await define('ACCOUNT', { key: 'tier', label: 'Tier', type: 'SELECT', options: ['gold', 'silver'] });
  await define('ACCOUNT', { key: 'arr', label: 'ARR', type: 'CURRENCY' });
  await define('CONTACT', { key: 'channels', label: 'Channels', type: 'MULTI_SELECT', options: ['email', 'phone', 'sms'] });
  await define('CONTACT', { key: 'renewal', label: 'Renewal', type: 'DATE' });
  await define('CONTACT', { key: 'vip', label: 'VIP', type: 'BOOLEAN' });

  const account = async (name: string, tier: string | null) =>
    (
      await ok<{ createAccount: { id: string } }>(admin, 'mutation($input: CreateAccountInput!) { createAccount(input: $input) { id } }', {
        input: { name, industry: 'Software', customFields: tier ? [{ key: 'tier', option: tier }] : [] },
      })
    ).createAccount.id;
  const gold = await account('Gold Co', 'gold');
  const silver = await account('Silver Co', 'silver');
  const plain = await account('Plain Co', null);
  const contact = (owner: User, lastName: string, accountId: string, customFields: Record<string, unknown>[]) =>
    ok(owner, 'mutation($input: CreateContactInput!) { createContact(input: $input) { id } }', {
      input: { firstName: 'C', lastName, accountIds: [accountId], ownerId: owner.id, customFields },
    });
  await contact(rep, 'Ada', gold, [{ key: 'channels', options: ['email', 'phone'] }, { key: 'renewal', date: '2027-01-31' }, { key: 'vip', boolean: true }]);
  await contact(rep, 'Bea', silver, [{ key: 'channels', options: ['email'] }, { key: 'vip', boolean: false }]);
  await contact(admin, 'Cid', gold, [{ key: 'channels', options: ['sms'] }, { key: 'renewal', date: '2027-01-31' }]);
  await contact(admin, 'Dot', plain, []);
});
afterAll(async () => {
  await stack?.stop();
});

const GROUPS = /* GraphQL */ `
  query Groups($field: ContactGroupField, $customField: String, $filter: ContactFilter) {
    contactsGroupBy(field: $field, customField: $customField, filter: $filter) { key count }
  }
`;
type Groups = { contactsGroupBy: { key: string | null; count: number }[] };

describe('group counts by custom field', () => {
  it('counts per option, date and boolean, largest first (ties by key, null first), empty values as null', async () => {
    expect((await ok<Groups>(admin, GROUPS, { customField: 'channels' })).contactsGroupBy).toEqual([
      { key: 'email', count: 2 },
      { key: null, count: 1 },
      { key: 'phone', count: 1 },
      { key: 'sms', count: 1 },
    ]);
    expect((await ok<Groups>(admin, GROUPS, { customField: 'renewal' })).contactsGroupBy).toEqual([
      { key: null, count: 2 },
      { key: '2027-01-31', count: 2 },
    ]);
    expect((await ok<Groups>(admin, GROUPS, { customField: 'vip', filter: { lastName: { in: ['Ada', 'Bea', 'Cid'] } } })).contactsGroupBy).toEqual([
      { key: null, count: 1 },
      { key: 'false', count: 1 },
      { key: 'true', count: 1 },
    ]);
    const accounts = await ok<{ accountsGroupBy: { key: string | null; count: number }[] }>(admin, '{ accountsGroupBy(customField: "tier") { key count } }');
    expect(accounts.accountsGroupBy).toEqual([
      { key: null, count: 1 },
      { key: 'gold', count: 1 },
      { key: 'silver', count: 1 },
    ]);
  });

  it('stays within the caller’s scope', async () => {
    expect((await ok<Groups>(rep, GROUPS, { customField: 'channels' })).contactsGroupBy).toEqual([
      { key: 'email', count: 2 },
      { key: 'phone', count: 1 },
    ]);
  });

  it('refuses unknown and currency fields, and both or neither of field and customField', async () => {
    const cases: [Record<string, unknown>, string, string][] = [
      [{ customField: 'nope' }, 'customField', 'no custom field nope'],
      [{ customField: 'tier' }, 'customField', 'no custom field tier'],
      [{ field: 'OWNER', customField: 'vip' }, 'customField', 'either field or customField'],
      [{}, 'field', 'either field or customField'],
    ];
    for (const [variables, field, message] of cases) {
      const result = await gql(stack.gatewayUrl, GROUPS, variables, { token: admin.token });
      expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
      expect(result.errors?.[0]?.message).toContain(message);
    }
    const currency = await gql(stack.gatewayUrl, '{ accountsGroupBy(customField: "arr") { key } }', {}, { token: admin.token });
    expect(currency.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'customField' });
  });
});

describe('filters on related records’ custom fields', () => {
  const CONTACTS = 'query($filter: ContactFilter) { contactsConnection(first: 50, filter: $filter, orderBy: [{ field: LAST_NAME }]) { totalCount edges { node { lastName } } } }';
  type Page = { contactsConnection: { totalCount: number; edges: { node: { lastName: string } }[] } };
  const lastNames = (page: Page) => page.contactsConnection.edges.map((edge) => edge.node.lastName);

  it('finds contacts whose account has a custom field value, combined with their own fields', async () => {
    const gold = await ok<Page>(admin, CONTACTS, { filter: { account: { customField: { key: 'tier', eq: 'gold' } } } });
    expect(lastNames(gold)).toEqual(['Ada', 'Cid']);
    expect(gold.contactsConnection.totalCount).toBe(2);
    const goldWithEmail = await ok<Page>(admin, CONTACTS, {
      filter: { account: { customField: { key: 'tier', in: ['gold', 'silver'] }, industry: { eq: 'Software' } }, customField: { key: 'channels', has: 'email' } },
    });
    expect(lastNames(goldWithEmail)).toEqual(['Ada', 'Bea']);
    const notGold = await ok<Page>(admin, CONTACTS, { filter: { not: { account: { customField: { key: 'tier', eq: 'gold' } } } } });
    expect(lastNames(notGold)).toEqual(['Bea', 'Dot']);
    // the rep sees only their own contacts
    expect(lastNames(await ok<Page>(rep, CONTACTS, { filter: { account: { customField: { key: 'tier', eq: 'gold' } } } }))).toEqual(['Ada']);
    // and back: accounts with a contact due for renewal; group counts take the same filter
    const accounts = await ok<{ accountsConnection: { edges: { node: { name: string } }[] } }>(
      admin,
      'query($filter: AccountFilter) { accountsConnection(first: 10, filter: $filter, orderBy: [{ field: NAME }]) { edges { node { name } } } }',
      { filter: { contact: { customField: { key: 'vip', eq: true } } } },
    );
    expect(accounts.accountsConnection.edges.map((edge) => edge.node.name)).toEqual(['Gold Co']);
    const grouped = await ok<Groups>(admin, GROUPS, { field: 'LIFECYCLE_STAGE', filter: { account: { customField: { key: 'tier', eq: 'gold' } } } });
    expect(grouped.contactsGroupBy).toEqual([{ key: 'SUBSCRIBER', count: 2 }]);
  });

  it('refuses a custom field of another record type with BAD_USER_INPUT naming the path', async () => {
    const result = await gql(stack.gatewayUrl, CONTACTS, { filter: { account: { customField: { key: 'channels', has: 'email' } } } }, { token: admin.token });
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filter.account.customField.key' });
  });
});
