/**
 * The permission matrix through the gateway: role × resource × action × record kind, generated
 * from the permission table (`ROLE_GRANTS` and `scopeOf` in @crm/authz), never written out by hand.
 *
 * One tenant with two teams (Team A: a manager, two reps and the tenant admin; Team B: a manager
 * and a rep) and a second tenant. For each role (TENANT_ADMIN, SALES_MANAGER, SALES_REP acting as
 * a member of Team A) and each sales resource (contact, account, lead, deal, activity), four
 * records: the actor's own, a teammate's, one of the other team's and one of the other tenant's.
 * Every path a client has is tried on each of them — list (connection nodes), count (totalCount
 * and groupBy), node lookup, search, update, delete, and create for that owner — and compared with
 * what the grant's scope reaches. A failing cell is named as `role resource path kind`.
 *
 * Creating a record "for" a user of another tenant is the one cell the scopes do not decide: it is
 * refused, FORBIDDEN by a grant narrower than the tenant, BAD_USER_INPUT (not a user of the
 * tenant) by a tenant-wide one.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scopeOf, type Action, type Resource, type Scope } from '@crm/authz';
import { createTeam, type Stack } from '@crm/stack';
import { createPipeline, createTenantWithUsers, gql, gqlOk, STANDARD_STAGES, startRealStack } from '@crm/testkit';

const ROLES = ['TENANT_ADMIN', 'SALES_MANAGER', 'SALES_REP'] as const;
type Role = (typeof ROLES)[number];
const RESOURCES = ['contact', 'account', 'lead', 'deal', 'activity'] as const satisfies readonly Resource[];
type SalesResource = (typeof RESOURCES)[number];
const KINDS = ['own', 'teammate', 'other team', 'other tenant'] as const;
type Kind = (typeof KINDS)[number];

/** Which record kinds a scope reaches, from the definition of the scopes in permissions.ts. */
const REACH: Record<Scope, readonly Kind[]> = {
  own: ['own'],
  team: ['own', 'teammate'],
  tenant: ['own', 'teammate', 'other team'],
  global: KINDS,
};
const allowed = (role: Role, resource: SalesResource, action: Action, kind: Kind) => {
  const scope = scopeOf({ tenantId: 'tenant', userId: 'user', roles: [role] }, resource, action);
  return scope !== null && REACH[scope].includes(kind);
};

interface User {
  id: string;
  token: string;
}
interface TenantCtx {
  admin: User;
  pipelineId: string;
  stageId: string;
  /** A contact of the tenant: the record the activities of this file are about. */
  contactId: string;
}
/** The outcome of one attempt: done, or refused (with what the API answered). */
interface Outcome {
  ok: boolean;
  detail: string;
}

let stack: Stack;
let home: TenantCtx & { users: Record<'managerA' | 'repA1' | 'repA2' | 'managerB' | 'repB', User> };
let other: TenantCtx;

const call = async (token: string, query: string, variables: Record<string, unknown>) => gql<Record<string, unknown>>(stack.gatewayUrl, query, variables, { token });
const describeErrors = (errors: Array<{ message: string; extensions?: { code?: string } }> | undefined) =>
  errors?.map((error) => `${error.extensions?.code ?? '?'}: ${error.message}`).join('; ') ?? '';

async function mutate(token: string, query: string, variables: Record<string, unknown>, pick: (data: Record<string, unknown>) => Outcome): Promise<Outcome> {
  const result = await call(token, query, variables);
  if (result.status >= 500) return { ok: false, detail: `HTTP ${result.status}` };
  if (result.errors?.length || !result.data) {
    const codes = result.errors?.map((error) => error.extensions?.code) ?? [];
    // a refusal is a clear policy error, never an internal one
    const clear = codes.every((code) => code === 'FORBIDDEN' || code === 'NOT_FOUND' || code === 'BAD_USER_INPUT');
    return { ok: false, detail: clear ? describeErrors(result.errors) : `UNCLEAR REFUSAL ${describeErrors(result.errors)}` };
  }
  return pick(result.data);
}

const ids = (value: unknown) => new Set(((value as Array<{ id: string }> | null) ?? []).map((node) => node.id));

