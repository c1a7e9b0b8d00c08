/** Saved list views on real PostgreSQL: ownership, sharing, defaults, validation, tenant isolation, events. */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { forTenant } from '@crm/db';
import type { EventEnvelope } from '@crm/events';
import { graphql, seedTenant, startTestPlatform, type TestPlatform } from '../../test-support.ts';

let t: TestPlatform;

beforeAll(async () => {
  t = await startTestPlatform();
});
afterAll(async () => {
  await t?.stop();
});

const FIELDS = 'id list name filter orderBy columns shared isDefault editable owner { id name } createdAt updatedAt';
const LIST = `query($list: SavedViewList!) { savedViews(list: $list) { ${FIELDS} } }`;
const CREATE = `mutation($input: CreateSavedViewInput!) { createSavedView(input: $input) { ${FIELDS} } }`;
const UPDATE = `mutation($id: ID!, $input: UpdateSavedViewInput!) { updateSavedView(id: $id, input: $input) { ${FIELDS} } }`;
const DELETE = 'mutation($id: ID!) { deleteSavedView(id: $id) }';

interface View {
  id: string;
  list: string;
  name: string;
  filter: unknown;
  orderBy: unknown;
  columns: string[];
  shared: boolean;
  isDefault: boolean;
  editable: boolean;
  owner: { id: string; name: string } | null;
}

type Caller = Awaited<ReturnType<typeof seedTenant>>['as']['admin'];

async function create(caller: Caller, input: Record<string, unknown>): Promise<View> {
  const result = await graphql<{ createSavedView: View }>(t.url, caller, CREATE, { input });
  expect(result.errors).toBeUndefined();
  return result.data!.createSavedView;
}

async function names(caller: Caller, list = 'CONTACTS'): Promise<string[]> {
  const result = await graphql<{ savedViews: View[] }>(t.url, caller, LIST, { list });
  expect(result.errors).toBeUndefined();
  return result.data!.savedViews.map((v) => v.name);
}

