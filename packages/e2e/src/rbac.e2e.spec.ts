/**
 * Roles and scopes through the gateway: a tenant with two teams (each a manager and reps) and an
 * admin. Sales Reps read and change only their own deals and contacts, Sales Managers those of
 * their team's users, tenant admins everything (records without an owner included). The gateway
 * adds each signed-in user's team facts to the identity it forwards.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stack } from '@crm/stack';
import { createAccount, createDeal, createPipeline, createTenantWithUsers, gql, gqlOk, STANDARD_STAGES, startRealStack } from '@crm/testkit';

let stack: Stack;

beforeAll(async () => {
  stack = await startRealStack();
});
afterAll(async () => {
  await stack?.stop();
});

type User = { id: string; token: string; name: string };

async function seedTeams() {
  const slug = `rbac-${randomUUID().slice(0, 8)}`;
  const password = `pw-${randomUUID()}`;
  const person = (key: string, role: 'TENANT_ADMIN' | 'SALES_MANAGER' | 'SALES_REP') => ({ email: `${key}@${slug}.test`, name: `${key}`, role, password });
  const { users } = await createTenantWithUsers(stack, { name: `RBAC ${slug}`, slug }, [
    person('admin', 'TENANT_ADMIN'),
    person('managerA', 'SALES_MANAGER'),
    person('repA1', 'SALES_REP'),
    person('repA2', 'SALES_REP'),
    person('managerB', 'SALES_MANAGER'),
    person('repB', 'SALES_REP'),
  ]);
  const [admin, managerA, repA1, repA2, managerB, repB] = users as unknown as [User, User, User, User, User, User];
  const url = stack.gatewayUrl;
  const asAdmin = <T>(query: string, variables: Record<string, unknown>) => gqlOk<T>(url, query, variables, { token: admin.token });
  const team = async (name: string, manager: User, members: User[]) => {
    const { createTeam } = await asAdmin<{ createTeam: { id: string } }>('mutation($input: CreateTeamInput!) { createTeam(input: $input) { id } }', { input: { name, managerId: manager.id } });
    for (const member of members) await asAdmin('mutation($u: ID!, $t: ID) { assignUserToTeam(userId: $u, teamId: $t) { id } }', { u: member.id, t: createTeam.id });
  };
  await team('Team A', managerA, [repA1, repA2]);
  await team('Team B', managerB, [repB]);

  const pipeline = await createPipeline(url, admin.token, 'RBAC board', STANDARD_STAGES);
  const stageId = pipeline.stages[0]!.id;
  const deal = (owner: User, name: string, extra: Record<string, unknown> = {}) =>
    createDeal(url, owner.token, { pipelineId: pipeline.id, stageId, name, amount: '1000.00', currency: 'USD', ...extra });
  const deals = {
    repA1: await deal(repA1, 'deal of repA1'),
    repA2: await deal(repA2, 'deal of repA2'),
    repB: await deal(repB, 'deal of repB'),
    unowned: await deal(admin, 'unowned deal'),
  };
  return { admin, managerA, repA1, repA2, managerB, repB, pipeline, stageId, deals };
}

const DEALS = 'query($p: ID!) { deals(pipelineId: $p, first: 100) { name owner { id } } }';
const dealNames = async (user: User, pipelineId: string) =>
  (await gqlOk<{ deals: { name: string }[] }>(stack.gatewayUrl, DEALS, { p: pipelineId }, { token: user.token })).deals.map((deal) => deal.name).sort();

describe('deals by role and team', () => {
  it('shows a rep their own deals, a manager the team’s, an admin all (unowned included)', async () => {
    const t = await seedTeams();
    expect(await dealNames(t.repA1, t.pipeline.id)).toEqual(['deal of repA1']);
    expect(await dealNames(t.repB, t.pipeline.id)).toEqual(['deal of repB']);
    expect(await dealNames(t.managerA, t.pipeline.id)).toEqual(['deal of repA1', 'deal of repA2']);
    expect(await dealNames(t.managerB, t.pipeline.id)).toEqual(['deal of repB']);
    expect(await dealNames(t.admin, t.pipeline.id)).toEqual(['deal of repA1', 'deal of repA2', 'deal of repB', 'unowned deal']);

    // a deal created by a rep without an owner is theirs
    const own = await gqlOk<{ deal: { owner: { id: string } | null } | null }>(stack.gatewayUrl, 'query($id: ID!) { deal(id: $id) { owner { id } } }', { id: t.deals.repA1.id }, { token: t.repA1.token });
    expect(own.deal?.owner?.id).toBe(t.repA1.id);

    // lookups agree with lists
    const lookup = (user: User, id: string) => gqlOk<{ deal: { id: string } | null }>(stack.gatewayUrl, 'query($id: ID!) { deal(id: $id) { id } }', { id }, { token: user.token });
    expect((await lookup(t.repA1, t.deals.repA2.id)).deal).toBeNull();
    expect((await lookup(t.managerA, t.deals.repA2.id)).deal?.id).toBe(t.deals.repA2.id);
    expect((await lookup(t.managerA, t.deals.repB.id)).deal).toBeNull();
    expect((await lookup(t.managerA, t.deals.unowned.id)).deal).toBeNull();
  });

  it('refuses changes outside the caller’s scope with FORBIDDEN, and allows them within it', async () => {
    const t = await seedTeams();
    const rename = (user: User, id: string, name: string) =>
      gql<{ updateDeal: { name: string } | null }>(stack.gatewayUrl, 'mutation($id: ID!, $input: UpdateDealInput!) { updateDeal(id: $id, input: $input) { name } }', { id, input: { name } }, { token: user.token });

    const refused = await rename(t.repA1, t.deals.repA2.id, 'taken over');
    expect(refused.errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
    const deleted = await gql(stack.gatewayUrl, 'mutation($id: ID!) { deleteDeal(id: $id) }', { id: t.deals.repB.id }, { token: t.managerA.token });
    expect(deleted.errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
    const ownRename = await rename(t.repA1, t.deals.repA1.id, 'still mine');
    expect(ownRename.data?.updateDeal?.name).toBe('still mine');
    const reassigned = await gql(stack.gatewayUrl, 'mutation($id: ID!, $input: UpdateDealInput!) { updateDeal(id: $id, input: $input) { id } }', { id: t.deals.repA1.id, input: { ownerId: t.repB.id } }, { token: t.repA1.token });
    expect(reassigned.errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');

    expect((await rename(t.managerA, t.deals.repA2.id, 'coached')).data?.updateDeal?.name).toBe('coached');
    expect((await rename(t.admin, t.deals.repB.id, 'audited')).data?.updateDeal?.name).toBe('audited');

    const forSomeoneElse = await gql(
      stack.gatewayUrl,
      'mutation($input: CreateDealInput!) { createDeal(input: $input) { id } }',
      { input: { pipelineId: t.pipeline.id, stageId: t.stageId, name: 'for repA2', amount: '1.00', currency: 'USD', ownerId: t.repA2.id } },
      { token: t.repA1.token },
    );
    expect(forSomeoneElse.errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
    // a manager may create a deal for a member of their team
    const forTeam = await createDeal(stack.gatewayUrl, t.managerA.token, { pipelineId: t.pipeline.id, stageId: t.stageId, name: 'for the team', amount: '1.00', currency: 'USD', ownerId: t.repA2.id });
    expect(await dealNames(t.repA2, t.pipeline.id)).toContain(forTeam.name);
  });
});

describe('customer records by role and team, across subgraphs', () => {
  it('scopes contacts and resolves a referenced account the caller may not read to null', async () => {
    const t = await seedTeams();
    const contact = (user: User, lastName: string) =>
      gqlOk(stack.gatewayUrl, 'mutation($input: CreateContactInput!) { createContact(input: $input) { id } }', { input: { firstName: 'C', lastName } }, { token: user.token });
    await contact(t.repA1, 'OfRepA1');
    await contact(t.repA2, 'OfRepA2');
    await contact(t.repB, 'OfRepB');
    const COUNT = 'query { contactsConnection(first: 50) { totalCount nodes { lastName } } contactsGroupBy(field: OWNER) { key count } }';
    type Seen = { contactsConnection: { totalCount: number; nodes: { lastName: string }[] }; contactsGroupBy: { key: string | null; count: number }[] };
    const seen = async (user: User) => (await gqlOk<Seen>(stack.gatewayUrl, COUNT, {}, { token: user.token }));
    const repA1 = await seen(t.repA1);
    expect(repA1.contactsConnection.totalCount).toBe(1);
    expect(repA1.contactsConnection.nodes.map((c) => c.lastName)).toEqual(['OfRepA1']);
    expect(repA1.contactsGroupBy).toEqual([{ key: t.repA1.id, count: 1 }]);
    const managerA = await seen(t.managerA);
    expect(managerA.contactsConnection.nodes.map((c) => c.lastName).sort()).toEqual(['OfRepA1', 'OfRepA2']);
    expect((await seen(t.admin)).contactsConnection.totalCount).toBe(3);

    // an account owned by repB, on a deal of repA1: the customer subgraph resolves it to null for repA1
    const account = await createAccount(stack.gatewayUrl, t.admin.token, { name: 'B territory', ownerId: t.repB.id });
    const deal = await createDeal(stack.gatewayUrl, t.repA1.token, { pipelineId: t.pipeline.id, stageId: t.stageId, name: 'cross-team', amount: '5.00', currency: 'USD', accountId: account.id });
    const ACCOUNT_OF = 'query($id: ID!) { deal(id: $id) { name account { name } } }';
    const asRep = await gqlOk<{ deal: { name: string; account: { name: string } | null } }>(stack.gatewayUrl, ACCOUNT_OF, { id: deal.id }, { token: t.repA1.token });
    expect(asRep.deal).toEqual({ name: 'cross-team', account: null });
    const asAdmin = await gqlOk<{ deal: { account: { name: string } | null } }>(stack.gatewayUrl, ACCOUNT_OF, { id: deal.id }, { token: t.admin.token });
    expect(asAdmin.deal.account?.name).toBe('B territory');
  });
});
