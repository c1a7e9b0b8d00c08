/**
 * References sales stores to other subgraphs' records (a deal's account, contacts, owner and
 * collaborators; an activity's assignee and record) must be records of the caller's tenant:
 * another tenant's id is BAD_USER_INPUT naming the argument, and nothing is written. The rule is
 * the tenant, not what the caller may read: a rep may put their deal on an account they do not own.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccount, type Stack } from '@crm/stack';
import { gql, gqlOk, startRealStack } from '@crm/testkit';
import { seedSalesTenant, type SalesTenant } from './fixtures.ts';

let stack: Stack;
let acme: SalesTenant;
let globex: SalesTenant;
let acmeContact: string;
let globexContact: string;

const createContact = async (tenant: SalesTenant, lastName: string) =>
  (await gqlOk<{ createContact: { id: string } }>(stack.gatewayUrl, 'mutation($n: String!) { createContact(input: { firstName: "Ref", lastName: $n }) { id } }', { n: lastName }, { token: tenant.admin.token })).createContact.id;

beforeAll(async () => {
  stack = await startRealStack();
  [acme, globex] = [await seedSalesTenant(stack, 'refs-acme', 2), await seedSalesTenant(stack, 'refs-globex', 1)];
  acmeContact = await createContact(acme, 'Acme');
  globexContact = await createContact(globex, 'Globex');
});
afterAll(async () => {
  await stack?.stop();
});

interface DealView {
  id: string;
  version: number;
  account: { id: string } | null;
  owner: { id: string } | null;
  contacts: Array<{ contact: { id: string } | null }>;
  collaborators: Array<{ id: string }>;
}
const DEAL = 'id version account { id } owner { id } contacts { contact { id } } collaborators { id }';
const readDeal = async (id: string) => (await gqlOk<{ deal: DealView }>(stack.gatewayUrl, `query($id: ID!) { deal(id: $id) { ${DEAL} } }`, { id }, { token: acme.admin.token })).deal;
const dealsNamed = async (name: string) =>
  (await gqlOk<{ dealsConnection: { totalCount: number } }>(stack.gatewayUrl, 'query($n: String!) { dealsConnection(filter: { name: { eq: $n } }) { totalCount } }', { n: name }, { token: acme.admin.token }))
    .dealsConnection.totalCount;

const CREATE_DEAL = `mutation($input: CreateDealInput!) { createDeal(input: $input) { ${DEAL} } }`;
const dealInput = (name: string, extra: Record<string, unknown> = {}) => ({ pipelineId: acme.pipeline.id, name, amount: '10.00', currency: 'USD', ...extra });

describe('sales references to other subgraphs’ records', () => {
  it('refuses a deal on another tenant’s account or for another tenant’s owner, and writes nothing', async () => {
    for (const [name, extra, field] of [
      ['refs foreign account', { accountId: globex.accounts[0]!.id }, 'accountId'],
      ['refs foreign owner', { ownerId: globex.admin.id }, 'ownerId'],
    ] as const) {
      const refused = await gql(stack.gatewayUrl, CREATE_DEAL, { input: dealInput(name, extra) }, { token: acme.admin.token });
      expect(refused.errors?.[0]?.extensions, name).toMatchObject({ code: 'BAD_USER_INPUT', field });
      expect(refused.data?.createDeal ?? null, name).toBeNull();
      expect(await dealsNamed(name), name).toBe(0);
    }
  });

  it('accepts the tenant’s own account, owner, contacts and collaborators, also an account the rep cannot read', async () => {
    const own = await gqlOk<{ createDeal: DealView }>(stack.gatewayUrl, CREATE_DEAL, { input: dealInput('refs own', { accountId: acme.accounts[0]!.id, ownerId: acme.rep.id }) }, { token: acme.admin.token });
    expect(own.createDeal).toMatchObject({ account: { id: acme.accounts[0]!.id }, owner: { id: acme.rep.id } });
    const withContact = await gqlOk<{ addDealContact: DealView }>(stack.gatewayUrl, `mutation($d: ID!, $c: ID!) { addDealContact(dealId: $d, contactId: $c) { ${DEAL} } }`, { d: own.createDeal.id, c: acmeContact }, { token: acme.admin.token });
    expect(withContact.addDealContact.contacts).toEqual([{ contact: { id: acmeContact } }]);
    const withCollaborator = await gqlOk<{ addDealCollaborator: DealView }>(stack.gatewayUrl, `mutation($d: ID!, $u: ID!) { addDealCollaborator(dealId: $d, userId: $u) { ${DEAL} } }`, { d: own.createDeal.id, u: acme.admin.id }, { token: acme.admin.token });
    expect(withCollaborator.addDealCollaborator.collaborators).toEqual([{ id: acme.admin.id }]);

    // an account of the admin's: the rep cannot read it, yet may put their own deal on it (it is the tenant's)
    const adminsAccount = await createAccount(stack.gatewayUrl, acme.admin.token, { name: 'Refs admin territory', ownerId: acme.admin.id });
    const asRep = await gqlOk<{ createDeal: { id: string; account: { name: string } | null } }>(stack.gatewayUrl, 'mutation($input: CreateDealInput!) { createDeal(input: $input) { id account { name } } }', { input: dealInput('refs rep', { accountId: adminsAccount.id }) }, { token: acme.rep.token });
    expect(asRep.createDeal.account).toBeNull();
    expect((await readDeal(asRep.createDeal.id)).account).toEqual({ id: adminsAccount.id });
  });

  it('refuses another tenant’s account, contact or collaborator on an existing deal and leaves it as it was', async () => {
    const deal = acme.deals[0]!;
    const before = await readDeal(deal.id);
    const attempts = [
      ['point at a foreign account', `mutation($d: ID!, $x: ID!) { updateDeal(id: $d, input: { accountId: $x }) { id } }`, globex.accounts[0]!.id, 'accountId'],
      ['hand to a foreign owner', `mutation($d: ID!, $x: ID!) { updateDeal(id: $d, input: { ownerId: $x, name: "renamed" }) { id } }`, globex.rep.id, 'ownerId'],
      ['link a foreign contact', `mutation($d: ID!, $x: ID!) { addDealContact(dealId: $d, contactId: $x) { id } }`, globexContact, 'contactId'],
      ['add a foreign collaborator', `mutation($d: ID!, $x: ID!) { addDealCollaborator(dealId: $d, userId: $x) { id } }`, globex.admin.id, 'userId'],
    ] as const;
    for (const [name, mutation, foreign, field] of attempts) {
      const refused = await gql(stack.gatewayUrl, mutation, { d: deal.id, x: foreign }, { token: acme.admin.token });
      expect(refused.errors?.[0]?.extensions, name).toMatchObject({ code: 'BAD_USER_INPUT', field });
    }
    expect(await readDeal(deal.id)).toEqual(before);
  });

  it('refuses only the batch item that names another tenant’s account; the others are written', async () => {
    const result = await gqlOk<{ upsertDeals: Array<{ index: number; outcome: string; error: { code: string; field: string | null } | null; deal: { id: string; account: { id: string } | null } | null }> }>(
      stack.gatewayUrl,
      'mutation($inputs: [UpsertDealInput!]!) { upsertDeals(inputs: $inputs) { index outcome error { code field } deal { id account { id } } } }',
      {
        inputs: [
          dealInput('refs batch 0', { accountId: acme.accounts[0]!.id }),
          dealInput('refs batch 1', { accountId: globex.accounts[1]!.id }),
          { id: acme.deals[1]!.id, accountId: acme.accounts[0]!.id },
          { id: acme.deals[1]!.id, accountId: globex.accounts[0]!.id },
        ],
      },
      { token: acme.admin.token },
    );
    expect(result.upsertDeals.map((item) => [item.index, item.outcome, item.error])).toEqual([
      [0, 'CREATED', null],
      [1, 'FAILED', { code: 'BAD_USER_INPUT', field: 'inputs.1.accountId' }],
      [2, 'UPDATED', null],
      [3, 'FAILED', { code: 'BAD_USER_INPUT', field: 'inputs.3.accountId' }],
    ]);
    expect(result.upsertDeals[0]!.deal?.account).toEqual({ id: acme.accounts[0]!.id });
    expect(await dealsNamed('refs batch 0')).toBe(1);
    expect(await dealsNamed('refs batch 1')).toBe(0);
    expect((await readDeal(acme.deals[1]!.id)).account).toEqual({ id: acme.accounts[0]!.id });
  });

  it('refuses an activity assigned to another tenant’s user or about another tenant’s contact', async () => {
    const create = 'mutation($input: CreateActivityInput!) { createActivity(input: $input) { id assignee { id } } }';
    const listed = async () =>
      (await gqlOk<{ activities: Array<{ id: string }> }>(stack.gatewayUrl, 'query($d: ID!) { activities(recordType: DEAL, recordId: $d) { id } }', { d: acme.deals[0]!.id }, { token: acme.admin.token })).activities.length;
    const before = await listed();
    const foreignAssignee = await gql(stack.gatewayUrl, create, { input: { type: 'TASK', subject: 'Call back', recordType: 'DEAL', recordId: acme.deals[0]!.id, assigneeId: globex.rep.id } }, { token: acme.admin.token });
    expect(foreignAssignee.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.assigneeId' });
    expect(await listed()).toBe(before);
    const foreignContact = await gql(stack.gatewayUrl, create, { input: { type: 'NOTE', subject: 'Met them', recordType: 'CONTACT', recordId: globexContact } }, { token: acme.admin.token });
    expect(foreignContact.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.recordId' });
    expect((await gqlOk<{ activities: unknown[] }>(stack.gatewayUrl, 'query($c: ID!) { activities(recordType: CONTACT, recordId: $c) { id } }', { c: globexContact }, { token: acme.admin.token })).activities).toEqual([]);

    const own = await gqlOk<{ createActivity: { assignee: { id: string } | null } }>(
      stack.gatewayUrl,
      create,
      { input: { type: 'TASK', subject: 'Call back', recordType: 'DEAL', recordId: acme.deals[0]!.id, assigneeId: acme.rep.id } },
      { token: acme.admin.token },
    );
    expect(own.createActivity.assignee).toEqual({ id: acme.rep.id });
    const onOwnContact = await gqlOk<{ createActivity: { id: string } }>(stack.gatewayUrl, create, { input: { type: 'NOTE', subject: 'Met them', recordType: 'CONTACT', recordId: acmeContact } }, { token: acme.admin.token });
    expect(onOwnContact.createActivity.id).toBeTruthy();
  });

  it('answers the gateway’s record check only to signed callers', async () => {
    const unsigned = await fetch(new URL('/internal/records/exist', stack.gatewayUrl), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ tenantId: acme.tenantId, records: [{ type: 'ACCOUNT', id: acme.accounts[0]!.id }] }),
    });
    expect(unsigned.status).toBe(401);
  });
});