interface Api {
  /** The root lookup field and the record's user field (the owner, or an activity's assignee). */
  one: string;
  ownerField: 'owner' | 'assignee';
  /** Creates a record owned by `ownerId` (named with `name`) as `token`. */
  create(token: string, ctx: TenantCtx, ownerId: string, name: string): Promise<Outcome & { id?: string }>;
  /** The ids among `candidates` the list path returns. */
  list(token: string, candidates: string[]): Promise<Set<string>>;
  /** totalCount over `candidates` and the groupBy OWNER counts (absent: the resource has no count path). */
  count?(token: string, candidates: string[]): Promise<{ total: number; byOwner: Map<string, number> }>;
  lookup(token: string, id: string): Promise<boolean>;
  /** Ids the global search returns for `marker` (absent: not searchable). */
  search?(token: string, marker: string): Promise<Set<string>>;
  update(token: string, id: string): Promise<Outcome>;
  remove(token: string, id: string): Promise<Outcome>;
}

const groupCounts = (groups: unknown) => new Map(((groups as Array<{ key: string | null; count: number }>) ?? []).map((group) => [group.key ?? '', group.count]));

async function searchIds(token: string, marker: string, type: 'CONTACT' | 'ACCOUNT' | 'LEAD') {
  const result = await call(token, 'query($q: String!, $t: [SearchableType!]) { search(query: $q, types: $t, first: 50) { hits { record { ... on Contact { id } ... on Account { id } ... on Lead { id } } } } }', { q: marker, t: [type] });
  const hits = ((result.data?.['search'] as { hits: Array<{ record: { id: string } }> } | undefined)?.hits ?? []).map((hit) => hit.record);
  return ids(hits);
}

/** contacts, accounts and leads share the customer subgraph's shapes. */
function customerApi(names: { one: string; many: string; type: 'CONTACT' | 'ACCOUNT' | 'LEAD'; filter: string }, shape: {
  create: (ownerId: string, name: string) => { mutation: string; variables: Record<string, unknown> };
  update: (id: string) => { mutation: string; variables: Record<string, unknown>; pick: (data: Record<string, unknown>) => Outcome };
}): Api {
  const connection = `query($f: ${names.filter}) { ${names.many}Connection(first: 100, filter: $f) { totalCount nodes { id } } ${names.many}GroupBy(field: OWNER, filter: $f) { key count } }`;
  const plural = names.many.charAt(0).toUpperCase() + names.many.slice(1);
  return {
    one: names.one,
    ownerField: 'owner',
    async create(token, _ctx, ownerId, name) {
      const { mutation, variables } = shape.create(ownerId, name);
      let id: string | undefined;
      const outcome = await mutate(token, mutation, variables, (data) => {
        id = (Object.values(data)[0] as { id: string }).id;
        return { ok: !!id, detail: 'created' };
      });
      return { ...outcome, id };
    },
    async list(token, candidates) {
      const result = await call(token, connection, { f: { id: { in: candidates } } });
      return ids((result.data?.[`${names.many}Connection`] as { nodes: unknown } | undefined)?.nodes);
    },
    async count(token, candidates) {
      const result = await call(token, connection, { f: { id: { in: candidates } } });
      const total = (result.data?.[`${names.many}Connection`] as { totalCount: number } | undefined)?.totalCount ?? -1;
      return { total, byOwner: groupCounts(result.data?.[`${names.many}GroupBy`]) };
    },
    async lookup(token, id) {
      const result = await call(token, `query($id: ID!) { ${names.one}(id: $id) { id } }`, { id });
      return (result.data?.[names.one] as { id: string } | null | undefined)?.id === id;
    },
    search: (token, marker) => searchIds(token, marker, names.type),
    update(token, id) {
      const { mutation, variables, pick } = shape.update(id);
      return mutate(token, mutation, variables, pick);
    },
    remove: (token, id) =>
      mutate(token, `mutation($ids: [ID!]!) { delete${plural}(ids: $ids) { id } }`, { ids: [id] }, (data) => {
        const deleted = ids(data[`delete${plural}`]);
        return { ok: deleted.has(id), detail: deleted.has(id) ? 'deleted' : 'not in the answer' };
      }),
  };
}

const upserted = (field: string, id: string) => (data: Record<string, unknown>): Outcome => {
  const [result] = (data[field] as Array<{ outcome: string; error: { code: string; message: string } | null; record: { id: string } | null }>) ?? [];
  if (result?.outcome === 'UPDATED' && result.record?.id === id) return { ok: true, detail: 'updated' };
  return { ok: false, detail: `${result?.outcome ?? 'no result'} ${result?.error ? `${result.error.code}: ${result.error.message}` : ''} ${result?.record?.id ?? ''}`.trim() };
};

