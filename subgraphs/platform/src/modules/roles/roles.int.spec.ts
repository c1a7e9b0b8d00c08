/** Custom roles on real PostgreSQL, through the subgraph's GraphQL: definitions, assignment, events and the grants the gateway signs. */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventEnvelope } from '@crm/events';
import { IDENTITY_HEADER, signIdentity } from '@crm/runtime';
import { graphql, identity, seedTenant, startTestPlatform, TEST_SIGNING_SECRET, type TestPlatform } from '../../test-support.ts';
import { TEAM_FACTS_PATH } from '../users/lib/team-facts-route.ts';

let t: TestPlatform;

beforeAll(async () => {
  t = await startTestPlatform();
});
afterAll(async () => {
  await t?.stop();
});

const ROLE_FIELDS = 'id name description builtIn grants { permission scope } users { id }';
const ROLES = `{ roles { ${ROLE_FIELDS} } }`;
const CREATE = `mutation($input: CreateRoleInput!) { createRole(input: $input) { ${ROLE_FIELDS} } }`;
const UPDATE = `mutation($id: ID!, $input: UpdateRoleInput!) { updateRole(id: $id, input: $input) { ${ROLE_FIELDS} } }`;
const DELETE = 'mutation($id: ID!) { deleteRole(id: $id) }';
const SET_ROLES = 'mutation($userId: ID!, $role: Role, $ids: [ID!]) { setUserRoles(userId: $userId, role: $role, customRoleIds: $ids) { id role customRoles { id name } } }';

type RoleRow = { id: string; name: string; description: string; builtIn: boolean; grants: { permission: string; scope: string }[]; users: { id: string }[] };

async function waitForEvent(type: string, aggregateId: string): Promise<EventEnvelope> {
  for (let i = 0; i < 200; i++) {
    const found = t.published.find((event) => event.type === type && event.aggregateId === aggregateId);
    if (found) return found;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`no ${type} event for ${aggregateId}`);
}

