/**
 * Tenant-defined roles through the gateway, on real PostgreSQL, Kafka and Redis: a tenant admin
 * defines CONTACT_VIEWER (contact:read at tenant scope, nothing else) and gives it to a Sales Rep
 * who owns nothing. The rep then reads every contact of the tenant (lists, counts, lookups,
 * search) but changes none, and sees no deal. Changing the role, or taking it away, applies to the
 * rep's next requests without a new token (the gateway drops the cached grants on the role events).
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stack } from '@crm/stack';
import { createDeal, createPipeline, createTenantWithUsers, eventually, gql, gqlOk, STANDARD_STAGES, startRealStack } from '@crm/testkit';

let stack: Stack;

beforeAll(async () => {
  stack = await startRealStack();
});
afterAll(async () => {
  await stack?.stop();
});

type User = { id: string; token: string; email: string };

const CREATE_ROLE = 'mutation($input: CreateRoleInput!) { createRole(input: $input) { id name grants { permission scope } } }';
const UPDATE_ROLE = 'mutation($id: ID!, $input: UpdateRoleInput!) { updateRole(id: $id, input: $input) { id grants { permission scope } } }';
const DELETE_ROLE = 'mutation($id: ID!) { deleteRole(id: $id) }';
const SET_ROLES = 'mutation($userId: ID!, $ids: [ID!]) { setUserRoles(userId: $userId, customRoleIds: $ids) { id role customRoles { name } } }';
const ROLES = '{ roles { id name builtIn } }';
const CONTACTS = '{ contactsConnection(first: 50) { totalCount nodes { id lastName } } }';

async function seed(label: string) {
  const slug = `${label}-${randomUUID().slice(0, 8)}`;
  const password = `pw-${randomUUID()}`;
  const person = (key: string, role: 'TENANT_ADMIN' | 'SALES_REP') => ({ email: `${key}@${slug}.test`, name: key, role, password });
  const { users } = await createTenantWithUsers(stack, { name: `${label} ${slug}`, slug }, [person('admin', 'TENANT_ADMIN'), person('rep', 'SALES_REP'), person('viewer', 'SALES_REP')]);
  const [admin, rep, viewer] = users as unknown as [User, User, User];
  return { admin, rep, viewer };
}

const code = (result: { errors?: { extensions?: Record<string, unknown> }[] }) => result.errors?.[0]?.extensions?.['code'];

describe('custom roles', () => {
  it('lets a CONTACT_VIEWER read every contact and nothing else, and applies role changes without a new token', async () => {
    const url = stack.gatewayUrl;
    const t = await seed('roles');
    const contact = async (user: User, lastName: string) =>
      (await gqlOk<{ createContact: { id: string } }>(url, 'mutation($input: CreateContactInput!) { createContact(input: $input) { id } }', { input: { firstName: 'Cora', lastName } }, { token: user.token })).createContact.id;
    const ofAdmin = await contact(t.admin, 'Ofadmin');
    const ofRep = await contact(t.rep, 'Ofrep');
    const pipeline = await createPipeline(url, t.admin.token, 'Roles board', STANDARD_STAGES);
    await createDeal(url, t.rep.token, { pipelineId: pipeline.id, stageId: pipeline.stages[0]!.id, name: 'deal of rep', amount: '10.00', currency: 'USD' });
    await createDeal(url, t.admin.token, { pipelineId: pipeline.id, stageId: pipeline.stages[0]!.id, name: 'deal of admin', amount: '20.00', currency: 'USD', ownerId: t.admin.id });

    const contactsOf = async (user: User) => (await gqlOk<{ contactsConnection: { totalCount: number; nodes: { id: string; lastName: string }[] } }>(url, CONTACTS, {}, { token: user.token })).contactsConnection;
    // before: a rep without records sees none (and these facts are now cached by the gateway)
    expect((await contactsOf(t.viewer)).totalCount).toBe(0);

    const created = await gqlOk<{ createRole: { id: string; grants: unknown[] } }>(url, CREATE_ROLE, { input: { name: 'CONTACT_VIEWER', description: 'Reads every contact', grants: [{ permission: 'contact:read', scope: 'TENANT' }] } }, { token: t.admin.token });
    const roleId = created.createRole.id;
    expect(created.createRole.grants).toEqual([{ permission: 'contact:read', scope: 'TENANT' }]);
    const assigned = await gqlOk<{ setUserRoles: { role: string; customRoles: { name: string }[] } }>(url, SET_ROLES, { userId: t.viewer.id, ids: [roleId] }, { token: t.admin.token });
    expect(assigned.setUserRoles).toEqual({ id: t.viewer.id, role: 'SALES_REP', customRoles: [{ name: 'CONTACT_VIEWER' }] });

    // the grant applies within seconds (well inside the one-minute cache lifetime), with the same token
    const started = Date.now();
    const all = await eventually(async () => {
      const seen = await contactsOf(t.viewer);
      return seen.totalCount === 2 ? seen : null;
    }, 15_000);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(all.nodes.map((node) => node.lastName).sort()).toEqual(['Ofadmin', 'Ofrep']);
    const lookup = await gqlOk<{ contact: { id: string } | null }>(url, 'query($id: ID!) { contact(id: $id) { id } }', { id: ofRep }, { token: t.viewer.token });
    expect(lookup.contact?.id).toBe(ofRep);
    const found = await gqlOk<{ search: { hits: { type: string }[] } }>(url, 'query { search(query: "Ofadmin", types: [CONTACT]) { hits { type } } }', {}, { token: t.viewer.token });
    expect(found.search.hits).toEqual([{ type: 'CONTACT' }]);

    // reading is all: no change to a contact, no deal, no lead
    const upsert = await gqlOk<{ upsertContacts: { outcome: string; error: { code: string } | null }[] }>(
      url,
      'mutation($inputs: [UpsertContactInput!]!) { upsertContacts(inputs: $inputs) { outcome error { code } } }',
      { inputs: [{ id: ofAdmin, lastName: 'Renamed' }] },
      { token: t.viewer.token },
    );
    expect(upsert.upsertContacts[0]?.error?.code).toBe('FORBIDDEN');
    expect(code(await gql(url, 'mutation($ids: [ID!]!) { deleteContacts(ids: $ids) { id } }', { ids: [ofRep] }, { token: t.viewer.token }))).toBe('FORBIDDEN');
    expect((await contactsOf(t.admin)).nodes.map((node) => node.lastName).sort()).toEqual(['Ofadmin', 'Ofrep']);
    const deals = await gqlOk<{ deals: unknown[] }>(url, 'query($p: ID!) { deals(pipelineId: $p, first: 50) { name } }', { p: pipeline.id }, { token: t.viewer.token });
    expect(deals.deals).toEqual([]);
    const leads = await gqlOk<{ leadsConnection: { totalCount: number } }>(url, '{ leadsConnection(first: 5) { totalCount } }', {}, { token: t.viewer.token });
    expect(leads.leadsConnection.totalCount).toBe(0);

    // a held role cannot be deleted; the error names the holder
    const held = await gql(url, DELETE_ROLE, { id: roleId }, { token: t.admin.token });
    expect(held.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', userIds: [t.viewer.id] });

    // narrowing the role to own records applies promptly too
    await gqlOk(url, UPDATE_ROLE, { id: roleId, input: { grants: [{ permission: 'contact:read', scope: 'OWN' }] } }, { token: t.admin.token });
    await eventually(async () => (await contactsOf(t.viewer)).totalCount === 0, 15_000);

    // widen again, then take the role away and delete it: the rep is back to their own records
    await gqlOk(url, UPDATE_ROLE, { id: roleId, input: { grants: [{ permission: 'contact:read', scope: 'TENANT' }] } }, { token: t.admin.token });
    await eventually(async () => (await contactsOf(t.viewer)).totalCount === 2, 15_000);
    await gqlOk(url, SET_ROLES, { userId: t.viewer.id, ids: [] }, { token: t.admin.token });
    await eventually(async () => (await contactsOf(t.viewer)).totalCount === 0, 15_000);
    expect((await gqlOk<{ deleteRole: string }>(url, DELETE_ROLE, { id: roleId }, { token: t.admin.token })).deleteRole).toBe(roleId);
    expect((await gqlOk<{ roles: { name: string }[] }>(url, ROLES, {}, { token: t.admin.token })).roles.map((role) => role.name)).not.toContain('CONTACT_VIEWER');
  });

  it('keeps roles inside their tenant and in admins’ hands, and refuses bad input', async () => {
    const url = stack.gatewayUrl;
    const a = await seed('roles-a');
    const b = await seed('roles-b');
    const role = (await gqlOk<{ createRole: { id: string } }>(url, CREATE_ROLE, { input: { name: 'CONTACT_VIEWER', grants: [{ permission: 'contact:read', scope: 'TENANT' }] } }, { token: a.admin.token })).createRole;

    // another tenant's admin neither sees nor assigns it
    const seenByB = await gqlOk<{ roles: { name: string; builtIn: boolean }[] }>(url, ROLES, {}, { token: b.admin.token });
    expect(seenByB.roles.filter((r) => !r.builtIn)).toEqual([]);
    expect(code(await gql(url, SET_ROLES, { userId: b.viewer.id, ids: [role.id] }, { token: b.admin.token }))).toBe('BAD_USER_INPUT');
    expect(code(await gql(url, SET_ROLES, { userId: a.viewer.id, ids: [] }, { token: b.admin.token }))).toBe('NOT_FOUND');
    expect(code(await gql(url, UPDATE_ROLE, { id: role.id, input: { description: 'taken' } }, { token: b.admin.token }))).toBe('NOT_FOUND');
    expect(code(await gql(url, DELETE_ROLE, { id: role.id }, { token: b.admin.token }))).toBe('NOT_FOUND');

    // a non-admin may not list, create or assign roles
    expect(code(await gql(url, ROLES, {}, { token: a.rep.token }))).toBe('FORBIDDEN');
    expect(code(await gql(url, CREATE_ROLE, { input: { name: 'SNEAKY', grants: [{ permission: 'deal:read', scope: 'TENANT' }] } }, { token: a.rep.token }))).toBe('FORBIDDEN');
    expect(code(await gql(url, SET_ROLES, { userId: a.rep.id, ids: [role.id] }, { token: a.rep.token }))).toBe('FORBIDDEN');

    // bad definitions are refused, and nothing is written
    const bad: Record<string, unknown>[] = [
      { name: 'VIEWER', grants: [{ permission: 'contact:teleport', scope: 'TENANT' }] },
      { name: 'VIEWER', grants: [{ permission: 'contact:read', scope: 'GLOBAL' }] },
      { name: 'TENANT_ADMIN', grants: [] },
      { name: 'Contact viewer', grants: [] },
    ];
    for (const input of bad) expect(code(await gql(url, CREATE_ROLE, { input }, { token: a.admin.token })), JSON.stringify(input)).toBe('BAD_USER_INPUT');
    const roles = await gqlOk<{ roles: { name: string; builtIn: boolean }[] }>(url, ROLES, {}, { token: a.admin.token });
    expect(roles.roles.filter((r) => !r.builtIn).map((r) => r.name)).toEqual(['CONTACT_VIEWER']);
  });
});