const APIS: Record<SalesResource, Api> = {
  contact: customerApi({ one: 'contact', many: 'contacts', type: 'CONTACT', filter: 'ContactFilter' }, {
    create: (ownerId, name) => ({ mutation: 'mutation($input: CreateContactInput!) { createContact(input: $input) { id } }', variables: { input: { firstName: 'Matrix', lastName: name, ownerId } } }),
    update: (id) => ({
      mutation: 'mutation($inputs: [UpsertContactInput!]!) { upsertContacts(inputs: $inputs) { outcome error { code message } record: contact { id } } }',
      variables: { inputs: [{ id, firstName: 'Changed' }] },
      pick: upserted('upsertContacts', id),
    }),
  }),
  account: customerApi({ one: 'account', many: 'accounts', type: 'ACCOUNT', filter: 'AccountFilter' }, {
    create: (ownerId, name) => ({ mutation: 'mutation($input: CreateAccountInput!) { createAccount(input: $input) { id } }', variables: { input: { name, ownerId } } }),
    update: (id) => ({
      mutation: 'mutation($inputs: [UpsertAccountInput!]!) { upsertAccounts(inputs: $inputs) { outcome error { code message } record: account { id } } }',
      variables: { inputs: [{ id, industry: 'Changed' }] },
      pick: upserted('upsertAccounts', id),
    }),
  }),
  lead: customerApi({ one: 'lead', many: 'leads', type: 'LEAD', filter: 'LeadFilter' }, {
    create: (ownerId, name) => ({ mutation: 'mutation($input: CreateLeadInput!) { createLead(input: $input) { id } }', variables: { input: { name, ownerId } } }),
    update: (id) => ({
      mutation: 'mutation($id: ID!) { updateLead(id: $id, input: { company: "Changed" }) { id } }',
      variables: { id },
      pick: (data) => ({ ok: (data['updateLead'] as { id: string } | null)?.id === id, detail: 'updated' }),
    }),
  }),
  deal: {
    one: 'deal',
    ownerField: 'owner',
    async create(token, ctx, ownerId, name) {
      let id: string | undefined;
      const outcome = await mutate(
        token,
        'mutation($input: CreateDealInput!) { createDeal(input: $input) { id } }',
        { input: { pipelineId: ctx.pipelineId, stageId: ctx.stageId, name, amount: '10.00', currency: 'USD', ownerId } },
        (data) => ((id = (data['createDeal'] as { id: string }).id), { ok: true, detail: 'created' }),
      );
      return { ...outcome, id };
    },
    async list(token, candidates) {
      const result = await call(token, 'query($f: DealFilter) { dealsConnection(first: 100, filter: $f) { nodes { id } } }', { f: { id: { in: candidates } } });
      return ids((result.data?.['dealsConnection'] as { nodes: unknown } | undefined)?.nodes);
    },
    async count(token, candidates) {
      const result = await call(token, 'query($f: DealFilter) { dealsConnection(first: 1, filter: $f) { totalCount } dealsGroupBy(field: OWNER, filter: $f) { key count } }', { f: { id: { in: candidates } } });
      return { total: (result.data?.['dealsConnection'] as { totalCount: number } | undefined)?.totalCount ?? -1, byOwner: groupCounts(result.data?.['dealsGroupBy']) };
    },
    async lookup(token, id) {
      const result = await call(token, 'query($id: ID!) { deal(id: $id) { id } }', { id });
      return (result.data?.['deal'] as { id: string } | null | undefined)?.id === id;
    },
    update: (token, id) =>
      mutate(token, 'mutation($id: ID!) { updateDeal(id: $id, input: { name: "Changed" }) { id } }', { id }, (data) => ({ ok: (data['updateDeal'] as { id: string } | null)?.id === id, detail: 'updated' })),
    remove: (token, id) => mutate(token, 'mutation($id: ID!) { deleteDeal(id: $id) }', { id }, (data) => ({ ok: data['deleteDeal'] === id, detail: 'deleted' })),
  },
  activity: {
    one: 'activity',
    ownerField: 'assignee',
    async create(token, ctx, ownerId, name) {
      let id: string | undefined;
      const outcome = await mutate(
        token,
        'mutation($input: CreateActivityInput!) { createActivity(input: $input) { id } }',
        { input: { type: 'NOTE', subject: name, recordType: 'CONTACT', recordId: ctx.contactId, assigneeId: ownerId } },
        (data) => ((id = (data['createActivity'] as { id: string }).id), { ok: true, detail: 'created' }),
      );
      return { ...outcome, id };
    },
    async list(token) {
      // the activities of both tenants' contacts: the other tenant's must not appear either
      const result = await call(token, 'query($r: ID!, $o: ID!) { home: activities(recordType: CONTACT, recordId: $r, first: 100) { id } other: activities(recordType: CONTACT, recordId: $o, first: 100) { id } }', {
        r: home.contactId,
        o: other.contactId,
      });
      return new Set([...ids(result.data?.['home']), ...ids(result.data?.['other'])]);
    },
    async lookup(token, id) {
      const result = await call(token, 'query($id: ID!) { activity(id: $id) { id } }', { id });
      return (result.data?.['activity'] as { id: string } | null | undefined)?.id === id;
    },
    update: (token, id) =>
      mutate(token, 'mutation($id: ID!) { completeActivity(id: $id) { id completedAt } }', { id }, (data) => {
        const done = data['completeActivity'] as { id: string; completedAt: string | null } | null;
        return { ok: done?.id === id && !!done.completedAt, detail: 'completed' };
      }),
    remove: (token, id) => mutate(token, 'mutation($id: ID!) { deleteActivity(id: $id) }', { id }, (data) => ({ ok: data['deleteActivity'] === id, detail: 'deleted' })),
  },
};