describe('createSavedView and savedViews', () => {
  it('keeps a view with its filter, order and columns for its owner, and emits an event', async () => {
    const { as, rep } = await seedTenant(t.platform);
    const view = await create(as.rep, {
      list: 'CONTACTS',
      name: '  My customers ',
      filter: { search: 'ada', lifecycleStage: { eq: 'CUSTOMER' } },
      orderBy: [{ field: 'NAME', direction: 'DESC' }],
      columns: ['name', 'email', 'customFields.tier'],
    });
    expect(view).toMatchObject({
      list: 'CONTACTS',
      name: 'My customers',
      filter: { search: 'ada', lifecycleStage: { eq: 'CUSTOMER' } },
      orderBy: [{ field: 'NAME', direction: 'DESC' }],
      columns: ['name', 'email', 'customFields.tier'],
      shared: false,
      isDefault: false,
      editable: true,
      owner: { id: rep.id, name: 'Rep' },
    });
    const listed = await graphql<{ savedViews: View[] }>(t.url, as.rep, LIST, { list: 'CONTACTS' });
    expect(listed.data!.savedViews).toEqual([view]);
    expect(await names(as.rep, 'LEADS')).toEqual([]);

    const event = await waitForEvent('platform.saved_view.created', view.id);
    expect(event.payload).toEqual({ viewId: view.id, list: 'CONTACTS', name: 'My customers', ownerId: rep.id, shared: false });
    expect(event.actor).toEqual({ userId: rep.id, kind: 'user' });
  });

  it('shows a private view to nobody else, a shared one to the whole tenant and no other tenant', async () => {
    const acme = await seedTenant(t.platform);
    const globex = await seedTenant(t.platform);
    const mine = await create(acme.as.rep, { list: 'DEALS', name: 'Private pipeline' });
    const shared = await create(acme.as.rep, { list: 'DEALS', name: 'Team pipeline', shared: true });

    expect(await names(acme.as.rep, 'DEALS')).toEqual(['Private pipeline', 'Team pipeline']);
    expect(await names(acme.as.manager, 'DEALS')).toEqual(['Team pipeline']);
    expect(await names(acme.as.admin, 'DEALS')).toEqual(['Team pipeline']);
    expect(await names(globex.as.admin, 'DEALS')).toEqual([]);

    // Another user of the tenant cannot read, change or delete a private view: it does not exist for them.
    for (const caller of [acme.as.manager, acme.as.admin]) {
      expect((await graphql(t.url, caller, UPDATE, { id: mine.id, input: { isDefault: true } })).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
      expect((await graphql(t.url, caller, DELETE, { id: mine.id })).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    }
    // Another tenant cannot touch even a shared view.
    expect((await graphql(t.url, globex.as.admin, UPDATE, { id: shared.id, input: { name: 'Mine now' } })).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect((await graphql(t.url, globex.as.admin, DELETE, { id: shared.id })).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    // Row-level security agrees: the other tenant's scoped client sees no rows at all.
    expect(await forTenant(t.platform.prisma, globex.tenant.id).savedView.count()).toBe(0);
    expect(await forTenant(t.platform.prisma, acme.tenant.id).savedView.count()).toBe(2);
  });

  it('lets only the owner or a tenant admin change or delete a shared view', async () => {
    const { as } = await seedTenant(t.platform);
    const shared = await create(as.rep, { list: 'ACCOUNTS', name: 'Big accounts', shared: true, filter: { employees: { gte: 1000 } } });

    const byManager = await graphql(t.url, as.manager, UPDATE, { id: shared.id, input: { name: 'Renamed' } });
    expect(byManager.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await graphql(t.url, as.manager, DELETE, { id: shared.id })).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    const asManager = await graphql<{ savedViews: View[] }>(t.url, as.manager, LIST, { list: 'ACCOUNTS' });
    expect(asManager.data!.savedViews[0]).toMatchObject({ name: 'Big accounts', editable: false });
    const asAdmin = await graphql<{ savedViews: View[] }>(t.url, as.admin, LIST, { list: 'ACCOUNTS' });
    expect(asAdmin.data!.savedViews[0]).toMatchObject({ name: 'Big accounts', editable: true });

    const byAdmin = await graphql<{ updateSavedView: View }>(t.url, as.admin, UPDATE, { id: shared.id, input: { name: 'Enterprise accounts', columns: ['name', 'employees'] } });
    expect(byAdmin.errors).toBeUndefined();
    expect(byAdmin.data!.updateSavedView).toMatchObject({ name: 'Enterprise accounts', columns: ['name', 'employees'], filter: { employees: { gte: 1000 } } });
    const updated = await waitForEvent('platform.saved_view.updated', shared.id);
    expect(updated.payload).toMatchObject({ changed: { name: 'Enterprise accounts', columns: ['name', 'employees'] } });

    expect((await graphql<{ deleteSavedView: string }>(t.url, as.admin, DELETE, { id: shared.id })).data!.deleteSavedView).toBe(shared.id);
    expect(await names(as.rep, 'ACCOUNTS')).toEqual([]);
    await waitForEvent('platform.saved_view.deleted', shared.id);
    expect((await graphql(t.url, as.rep, DELETE, { id: shared.id })).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });
});

describe('default views', () => {
  it('keeps one default per user and list, of their own or a shared view, without touching other users', async () => {
    const { as } = await seedTenant(t.platform);
    const first = await create(as.rep, { list: 'LEADS', name: 'Hot', isDefault: true });
    expect(first.isDefault).toBe(true);
    const second = await create(as.rep, { list: 'LEADS', name: 'New this week', isDefault: true });
    const shared = await create(as.manager, { list: 'LEADS', name: 'Team leads', shared: true, isDefault: true });

    const repViews = (await graphql<{ savedViews: View[] }>(t.url, as.rep, LIST, { list: 'LEADS' })).data!.savedViews;
    expect(repViews.map((v) => [v.name, v.isDefault])).toEqual([
      ['Hot', false],
      ['New this week', true],
      ['Team leads', false],
    ]);

    // A rep may make the manager's shared view their own default, but not change it otherwise.
    const chosen = await graphql<{ updateSavedView: View }>(t.url, as.rep, UPDATE, { id: shared.id, input: { isDefault: true } });
    expect(chosen.errors).toBeUndefined();
    expect(chosen.data!.updateSavedView).toMatchObject({ isDefault: true, editable: false, name: 'Team leads' });
    const after = (await graphql<{ savedViews: View[] }>(t.url, as.rep, LIST, { list: 'LEADS' })).data!.savedViews;
    expect(after.filter((v) => v.isDefault).map((v) => v.id)).toEqual([shared.id]);
    const managerViews = (await graphql<{ savedViews: View[] }>(t.url, as.manager, LIST, { list: 'LEADS' })).data!.savedViews;
    expect(managerViews).toEqual([expect.objectContaining({ id: shared.id, isDefault: true })]);

    // Clearing it leaves the rep without a default; other views are unchanged.
    await graphql(t.url, as.rep, UPDATE, { id: shared.id, input: { isDefault: false } });
    const cleared = (await graphql<{ savedViews: View[] }>(t.url, as.rep, LIST, { list: 'LEADS' })).data!.savedViews;
    expect(cleared.some((v) => v.isDefault)).toBe(false);
    expect(cleared.map((v) => v.id)).toEqual([first.id, second.id, shared.id]);

    // Made private again, a view is nobody else's default.
    await graphql(t.url, as.rep, UPDATE, { id: shared.id, input: { isDefault: true } });
    await graphql(t.url, as.manager, UPDATE, { id: shared.id, input: { shared: false } });
    expect(await names(as.rep, 'LEADS')).toEqual(['Hot', 'New this week']);
    expect(await forTenant(t.platform.prisma, as.rep.tenantId!).savedViewDefault.count({ where: { viewId: shared.id } })).toBe(1);
  });
});

describe('bad input', () => {
  it('refuses bad names, filters, orders and columns with BAD_USER_INPUT, writing nothing', async () => {
    const { as, tenant } = await seedTenant(t.platform);
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ list: 'CONTACTS', name: '   ' }, 'name'],
      [{ list: 'CONTACTS', name: 'x'.repeat(81) }, 'name'],
      [{ list: 'CONTACTS', name: 'Array filter', filter: [1, 2] }, 'filter'],
      [{ list: 'CONTACTS', name: 'String filter', filter: 'all' }, 'filter'],
      [{ list: 'CONTACTS', name: 'Huge filter', filter: { search: 'x'.repeat(9000) } }, 'filter'],
      [{ list: 'CONTACTS', name: 'Deep filter', filter: { a: { b: { c: { d: { e: { f: { g: { h: { i: 1 } } } } } } } } } }, 'filter'],
      [{ list: 'CONTACTS', name: 'Bad order', orderBy: { field: 'NAME' } }, 'orderBy'],
      [{ list: 'CONTACTS', name: 'Bad direction', orderBy: [{ field: 'NAME', direction: 'SIDEWAYS' }] }, 'orderBy.0.direction'],
      [{ list: 'CONTACTS', name: 'Long order', orderBy: Array.from({ length: 6 }, () => ({ field: 'NAME' })) }, 'orderBy'],
      [{ list: 'CONTACTS', name: 'Twice', columns: ['name', 'name'] }, 'columns'],
      [{ list: 'CONTACTS', name: 'Odd column', columns: ['na me'] }, 'columns.0'],
    ];
    for (const [input, field] of cases) {
      const result = await graphql(t.url, as.rep, CREATE, { input });
      expect(result.errors?.[0]?.extensions, JSON.stringify(input).slice(0, 80)).toMatchObject({ code: 'BAD_USER_INPUT', field });
      expect(result.errors?.[0]?.message).not.toMatch(/prisma|sql|\bat\b.*\.ts/i);
    }
    const unknownList = await graphql(t.url, as.rep, CREATE, { input: { list: 'INVOICES', name: 'x' } });
    expect(unknownList.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect((await graphql(t.url, as.rep, UPDATE, { id: 'nope', input: {} })).errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id' });
    expect((await graphql(t.url, as.rep, UPDATE, { id: randomUUID(), input: {} })).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(await forTenant(t.platform.prisma, tenant.id).savedView.count()).toBe(0);
  });

  it('refuses a second view of the same name (any case) with CONFLICT, and anonymous or API-key callers', async () => {
    const { as, tenant } = await seedTenant(t.platform);
    const view = await create(as.rep, { list: 'CONTACTS', name: 'Customers' });
    await create(as.rep, { list: 'LEADS', name: 'Customers' });
    await create(as.manager, { list: 'CONTACTS', name: 'Customers' });
    const again = await graphql(t.url, as.rep, CREATE, { input: { list: 'CONTACTS', name: 'CUSTOMERS ' } });
    expect(again.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', field: 'name' });
    const other = await create(as.rep, { list: 'CONTACTS', name: 'Prospects' });
    const renamed = await graphql(t.url, as.rep, UPDATE, { id: other.id, input: { name: 'customers' } });
    expect(renamed.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', field: 'name' });
    expect(await names(as.rep)).toEqual(['Customers', 'Prospects']);
    expect(view.name).toBe('Customers');

    expect((await graphql(t.url, { tenantId: null }, LIST, { list: 'CONTACTS' })).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const apiKey = await graphql(t.url, { tenantId: tenant.id, userId: null, roles: ['TENANT_ADMIN'], actorKind: 'apikey' }, LIST, { list: 'CONTACTS' });
    expect(apiKey.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});

async function waitForEvent(type: string, aggregateId: string): Promise<EventEnvelope> {
  for (let i = 0; i < 200; i++) {
    const found = t.published.find((event) => event.type === type && event.aggregateId === aggregateId);
    if (found) return found;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`no ${type} event for ${aggregateId}`);
}
