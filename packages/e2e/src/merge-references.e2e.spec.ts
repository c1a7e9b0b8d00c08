/**
 * Merges reach the sales subgraph through Kafka: after `mergeAccounts` the merged account's deals
 * and activities point at the survivor, after `mergeContacts` the merged contact's deal links and
 * activities do (a link to a deal the survivor is already on is dropped, and its primary flag
 * passes to the survivor), and undoing either merge puts every reference back.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stack } from '@crm/stack';
import { createPipeline, createTenantWithUsers, gqlOk, startRealStack, STANDARD_STAGES } from '@crm/testkit';

let stack: Stack;
let token: string;
let pipelineId: string;

beforeAll(async () => {
  stack = await startRealStack();
  const slug = `merge-refs-${randomUUID().slice(0, 8)}`;
  const tenant = await createTenantWithUsers(stack, { name: 'Merge Refs Inc', slug }, [
    { email: `admin@${slug}.test`, name: 'Merge Admin', role: 'TENANT_ADMIN', password: `pw-${randomUUID()}` },
  ]);
  token = tenant.users[0]!.token;
  pipelineId = (await createPipeline(stack.gatewayUrl, token, 'New business', STANDARD_STAGES)).id;
});
afterAll(async () => {
  await stack?.stop();
});

const gql = <T>(query: string, variables: Record<string, unknown> = {}) => gqlOk<T>(stack.gatewayUrl, query, variables, { token });

async function account(name: string): Promise<string> {
  const created = await gql<{ createAccount: { id: string } }>('mutation ($input: CreateAccountInput!) { createAccount(input: $input) { id } }', {
    input: { name, domain: `${randomUUID().slice(0, 8)}.example` },
  });
  return created.createAccount.id;
}

async function contact(firstName: string): Promise<string> {
  const created = await gql<{ createContact: { id: string } }>('mutation ($input: CreateContactInput!) { createContact(input: $input) { id } }', {
    input: { firstName, lastName: 'Merge', email: `${firstName.toLowerCase()}-${randomUUID().slice(0, 8)}@example.com` },
  });
  return created.createContact.id;
}

async function deal(name: string, accountId?: string): Promise<string> {
  const created = await gql<{ createDeal: { id: string } }>('mutation ($input: CreateDealInput!) { createDeal(input: $input) { id } }', {
    input: { pipelineId, name, amount: '1000.00', currency: 'USD', ...(accountId ? { accountId } : {}) },
  });
  return created.createDeal.id;
}

async function note(recordType: 'ACCOUNT' | 'CONTACT', recordId: string, subject: string): Promise<string> {
  const created = await gql<{ createActivity: { id: string } }>('mutation ($input: CreateActivityInput!) { createActivity(input: $input) { id } }', {
    input: { type: 'NOTE', subject, recordType, recordId },
  });
  return created.createActivity.id;
}

const activitiesOf = async (recordType: 'ACCOUNT' | 'CONTACT', recordId: string) =>
  (await gql<{ activities: { id: string }[] }>('query ($t: ActivityRecordType!, $id: ID!) { activities(recordType: $t, recordId: $id) { id } }', { t: recordType, id: recordId }))
    .activities.map((activity) => activity.id)
    .sort();

const dealAccount = async (id: string) => (await gql<{ deal: { account: { id: string } | null } }>('query ($id: ID!) { deal(id: $id) { account { id } } }', { id })).deal.account?.id;

const dealContacts = async (id: string) =>
  (await gql<{ deal: { contacts: { contact: { id: string }; role: string | null; isPrimary: boolean }[] } }>(
    'query ($id: ID!) { deal(id: $id) { contacts { contact { id } role isPrimary } } }',
    { id },
  )).deal.contacts.map((link) => ({ id: link.contact.id, role: link.role, isPrimary: link.isPrimary }));

const link = (dealId: string, contactId: string, role: string, isPrimary: boolean) =>
  gql('mutation ($d: ID!, $c: ID!, $r: String, $p: Boolean) { addDealContact(dealId: $d, contactId: $c, role: $r, isPrimary: $p) { id } }', { d: dealId, c: contactId, r: role, p: isPrimary });

const poll = { timeout: 30_000, interval: 250 };

describe('references follow a merge', () => {
  it('moves deals and activities of merged accounts to the survivor, and back on undo', async () => {
    const [survivor, merged] = [await account('Survivor Ltd'), await account('Duplicate Ltd')];
    const [keeps, moves] = [await deal('Stays', survivor), await deal('Moves', merged)];
    const movingNote = await note('ACCOUNT', merged, 'Call notes');
    const survivorNote = await note('ACCOUNT', survivor, 'Kick-off');

    const result = await gql<{ mergeAccounts: { mergeId: string } }>('mutation ($input: MergeAccountsInput!) { mergeAccounts(input: $input) { mergeId } }', {
      input: { survivorId: survivor, mergedIds: [merged] },
    });
    await expect.poll(() => dealAccount(moves), poll).toBe(survivor);
    expect(await dealAccount(keeps)).toBe(survivor);
    await expect.poll(() => activitiesOf('ACCOUNT', survivor), poll).toEqual([movingNote, survivorNote].sort());
    expect(await activitiesOf('ACCOUNT', merged)).toEqual([]);

    await gql('mutation ($id: ID!) { undoAccountMerge(mergeId: $id) { id } }', { id: result.mergeAccounts.mergeId });
    await expect.poll(() => dealAccount(moves), poll).toBe(merged);
    expect(await dealAccount(keeps)).toBe(survivor);
    await expect.poll(() => activitiesOf('ACCOUNT', merged), poll).toEqual([movingNote]);
    expect(await activitiesOf('ACCOUNT', survivor)).toEqual([survivorNote]);
  });

  it('moves deal links and activities of merged contacts, dropping a link the survivor already has, and back on undo', async () => {
    const [survivor, merged] = [await contact('Ada'), await contact('Adah')];
    const [shared, onlyMerged] = [await deal('Both on it'), await deal('Only the duplicate')];
    await link(shared, survivor, 'Champion', false);
    await link(shared, merged, 'Decision maker', true);
    await link(onlyMerged, merged, 'Buyer', false);
    const movingNote = await note('CONTACT', merged, 'Met at the fair');

    const result = await gql<{ mergeContacts: { mergeId: string } }>('mutation ($input: MergeContactsInput!) { mergeContacts(input: $input) { mergeId } }', {
      input: { survivorId: survivor, mergedIds: [merged] },
    });
    await expect.poll(() => dealContacts(onlyMerged), poll).toEqual([{ id: survivor, role: 'Buyer', isPrimary: false }]);
    expect(await dealContacts(shared)).toEqual([{ id: survivor, role: 'Champion', isPrimary: true }]);
    expect(await activitiesOf('CONTACT', survivor)).toEqual([movingNote]);

    await gql('mutation ($id: ID!) { undoContactMerge(mergeId: $id) { id } }', { id: result.mergeContacts.mergeId });
    await expect.poll(() => dealContacts(onlyMerged), poll).toEqual([{ id: merged, role: 'Buyer', isPrimary: false }]);
    expect(await dealContacts(shared)).toEqual([
      { id: merged, role: 'Decision maker', isPrimary: true },
      { id: survivor, role: 'Champion', isPrimary: false },
    ]);
    expect(await activitiesOf('CONTACT', merged)).toEqual([movingNote]);
    expect(await activitiesOf('CONTACT', survivor)).toEqual([]);
  });
});