async function facts(tenantId: string, userId: string) {
  const response = await fetch(`${t.url}${TEAM_FACTS_PATH}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', [IDENTITY_HEADER]: signIdentity(identity(null), TEST_SIGNING_SECRET) },
    body: JSON.stringify({ tenantId, userId }),
  });
  return (await response.json()) as { customGrants: Record<string, string> };
}

const viewerInput = (name = 'CONTACT_VIEWER') => ({ name, description: 'Reads every contact', grants: [{ permission: 'contact:read', scope: 'TENANT' }] });

describe('roles', () => {
  it('lists the built-in roles read-only with their grants, then custom roles', async () => {
    const { as, admin, rep } = await seedTenant(t.platform);
    const created = await graphql<{ createRole: RoleRow }>(t.url, as.admin, CREATE, { input: viewerInput() });
    expect(created.errors).toBeUndefined();
    expect(created.data!.createRole).toEqual({ id: expect.any(String), name: 'CONTACT_VIEWER', description: 'Reads every contact', builtIn: false, grants: [{ permission: 'contact:read', scope: 'TENANT' }], users: [] });

    const { data } = await graphql<{ roles: RoleRow[] }>(t.url, as.admin, ROLES);
    expect(data!.roles.map((role) => [role.name, role.builtIn])).toEqual([
      ['TENANT_ADMIN', true],
      ['SALES_MANAGER', true],
      ['SALES_REP', true],
      ['CONTACT_VIEWER', false],
    ]);
    const repRole = data!.roles.find((role) => role.name === 'SALES_REP')!;
    expect(repRole.id).toBe('SALES_REP');
    expect(repRole.grants).toContainEqual({ permission: 'deal:update', scope: 'OWN' });
    expect(repRole.grants).toContainEqual({ permission: 'user:read', scope: 'TENANT' });
    expect(repRole.users).toEqual([{ id: rep.id }]);
    expect(data!.roles.find((role) => role.name === 'TENANT_ADMIN')!.users).toEqual([{ id: admin.id }]);
    const event = await waitForEvent('platform.role.created', created.data!.createRole.id!);
    expect(event.payload).toEqual({ roleId: created.data!.createRole.id, name: 'CONTACT_VIEWER', description: 'Reads every contact', grants: { 'contact:read': 'tenant' } });
    expect(event.actor).toEqual({ userId: admin.id, kind: 'user' });
  });

  it('assigns custom roles to users (merged grants in the team facts), updates and deletes them', async () => {
    const { tenant, as, rep } = await seedTenant(t.platform);
    const viewer = (await graphql<{ createRole: RoleRow }>(t.url, as.admin, CREATE, { input: viewerInput() })).data!.createRole;
    const dealer = (await graphql<{ createRole: RoleRow }>(t.url, as.admin, CREATE, { input: { name: 'DEAL_READER', grants: [{ permission: 'deal:read', scope: 'TEAM' }, { permission: 'contact:read', scope: 'OWN' }] } })).data!.createRole;
    expect(await facts(tenant.id, rep.id)).toMatchObject({ customGrants: {} });

    const set = await graphql<{ setUserRoles: { role: string; customRoles: { id: string; name: string }[] } }>(t.url, as.admin, SET_ROLES, { userId: rep.id, ids: [dealer.id, viewer.id] });
    expect(set.errors).toBeUndefined();
    expect(set.data!.setUserRoles).toMatchObject({ role: 'SALES_REP', customRoles: [{ id: viewer.id, name: 'CONTACT_VIEWER' }, { id: dealer.id, name: 'DEAL_READER' }] });
    expect((await facts(tenant.id, rep.id)).customGrants).toEqual({ 'contact:read': 'tenant', 'deal:read': 'team' });
    const changed = await waitForEvent('platform.user.roles_changed', rep.id);
    expect(changed.payload).toMatchObject({ userId: rep.id, role: 'SALES_REP', previousRole: 'SALES_REP', customRoles: [{ id: viewer.id, name: 'CONTACT_VIEWER' }, { id: dealer.id, name: 'DEAL_READER' }] });

    // held: deleting is refused and names the holders
    const refused = await graphql(t.url, as.admin, DELETE, { id: viewer.id });
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', userIds: [rep.id] });
    expect(refused.errors?.[0]?.message).toContain(rep.email);

    // updating the grants reaches the holders' facts and names them in the event
    const updated = await graphql<{ updateRole: RoleRow }>(t.url, as.admin, UPDATE, { id: viewer.id, input: { grants: [{ permission: 'contact:read', scope: 'TEAM' }, { permission: 'lead:read', scope: 'TENANT' }] } });
    expect(updated.data!.updateRole).toMatchObject({ description: 'Reads every contact', grants: [{ permission: 'contact:read', scope: 'TEAM' }, { permission: 'lead:read', scope: 'TENANT' }], users: [{ id: rep.id }] });
    expect((await facts(tenant.id, rep.id)).customGrants).toEqual({ 'contact:read': 'team', 'deal:read': 'team', 'lead:read': 'tenant' });
    expect((await waitForEvent('platform.role.updated', viewer.id)).payload).toMatchObject({ userIds: [rep.id], grants: { 'contact:read': 'team', 'lead:read': 'tenant' } });

    // a new built-in role and fewer custom roles
    const moved = await graphql<{ setUserRoles: { role: string; customRoles: { name: string }[] } }>(t.url, as.admin, SET_ROLES, { userId: rep.id, role: 'SALES_MANAGER', ids: [dealer.id] });
    expect(moved.data!.setUserRoles).toMatchObject({ role: 'SALES_MANAGER', customRoles: [{ name: 'DEAL_READER' }] });
    expect((await facts(tenant.id, rep.id)).customGrants).toEqual({ 'contact:read': 'own', 'deal:read': 'team' });

    // no longer held: deleted, with an event
    const deleted = await graphql<{ deleteRole: string }>(t.url, as.admin, DELETE, { id: viewer.id });
    expect(deleted.data!.deleteRole).toBe(viewer.id);
    expect((await waitForEvent('platform.role.deleted', viewer.id)).payload).toMatchObject({ name: 'CONTACT_VIEWER' });
    expect((await graphql<{ roles: RoleRow[] }>(t.url, as.admin, ROLES)).data!.roles.map((role) => role.name)).not.toContain('CONTACT_VIEWER');
    expect((await graphql(t.url, as.admin, DELETE, { id: viewer.id })).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('refuses bad input with BAD_USER_INPUT and writes nothing', async () => {
    const { as, admin, rep } = await seedTenant(t.platform);
    const cases: [Record<string, unknown>, string][] = [
      [{ name: 'VIEWER', grants: [{ permission: 'contact:fly', scope: 'TENANT' }] }, 'Unknown permission'],
      [{ name: 'VIEWER', grants: [{ permission: 'contact:read', scope: 'GLOBAL' }] }, 'global'],
      [{ name: 'SALES_REP', grants: [] }, 'built-in'],
      [{ name: 'contact viewer', grants: [] }, 'SCREAMING_CASE'],
      [{ name: 'VIEWER', grants: [{ permission: 'contact:read', scope: 'OWN' }, { permission: 'contact:read', scope: 'TEAM' }] }, 'twice'],
      [{ name: 'VIEWER', description: 'x'.repeat(501), grants: [] }, 'description'],
    ];
    for (const [input, message] of cases) {
      const result = await graphql(t.url, as.admin, CREATE, { input });
      expect(result.errors?.[0]?.extensions?.code, JSON.stringify(input)).toBe('BAD_USER_INPUT');
      expect(result.errors?.[0]?.message).toContain(message);
    }
    expect((await graphql<{ roles: RoleRow[] }>(t.url, as.admin, ROLES)).data!.roles.filter((role) => !role.builtIn)).toEqual([]);

    await graphql(t.url, as.admin, CREATE, { input: viewerInput() });
    expect((await graphql(t.url, as.admin, CREATE, { input: viewerInput() })).errors?.[0]?.extensions?.code).toBe('CONFLICT');
    const role = (await graphql<{ roles: RoleRow[] }>(t.url, as.admin, ROLES)).data!.roles.find((r) => r.name === 'CONTACT_VIEWER')!;
    expect((await graphql(t.url, as.admin, UPDATE, { id: role.id, input: { grants: [{ permission: 'deal:read', scope: 'GLOBAL' }] } })).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect((await graphql(t.url, as.admin, UPDATE, { id: randomUUID(), input: { description: 'x' } })).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect((await graphql(t.url, as.admin, UPDATE, { id: 'SALES_REP', input: { description: 'x' } })).errors?.[0]).toMatchObject({ message: 'SALES_REP is a built-in role and cannot be changed', extensions: { code: 'BAD_USER_INPUT' } });
    expect((await graphql(t.url, as.admin, DELETE, { id: 'TENANT_ADMIN' })).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');

    const setCases: [Record<string, unknown>, string][] = [
      [{ userId: rep.id, role: 'SYSTEM_ADMIN' }, 'BAD_USER_INPUT'],
      [{ userId: rep.id, ids: [randomUUID()] }, 'BAD_USER_INPUT'],
      [{ userId: rep.id, ids: ['nope'] }, 'BAD_USER_INPUT'],
      [{ userId: admin.id, role: 'SALES_REP' }, 'BAD_USER_INPUT'],
      [{ userId: randomUUID(), ids: [] }, 'NOT_FOUND'],
    ];
    for (const [variables, code] of setCases) {
      expect((await graphql(t.url, as.admin, SET_ROLES, variables)).errors?.[0]?.extensions?.code, JSON.stringify(variables)).toBe(code);
    }
    const after = await graphql<{ user: { role: string; customRoles: unknown[] } }>(t.url, as.admin, '{ user(id: "' + rep.id + '") { role customRoles { id } } }');
    expect(after.data!.user).toEqual({ role: 'SALES_REP', customRoles: [] });
  });

  it('is for tenant admins of the tenant only', async () => {
    const a = await seedTenant(t.platform);
    const b = await seedTenant(t.platform);
    const role = (await graphql<{ createRole: RoleRow }>(t.url, a.as.admin, CREATE, { input: viewerInput() })).data!.createRole;

    for (const caller of [a.as.manager, a.as.rep, { ...identity(a.tenant.id, null, ['SALES_MANAGER']), actorKind: 'apikey' as const, apiKeyId: randomUUID() }]) {
      expect((await graphql(t.url, caller, ROLES)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      expect((await graphql(t.url, caller, CREATE, { input: viewerInput('OTHER_ROLE') })).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      expect((await graphql(t.url, caller, SET_ROLES, { userId: a.rep.id, ids: [role.id] })).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    }
    // a custom role granting user:update does not make its holder a role admin
    const userAdmin = (await graphql<{ createRole: RoleRow }>(t.url, a.as.admin, CREATE, { input: { name: 'USER_ADMIN', grants: [{ permission: 'user:update', scope: 'TENANT' }] } })).data!.createRole;
    await graphql(t.url, a.as.admin, SET_ROLES, { userId: a.rep.id, ids: [userAdmin.id] });
    const holder = { ...a.as.rep, customGrants: { 'user:update': 'tenant' } };
    expect((await graphql(t.url, holder, SET_ROLES, { userId: a.rep.id, role: 'TENANT_ADMIN' })).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    // in the platform, custom grants widen reads but never writes that hand out access
    const delegate = { ...a.as.rep, customGrants: { 'user:create': 'tenant', 'apikey:create': 'tenant', 'audit:read': 'tenant' } };
    const invite = await graphql(t.url, delegate, 'mutation($input: InviteUserInput!) { inviteUser(input: $input) { id } }', { input: { email: `boss-${randomUUID().slice(0, 6)}@example.com`, name: 'Boss', role: 'TENANT_ADMIN' } });
    expect(invite.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await graphql(t.url, delegate, 'mutation { createApiKey(input: { name: "k", role: TENANT_ADMIN }) { key } }')).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await graphql(t.url, a.as.rep, '{ auditLog(first: 1) { edges { cursor } } }')).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await graphql(t.url, delegate, '{ auditLog(first: 1) { edges { cursor } } }')).errors).toBeUndefined();

    // a user sees their own custom roles, not a colleague's
    const CUSTOM_ROLES_OF = 'query($id: ID!) { user(id: $id) { customRoles { name } } }';
    expect((await graphql<{ user: { customRoles: { name: string }[] } }>(t.url, holder, CUSTOM_ROLES_OF, { id: a.rep.id })).data!.user.customRoles).toEqual([{ name: 'USER_ADMIN' }]);
    expect((await graphql(t.url, a.as.manager, CUSTOM_ROLES_OF, { id: a.rep.id })).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    // another tenant's admin sees none of a's roles and cannot assign or change them
    const seen = await graphql<{ roles: RoleRow[] }>(t.url, b.as.admin, ROLES);
    expect(seen.data!.roles.map((r) => r.name)).toEqual(['TENANT_ADMIN', 'SALES_MANAGER', 'SALES_REP']);
    expect((await graphql(t.url, b.as.admin, SET_ROLES, { userId: b.rep.id, ids: [role.id] })).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect((await graphql(t.url, b.as.admin, SET_ROLES, { userId: a.rep.id, ids: [] })).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect((await graphql(t.url, b.as.admin, UPDATE, { id: role.id, input: { description: 'mine now' } })).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect((await graphql(t.url, b.as.admin, DELETE, { id: role.id })).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    // the same name is free in another tenant
    expect((await graphql(t.url, b.as.admin, CREATE, { input: viewerInput() })).errors).toBeUndefined();
  });
});