beforeAll(async () => {
  stack = await startRealStack();
  const seedTenant = async (label: string, people: Array<[string, Role]>) => {
    const slug = `matrix-${label}-${randomUUID().slice(0, 8)}`;
    const password = `pw-${randomUUID()}`;
    const { users } = await createTenantWithUsers(
      stack,
      { name: `Matrix ${label}`, slug },
      people.map(([key, role]) => ({ email: `${key}@${slug}.test`, name: key, role, password })),
    );
    const pipeline = await createPipeline(stack.gatewayUrl, users[0]!.token, `${label} board`, STANDARD_STAGES);
    const contact = await gqlOk<{ createContact: { id: string } }>(stack.gatewayUrl, 'mutation { createContact(input: { firstName: "Activity", lastName: "Subject" }) { id } }', {}, { token: users[0]!.token });
    return { users: users.map((user) => ({ id: user.id, token: user.token })), pipelineId: pipeline.id, stageId: pipeline.stages[0]!.id, contactId: contact.createContact.id };
  };
  const main = await seedTenant('home', [
    ['admin', 'TENANT_ADMIN'],
    ['managerA', 'SALES_MANAGER'],
    ['repA1', 'SALES_REP'],
    ['repA2', 'SALES_REP'],
    ['managerB', 'SALES_MANAGER'],
    ['repB', 'SALES_REP'],
  ]);
  const [admin, managerA, repA1, repA2, managerB, repB] = main.users as [User, User, User, User, User, User];
  await createTeam(stack.gatewayUrl, admin.token, { name: 'Team A', managerId: managerA.id, memberIds: [repA1.id, repA2.id, admin.id] });
  await createTeam(stack.gatewayUrl, admin.token, { name: 'Team B', managerId: managerB.id, memberIds: [repB.id] });
  home = { admin, pipelineId: main.pipelineId, stageId: main.stageId, contactId: main.contactId, users: { managerA, repA1, repA2, managerB, repB } };
  const second = await seedTenant('other', [['admin', 'TENANT_ADMIN']]);
  other = { admin: second.users[0]!, pipelineId: second.pipelineId, stageId: second.stageId, contactId: second.contactId };
});
afterAll(async () => {
  await stack?.stop();
});

/** The acting user of a role: all act from Team A, so "teammate" and "other team" mean the same records for each. */
const actorOf = (role: Role): User => ({ TENANT_ADMIN: home.admin, SALES_MANAGER: home.users.managerA, SALES_REP: home.users.repA1 })[role];
/** Owner of each kind of record, for an actor; the other tenant's records belong to its admin. */
function ownerOf(role: Role, kind: Kind): User {
  const actor = actorOf(role);
  switch (kind) {
    case 'own':
      return actor;
    case 'teammate':
      return home.users.repA2;
    case 'other team':
      return home.users.repB;
    case 'other tenant':
      return other.admin;
  }
}
const tenantOf = (kind: Kind): TenantCtx => (kind === 'other tenant' ? other : home);

