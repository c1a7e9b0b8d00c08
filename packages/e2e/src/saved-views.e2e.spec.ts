/**
 * Saved list views through the gateway on real PostgreSQL and Kafka: a view saved by one user is
 * theirs alone until shared, a shared view reaches the whole tenant and no other, only its owner or
 * a tenant admin changes or deletes it, each user keeps their own default, bad input is refused
 * with BAD_USER_INPUT, and every write reaches the audit log through the outbox and Kafka.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stack } from '@crm/stack';
import { createTenantWithUsers, gql, gqlOk, startRealStack } from '@crm/testkit';

interface User {
  id: string;
  token: string;
}

let stack: Stack;
let acme: { admin: User; manager: User; rep: User };
let globex: { admin: User };

beforeAll(async () => {
  stack = await startRealStack();
  const seed = async (name: string, roles: Array<'TENANT_ADMIN' | 'SALES_MANAGER' | 'SALES_REP'>) => {
    const slug = `${name.toLowerCase()}-${randomUUID().slice(0, 8)}`;
    const { users } = await createTenantWithUsers(
      stack,
      { name, slug },
      roles.map((role, i) => ({ email: `u${i}@${slug}.test`, name: `${name} ${role.toLowerCase()}`, role, password: `pw-${randomUUID()}` })),
    );
    return users;
  };
  const [admin, manager, rep] = await seed('Acme', ['TENANT_ADMIN', 'SALES_MANAGER', 'SALES_REP']);
  acme = { admin: admin!, manager: manager!, rep: rep! };
  const [otherAdmin] = await seed('Globex', ['TENANT_ADMIN']);
  globex = { admin: otherAdmin! };
});
afterAll(async () => {
  await stack?.stop();
});

const FIELDS = 'id list name filter orderBy columns shared isDefault editable owner { id }';
const LIST = `query($list: SavedViewList!) { savedViews(list: $list) { ${FIELDS} } }`;
const CREATE = `mutation($input: CreateSavedViewInput!) { createSavedView(input: $input) { ${FIELDS} } }`;
const UPDATE = `mutation($id: ID!, $input: UpdateSavedViewInput!) { updateSavedView(id: $id, input: $input) { ${FIELDS} } }`;
const DELETE = 'mutation($id: ID!) { deleteSavedView(id: $id) }';

interface View {
  id: string;
  name: string;
  filter: unknown;
  orderBy: unknown;
  columns: string[];
  shared: boolean;
  isDefault: boolean;
  editable: boolean;
  owner: { id: string } | null;
}

const create = async (user: User, input: Record<string, unknown>) => (await gqlOk<{ createSavedView: View }>(stack.gatewayUrl, CREATE, { input }, { token: user.token })).createSavedView;
const views = async (user: User, list: string) => (await gqlOk<{ savedViews: View[] }>(stack.gatewayUrl, LIST, { list }, { token: user.token })).savedViews;
const codeOf = (result: { errors?: Array<{ extensions?: Record<string, unknown> }> }) => result.errors?.[0]?.extensions?.['code'];

describe('saved views through the gateway', () => {
  it('keeps a private view for its owner only and a shared one for the whole tenant, never another tenant', async () => {
    const mine = await create(acme.rep, {
      list: 'CONTACTS',
      name: 'My customers',
      filter: { search: 'ada', choice: 'CUSTOMER' },
      orderBy: [{ field: 'NAME', direction: 'ASC' }],
      columns: ['name', 'email'],
    });
    expect(mine).toMatchObject({ filter: { search: 'ada', choice: 'CUSTOMER' }, orderBy: [{ field: 'NAME', direction: 'ASC' }], columns: ['name', 'email'], shared: false, editable: true, owner: { id: acme.rep.id } });
    const shared = await create(acme.rep, { list: 'CONTACTS', name: 'Everyone’s customers', shared: true });

    expect((await views(acme.rep, 'CONTACTS')).map((v) => v.id)).toEqual([shared.id, mine.id]);
    // A colleague — even the tenant admin — does not see the private one, and cannot reach it by id.
    expect((await views(acme.manager, 'CONTACTS')).map((v) => v.id)).toEqual([shared.id]);
    expect((await views(acme.admin, 'CONTACTS')).map((v) => v.id)).toEqual([shared.id]);
    expect(codeOf(await gql(stack.gatewayUrl, UPDATE, { id: mine.id, input: { isDefault: true } }, { token: acme.admin.token }))).toBe('NOT_FOUND');
    expect(codeOf(await gql(stack.gatewayUrl, DELETE, { id: mine.id }, { token: acme.manager.token }))).toBe('NOT_FOUND');
    // Another tenant sees neither and cannot touch the shared one.
    expect(await views(globex.admin, 'CONTACTS')).toEqual([]);
    expect(codeOf(await gql(stack.gatewayUrl, UPDATE, { id: shared.id, input: { name: 'Taken over' } }, { token: globex.admin.token }))).toBe('NOT_FOUND');
    expect(codeOf(await gql(stack.gatewayUrl, DELETE, { id: shared.id }, { token: globex.admin.token }))).toBe('NOT_FOUND');
    expect(codeOf(await gql(stack.gatewayUrl, LIST, { list: 'CONTACTS' }))).toBe('UNAUTHENTICATED');
  });

  it('lets only the owner or a tenant admin change a shared view, and anyone pick it as their own default', async () => {
    const shared = await create(acme.manager, { list: 'DEALS', name: 'Closing this month', shared: true, filter: { status: { eq: 'OPEN' } } });
    const forbidden = await gql(stack.gatewayUrl, UPDATE, { id: shared.id, input: { name: 'Mine' } }, { token: acme.rep.token });
    expect(codeOf(forbidden)).toBe('FORBIDDEN');
    expect(codeOf(await gql(stack.gatewayUrl, DELETE, { id: shared.id }, { token: acme.rep.token }))).toBe('FORBIDDEN');

    const picked = await gqlOk<{ updateSavedView: View }>(stack.gatewayUrl, UPDATE, { id: shared.id, input: { isDefault: true } }, { token: acme.rep.token });
    expect(picked.updateSavedView).toMatchObject({ isDefault: true, editable: false, name: 'Closing this month' });
    expect((await views(acme.manager, 'DEALS')).map((v) => [v.name, v.isDefault])).toEqual([['Closing this month', false]]);

    const renamed = await gqlOk<{ updateSavedView: View }>(stack.gatewayUrl, UPDATE, { id: shared.id, input: { name: 'Closing soon', orderBy: [{ field: 'EXPECTED_CLOSE_DATE' }] } }, { token: acme.admin.token });
    expect(renamed.updateSavedView).toMatchObject({ name: 'Closing soon', orderBy: [{ field: 'EXPECTED_CLOSE_DATE' }], filter: { status: { eq: 'OPEN' } } });
    expect((await views(acme.rep, 'DEALS')).map((v) => [v.name, v.isDefault])).toEqual([['Closing soon', true]]);

    expect((await gqlOk<{ deleteSavedView: string }>(stack.gatewayUrl, DELETE, { id: shared.id }, { token: acme.manager.token })).deleteSavedView).toBe(shared.id);
    expect(await views(acme.rep, 'DEALS')).toEqual([]);

    // Every change reached the audit log through the outbox and Kafka.
    await expect
      .poll(
        async () => {
          const data = await gqlOk<{ auditLog: { edges: Array<{ node: { action: string } }> } }>(
            stack.gatewayUrl,
            'query($id: ID) { auditLog(filter: { recordId: $id }, first: 20) { edges { node { action } } } }',
            { id: shared.id },
            { token: acme.admin.token },
          );
          return data.auditLog.edges.map((e) => e.node.action).sort();
        },
        { timeout: 30_000, interval: 500 },
      )
      .toEqual(['platform.saved_view.created', 'platform.saved_view.deleted', 'platform.saved_view.updated', 'platform.saved_view.updated']);
  });

  it('refuses bad input with BAD_USER_INPUT and a field, and a taken name with CONFLICT, saving nothing', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ list: 'LEADS', name: '' }, 'name'],
      [{ list: 'LEADS', name: 'List filter', filter: ['a'] }, 'filter'],
      [{ list: 'LEADS', name: 'Huge filter', filter: { search: 'x'.repeat(10_000) } }, 'filter'],
      [{ list: 'LEADS', name: 'Bad order', orderBy: [{ field: 'NAME', direction: 'UP' }] }, 'orderBy.0.direction'],
      [{ list: 'LEADS', name: 'Repeated columns', columns: ['name', 'name'] }, 'columns'],
    ];
    for (const [input, field] of cases) {
      const result = await gql(stack.gatewayUrl, CREATE, { input }, { token: acme.rep.token });
      expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
      expect(JSON.stringify(result.errors)).not.toMatch(/prisma|stack/i);
    }
    expect(codeOf(await gql(stack.gatewayUrl, CREATE, { input: { list: 'INVOICES', name: 'x' } }, { token: acme.rep.token }))).toBe('BAD_USER_INPUT');
    await create(acme.rep, { list: 'LEADS', name: 'Hot leads' });
    const taken = await gql(stack.gatewayUrl, CREATE, { input: { list: 'LEADS', name: 'hot LEADS' } }, { token: acme.rep.token });
    expect(taken.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', field: 'name' });
    expect((await views(acme.rep, 'LEADS')).map((v) => v.name)).toEqual(['Hot leads']);
  });
});