describe.each(ROLES)('%s', (role) => {
  it.each(RESOURCES)('%s: every path on own, teammate’s, other team’s and other tenant’s records follows the permission table', async (resource) => {
    const api = APIS[resource];
    const actor = actorOf(role);
    const marker = `mx${randomUUID().replace(/[^a-f]/g, '').slice(0, 8)}`;
    const failures: string[] = [];
    const check = (path: string, kind: Kind, action: Action, actual: boolean, detail = '') => {
      const expected = allowed(role, resource, action, kind);
      if (actual !== expected) failures.push(`${role} ${resource} ${path} ${kind}: expected ${expected ? 'allowed' : 'refused'}, got ${actual ? 'allowed' : 'refused'}${detail ? ` (${detail})` : ''}`);
    };

    // one record per kind, created by its tenant's admin for its owner
    const records = {} as Record<Kind, string>;
    for (const kind of KINDS) {
      const ctx = tenantOf(kind);
      const created = await api.create(ctx.admin.token, ctx, ownerOf(role, kind).id, `${marker} ${kind}`);
      if (!created.ok || !created.id) throw new Error(`could not seed the ${kind} ${resource}: ${created.detail}`);
      records[kind] = created.id;
    }
    const candidates = KINDS.map((kind) => records[kind]);

    const listed = await api.list(actor.token, candidates);
    for (const kind of KINDS) check('list', kind, 'read', listed.has(records[kind]));

    if (api.count) {
      const counted = await api.count(actor.token, candidates);
      const visible = KINDS.filter((kind) => allowed(role, resource, 'read', kind)).length;
      if (counted.total !== visible) failures.push(`${role} ${resource} count totalCount: expected ${visible}, got ${counted.total}`);
      for (const kind of KINDS) check('count groupBy', kind, 'read', (counted.byOwner.get(ownerOf(role, kind).id) ?? 0) > 0);
    }

    for (const kind of KINDS) check('lookup', kind, 'read', await api.lookup(actor.token, records[kind]));

    if (api.search) {
      const found = await api.search(actor.token, marker);
      for (const kind of KINDS) check('search', kind, 'read', found.has(records[kind]));
    }

    for (const kind of KINDS) {
      const outcome = await api.update(actor.token, records[kind]);
      check('update', kind, 'update', outcome.ok, outcome.detail);
    }

    for (const kind of KINDS) {
      const owner = ownerOf(role, kind);
      const outcome = await api.create(actor.token, home, owner.id, `${marker} new for ${kind}`);
      if (kind !== 'other tenant') {
        check('create for owner', kind, 'create', outcome.ok, outcome.detail);
        continue;
      }
      // An owner (assignee) who is not a user of the tenant is never given a record: a grant narrower
      // than the tenant refuses any owner outside its scope (FORBIDDEN); a tenant-wide one checks the
      // owner against the tenant's users (BAD_USER_INPUT).
      const scope = scopeOf({ tenantId: 'tenant', userId: 'user', roles: [role] }, resource, 'create');
      const code = scope === 'tenant' || scope === 'global' ? 'BAD_USER_INPUT' : 'FORBIDDEN';
      if (outcome.ok || !outcome.detail.startsWith(`${code}:`)) failures.push(`${role} ${resource} create for owner other tenant: expected ${code}, got ${outcome.ok ? 'created' : outcome.detail}`);
    }

    for (const kind of KINDS) {
      const outcome = await api.remove(actor.token, records[kind]);
      check('delete', kind, 'delete', outcome.ok, outcome.detail);
      // a refused delete leaves the record in place (its own tenant's admin still lists it)
      const stillThere = (await api.list(tenantOf(kind).admin.token, [records[kind]])).has(records[kind]);
      if (stillThere === outcome.ok) failures.push(`${role} ${resource} delete ${kind}: the answer said ${outcome.ok ? 'deleted' : 'refused'} but the record is ${stillThere ? 'still there' : 'gone'}`);
    }

    expect(failures).toEqual([]);
  });
});
