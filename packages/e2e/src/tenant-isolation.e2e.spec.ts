/**
 * Tenant isolation probes: tenant A's admin (the widest role a tenant has) aims every path at
 * tenant B's ids — root lookups, lists, filters, search, by-id mutations, nested references,
 * `_entities` sent straight to each subgraph with a valid gateway signature, CSV exports and the
 * live board — and never gets B's data back nor changes anything of B.
 *
 * The probes are a table. Each one passes when the answer carries none of B's ids or names (its
 * marker word) and every error is a clear 4xx code. Nested references additionally must be
 * refused. After all probes B's records, read by B's own admin, are exactly as before. The
 * `_entities` probes run first, while no record of A refers to one of B.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, type DefinitionNode, type FieldDefinitionNode, type TypeNode } from 'graphql';
import { IDENTITY_HEADER, signIdentity } from '@crm/runtime';
import type { Stack } from '@crm/stack';
import { eventually, gql, gqlOk, moveDeal, startRealStack, subscribe, subscribersReady } from '@crm/testkit';
import { seedSalesTenant, type SalesTenant } from './fixtures.ts';

let stack: Stack;
let a: SalesTenant;
let b: SalesTenant;
/** A word in every name of tenant B. */
const marker = `isob${randomUUID().replace(/[^a-f]/g, '').slice(0, 8)}`;

/** Ids of B's records, by entity type. */
const B = {} as {
  account: string;
  contact: string;
  lead: string;
  deal: string;
  pipeline: string;
  stage: string;
  activity: string;
  user: string;
  team: string;
  apiKey: string;
  webhook: string;
  product: string;
  persistedQuery: string;
  savedView: string;
  oauthClient: string;
  invitation: string;
  notification: string;
  tenant: string;
};
/** A's own records the probes point at B's. */
const A = {} as { deal: string; contact: string };

const asB = <T>(query: string, variables: Record<string, unknown> = {}) => gqlOk<T>(stack.gatewayUrl, query, variables, { token: b.admin.token });
const asA = <T>(query: string, variables: Record<string, unknown> = {}) => gqlOk<T>(stack.gatewayUrl, query, variables, { token: a.admin.token });

beforeAll(async () => {
  stack = await startRealStack();
  a = await seedSalesTenant(stack, 'isoa', 1);
  b = await seedSalesTenant(stack, marker, 1);
  Object.assign(B, { tenant: b.tenantId, account: b.accounts[0]!.id, deal: b.deals[0]!.id, pipeline: b.pipeline.id, stage: b.pipeline.stages[1]!.id, user: b.rep.id });
  A.deal = a.deals[0]!.id;
  A.contact = (await asA<{ createContact: { id: string } }>('mutation { createContact(input: { firstName: "Own", lastName: "Contact" }) { id } }')).createContact.id;

  type Created = Record<string, { id?: string; endpoint?: { id: string }; apiKey?: { id: string }; client?: { id: string } }>;
  const created = {
    ...(await asB<Created>(
      `mutation($acc: [ID!], $deal: ID!, $rep: ID!, $body: String!, $marker: String!, $email: String!) {
        contact: createContact(input: { firstName: $marker, lastName: "Secret", email: $email, accountIds: $acc }) { id }
        lead: createLead(input: { name: $marker, company: $marker }) { id }
        activity: createActivity(input: { type: NOTE, subject: $marker, body: $body, recordType: DEAL, recordId: $deal }) { id }
        team: createTeam(input: { name: $marker, managerId: $rep }) { id }
        apiKey: createApiKey(input: { name: $marker, role: SALES_REP }) { apiKey { id } }
      }`,
      { acc: [B.account], deal: B.deal, rep: B.user, body: `${marker} for @[Rep](user:${b.rep.id})`, marker, email: `${marker}@b.example` },
    )),
    ...(await asB<Created>(
      `mutation($marker: String!, $doc: String!, $invite: String!) {
        webhook: registerWebhookEndpoint(input: { url: "https://hooks.example.com/crm", events: ["sales.deal.created"], description: $marker }) { endpoint { id } }
        product: createProduct(input: { name: $marker, sku: $marker, unitPrice: "1.00", currency: "USD" }) { id }
        persistedQuery: registerPersistedQuery(input: { name: $marker, document: $doc }) { id }
        savedView: createSavedView(input: { list: CONTACTS, name: $marker, shared: true }) { id }
        oauthClient: createOAuthClient(input: { name: $marker, role: SALES_REP }) { client { id } }
        invitation: inviteUser(input: { email: $invite, name: $marker, role: SALES_REP }) { id }
      }`,
      { marker, doc: `query ${marker} { me { id } }`, invite: `invitee-${marker}@b.example` },
    )),
  };
  for (const [key, value] of Object.entries(created)) (B as Record<string, string>)[key] = value.id ?? value.endpoint?.id ?? value.apiKey?.id ?? value.client?.id ?? '';
  // the mention reaches B's rep as a notification (through Kafka)
  B.notification = await eventually(async () => {
    const data = await gqlOk<{ notifications: { edges: Array<{ node: { id: string } }> } }>(stack.gatewayUrl, '{ notifications(first: 5) { edges { node { id } } } }', {}, { token: b.rep.token });
    return data.notifications.edges[0]?.node.id;
  }, 30_000, 200);
});
afterAll(async () => {
  await stack?.stop();
});

/** B's state as B's admin sees it; compared before and after the probes. */
const SNAPSHOT = [
  `query($c: ID!) {
    contacts(first: 20) { id firstName lastName email }
    contact(id: $c) { id firstName accounts { id } }
    accounts(first: 20) { id name industry parent { id } }
    leads(first: 20) { id name company status }
  }`,
  `query($p: ID!, $act: ID!) {
    pipelines { id name stages { id name position } }
    deals(pipelineId: $p, first: 20) { id name version stage { id } account { id } contacts { contact { id } } collaborators { id } }
    activity(id: $act) { id subject completedAt }
    users(first: 20) { id name active team { id } }
  }`,
  `{
    teams { id name manager { id } members { id } }
    apiKeys { id name active }
    webhookEndpoints { id active description }
    products(first: 20, includeArchived: true) { nodes { id name active } }
    persistedQueries { edges { node { id name } } }
    savedViews(list: CONTACTS) { id name }
    oauthClients { id active }
    invitations { id }
  }`,
];
/** A's sales rows that name one of B's records, read straight from the sales database within A's tenant. */
const referencesToB = () =>
  stack.subgraphs.sales.subgraph.prisma.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT set_config('app.tenant_id', ${a.tenantId}, true)`;
    return {
      deals: await tx.deal.count({ where: { tenantId: a.tenantId, OR: [{ accountId: B.account }, { ownerId: B.user }] } }),
      contacts: await tx.dealContact.count({ where: { tenantId: a.tenantId, contactId: B.contact } }),
      collaborators: await tx.dealCollaborator.count({ where: { tenantId: a.tenantId, userId: B.user } }),
      activities: await tx.activity.count({ where: { tenantId: a.tenantId, OR: [{ assigneeId: B.user }, { recordId: { in: [B.contact, B.lead, B.deal] } }] } }),
    };
  });
const snapshotOfB = async () => ({
  ...(await asB<Record<string, unknown>>(SNAPSHOT[0]!, { c: B.contact })),
  ...(await asB<Record<string, unknown>>(SNAPSHOT[1]!, { p: B.pipeline, act: B.activity })),
  ...(await asB<Record<string, unknown>>(SNAPSHOT[2]!)),
});

interface Probe {
  name: string;
  query: string;
  variables?: () => Record<string, unknown>;
  /** Nested references to B's records must be refused outright (an error), not just come back empty. */
  refused?: true;
}

const probes: Probe[] = [
  // root lookups
  ...(
    [
      ['contact', 'contact(id: $id) { id firstName email }', 'contact'],
      ['account', 'account(id: $id) { id name }', 'account'],
      ['lead', 'lead(id: $id) { id name }', 'lead'],
      ['deal', 'deal(id: $id) { id name }', 'deal'],
      ['activity', 'activity(id: $id) { id subject }', 'activity'],
      ['pipeline', 'pipeline(id: $id) { id name stages { id name } }', 'pipeline'],
      ['user', 'user(id: $id) { id name email }', 'user'],
      ['product', 'product(id: $id) { id name }', 'product'],
      ['lead conversion', 'leadConversion(id: $id) { id }', 'lead'],
      ['personal data export', 'exportPersonalData(contactId: $id) { customer platform sales }', 'contact'],
      ['contact duplicates', 'contactDuplicates(contactId: $id) { contact { id firstName } }', 'contact'],
      ['import job', 'importJob(id: $id) { id }', 'contact'],
      ['personal data erasure', 'personalDataErasure(id: $id) { id }', 'contact'],
    ] as const
  ).map(([name, field, key]): Probe => ({ name: `lookup ${name}`, query: `query($id: ID!) { ${field} }`, variables: () => ({ id: B[key] }) })),
  { name: 'lookup persisted query by name', query: `query($n: String!) { persistedQuery(nameOrId: $n) { id name } }`, variables: () => ({ n: marker }) },
  { name: 'lookup persisted query by id', query: `query($n: String!) { persistedQuery(nameOrId: $n) { id name document } }`, variables: () => ({ n: B.persistedQuery }) },

  // lists (nothing of B may appear in them)
  { name: 'lists', query: `{ contacts(first: 100) { id firstName } accounts(first: 100) { id name } leads(first: 100) { id name } pipelines { id name } users { id name } teams { id name } }` },
  { name: 'admin lists', query: `{ apiKeys { id name } webhookEndpoints { id description } oauthClients { id name } invitations { id name } roles { id name } persistedQueries { edges { node { id name } } } savedViews(list: CONTACTS) { id name } }` },
  { name: 'products', query: '{ products(first: 50, includeArchived: true) { nodes { id name } } }' },
  { name: 'notifications', query: '{ notifications(first: 50) { edges { node { id title body recordId } } } unreadNotificationCount }' },
  { name: 'audit log', query: '{ auditLog(first: 100) { edges { node { recordId actorId changes } } } }' },
  { name: 'timeline of my contact', query: 'query($id: ID!) { contact(id: $id) { timeline(first: 50) { edges { node { __typename } } } } }', variables: () => ({ id: A.contact }) },

  // filters naming B's ids
  { name: 'contacts filtered by B account', query: 'query($id: ID!) { contactsConnection(filter: { account: { id: { eq: $id } } }) { totalCount nodes { id } } }', variables: () => ({ id: B.account }) },
  { name: 'contacts filtered by B id', query: 'query($id: ID!) { contactsConnection(filter: { id: { eq: $id } }) { totalCount nodes { id } } contactsGroupBy(field: OWNER, filter: { id: { eq: $id } }) { key count } }', variables: () => ({ id: B.contact }) },
  { name: 'trashed contacts by B id', query: 'query($id: ID!) { contactsConnection(filter: { id: { eq: $id } }, state: DELETED) { totalCount nodes { id } } }', variables: () => ({ id: B.contact }) },
  { name: 'accounts filtered by B contact', query: 'query($id: ID!) { accountsConnection(filter: { contact: { id: { eq: $id } } }) { totalCount nodes { id } } }', variables: () => ({ id: B.contact }) },
  { name: 'leads filtered by B id', query: 'query($id: ID!) { leadsConnection(filter: { id: { eq: $id } }) { totalCount nodes { id } } leadsGroupBy(field: OWNER, filter: { id: { eq: $id } }) { key count } }', variables: () => ({ id: B.lead }) },
  { name: 'deals filtered by B account', query: 'query($id: ID!) { dealsConnection(filter: { accountId: { eq: $id } }) { totalCount nodes { id } } }', variables: () => ({ id: B.account }) },
  { name: 'deals filtered by B pipeline', query: 'query($id: ID!) { dealsConnection(filter: { pipelineId: { eq: $id } }) { totalCount nodes { id } } dealsGroupBy(field: OWNER, filter: { pipelineId: { eq: $id } }) { key count } }', variables: () => ({ id: B.pipeline }) },
  { name: 'deals of B pipeline', query: 'query($id: ID!) { deals(pipelineId: $id) { id name } }', variables: () => ({ id: B.pipeline }) },
  { name: 'activities of B deal', query: 'query($id: ID!) { activities(recordType: DEAL, recordId: $id) { id subject } }', variables: () => ({ id: B.deal }) },
  { name: 'pipeline summary of B pipeline', query: 'query($id: ID!) { pipelineSummary(pipelineId: $id) { dealCount stages { stage { id name } dealCount } amounts { amount currency } } }', variables: () => ({ id: B.pipeline }) },
  { name: 'board changes of B pipeline', query: 'query($id: ID!) { pipelineBoardChanges(pipelineId: $id, afterSequence: "0") { events { dealId deal { name } } } }', variables: () => ({ id: B.pipeline }) },
  { name: 'audit log of B deal', query: 'query($id: ID!) { auditLog(filter: { recordId: $id }) { edges { node { recordId changes } } } }', variables: () => ({ id: B.deal }) },

  // search
  { name: 'search', query: 'query($q: String!) { search(query: $q, first: 50) { hits { matchedText record { ... on Contact { id } ... on Account { id } ... on Lead { id } } } } }', variables: () => ({ q: marker }) },
  { name: 'search by B email', query: 'query($q: String!) { search(query: $q) { hits { matchedText } } }', variables: () => ({ q: `${marker}@b.example` }) },

  // by-id mutations on B's records
  { name: 'update B deal', query: 'mutation($id: ID!) { updateDeal(id: $id, input: { name: "hijacked" }) { id name } }', variables: () => ({ id: B.deal }) },
  { name: 'move B deal', query: 'mutation($id: ID!, $s: ID!) { moveDeal(id: $id, stageId: $s) { id } }', variables: () => ({ id: B.deal, s: B.stage }) },
  { name: 'win B deal', query: 'mutation($id: ID!) { markDealWon(id: $id) { id } }', variables: () => ({ id: B.deal }) },
  { name: 'upsert B contact', query: 'mutation($id: ID!) { upsertContacts(inputs: [{ id: $id, firstName: "hijacked" }]) { outcome contact { id firstName } } }', variables: () => ({ id: B.contact }) },
  { name: 'upsert B account', query: 'mutation($id: ID!) { upsertAccounts(inputs: [{ id: $id, industry: "hijacked" }]) { outcome account { id name } } }', variables: () => ({ id: B.account }) },
  { name: 'update B lead', query: 'mutation($id: ID!) { updateLead(id: $id, input: { company: "hijacked" }) { id } }', variables: () => ({ id: B.lead }) },
  { name: 'complete B activity', query: 'mutation($id: ID!) { completeActivity(id: $id) { id } }', variables: () => ({ id: B.activity }) },
  { name: 'rename B stage', query: 'mutation($id: ID!) { renameStage(id: $id, name: "hijacked") { id } }', variables: () => ({ id: B.stage }) },
  { name: 'add a stage to B pipeline', query: 'mutation($id: ID!) { addStage(input: { pipelineId: $id, name: "hijacked", probability: 10 }) { id } }', variables: () => ({ id: B.pipeline }) },
  { name: 'update B product', query: 'mutation($id: ID!) { updateProduct(id: $id, input: { name: "hijacked" }) { id } }', variables: () => ({ id: B.product }) },
  { name: 'revoke B API key', query: 'mutation($id: ID!) { revokeApiKey(id: $id) { id } }', variables: () => ({ id: B.apiKey }) },
  { name: 'revoke B OAuth client', query: 'mutation($id: ID!) { revokeOAuthClient(id: $id) { id } }', variables: () => ({ id: B.oauthClient }) },
  { name: 'delete B webhook', query: 'mutation($id: ID!) { deleteWebhookEndpoint(id: $id) }', variables: () => ({ id: B.webhook }) },
  { name: 'delete B persisted query', query: 'mutation($id: ID!) { deletePersistedQuery(id: $id) }', variables: () => ({ id: B.persistedQuery }) },
  { name: 'delete B saved view', query: 'mutation($id: ID!) { deleteSavedView(id: $id) }', variables: () => ({ id: B.savedView }) },
  { name: 'read B notification', query: 'mutation($id: ID!) { markNotificationsRead(ids: [$id]) { id title } }', variables: () => ({ id: B.notification }) },
  { name: 'deactivate B user', query: 'mutation($id: ID!) { deactivateUser(id: $id) { id } }', variables: () => ({ id: B.user }) },
  { name: 'take B user out of their team', query: 'mutation($id: ID!) { assignUserToTeam(userId: $id, teamId: null) { id } }', variables: () => ({ id: B.user }) },
  { name: 'change B team manager', query: 'mutation($id: ID!) { setTeamManager(teamId: $id, managerId: null) { id } }', variables: () => ({ id: B.team }) },
  { name: 'transfer B user records', query: 'mutation($from: ID!, $to: ID!) { transferUserRecords(fromUserId: $from, toUserId: $to) { __typename } }', variables: () => ({ from: B.user, to: a.admin.id }) },
  { name: 'erase B contact personal data', query: 'mutation($id: ID!) { erasePersonalData(contactId: $id) { id } }', variables: () => ({ id: B.contact }) },
  { name: 'delete B contact', query: 'mutation($id: ID!) { deleteContacts(ids: [$id]) { id } }', variables: () => ({ id: B.contact }) },
  { name: 'purge B contact', query: 'mutation($id: ID!) { purgeContacts(ids: [$id]) }', variables: () => ({ id: B.contact }) },
  { name: 'delete B account', query: 'mutation($id: ID!) { deleteAccounts(ids: [$id]) { id } }', variables: () => ({ id: B.account }) },
  { name: 'delete B lead', query: 'mutation($id: ID!) { deleteLeads(ids: [$id]) { id } }', variables: () => ({ id: B.lead }) },
  { name: 'delete B activity', query: 'mutation($id: ID!) { deleteActivity(id: $id) }', variables: () => ({ id: B.activity }) },
  { name: 'delete B deal', query: 'mutation($id: ID!) { deleteDeal(id: $id) }', variables: () => ({ id: B.deal }) },

  // A's records pointing at B's: refused
  { name: 'create a deal on B account', refused: true, query: 'mutation($p: ID!, $s: ID!, $acc: ID!) { createDeal(input: { pipelineId: $p, stageId: $s, name: "x", amount: "1.00", currency: "USD", accountId: $acc }) { id account { name } } }', variables: () => ({ p: a.pipeline.id, s: a.pipeline.stages[0]!.id, acc: B.account }) },
  { name: 'create a deal in B pipeline', refused: true, query: 'mutation($p: ID!, $s: ID!) { createDeal(input: { pipelineId: $p, stageId: $s, name: "x", amount: "1.00", currency: "USD" }) { id } }', variables: () => ({ p: B.pipeline, s: B.stage }) },
  { name: 'point my deal at B account', refused: true, query: 'mutation($id: ID!, $acc: ID!) { updateDeal(id: $id, input: { accountId: $acc }) { id account { name } } }', variables: () => ({ id: A.deal, acc: B.account }) },
  { name: 'move my deal into B stage', refused: true, query: 'mutation($id: ID!, $s: ID!) { moveDeal(id: $id, stageId: $s) { id } }', variables: () => ({ id: A.deal, s: B.stage }) },
  { name: 'link B contact to my deal', refused: true, query: 'mutation($id: ID!, $c: ID!) { addDealContact(dealId: $id, contactId: $c) { id contacts { contact { firstName } } } }', variables: () => ({ id: A.deal, c: B.contact }) },
  { name: 'add B user to my deal', refused: true, query: 'mutation($id: ID!, $u: ID!) { addDealCollaborator(dealId: $id, userId: $u) { id collaborators { name } } }', variables: () => ({ id: A.deal, u: B.user }) },
  { name: 'create a contact at B account', refused: true, query: 'mutation($acc: ID!) { createContact(input: { firstName: "x", lastName: "y", accountIds: [$acc] }) { id accounts { name } } }', variables: () => ({ acc: B.account }) },
  { name: 'create an account under B account', refused: true, query: 'mutation($acc: ID!) { createAccount(input: { name: "child", parentId: $acc }) { id parent { name } } }', variables: () => ({ acc: B.account }) },
  { name: 'relate my contact to B contact', refused: true, query: 'mutation($from: ID!, $to: ID!) { relateContacts(fromId: $from, kind: REPORTS_TO, toId: $to) { id } }', variables: () => ({ from: A.contact, to: B.contact }) },
  { name: 'log an activity on B deal', refused: true, query: 'mutation($id: ID!) { createActivity(input: { type: NOTE, subject: "x", recordType: DEAL, recordId: $id }) { id } }', variables: () => ({ id: B.deal }) },
  { name: 'log an activity on B contact', refused: true, query: 'mutation($id: ID!) { createActivity(input: { type: NOTE, subject: "x", recordType: CONTACT, recordId: $id }) { id } }', variables: () => ({ id: B.contact }) },
  { name: 'log an activity on B lead', refused: true, query: 'mutation($id: ID!) { createActivity(input: { type: NOTE, subject: "x", recordType: LEAD, recordId: $id }) { id } }', variables: () => ({ id: B.lead }) },
  { name: 'assign my activity to B user', refused: true, query: 'mutation($d: ID!, $u: ID!) { createActivity(input: { type: TASK, subject: "x", recordType: DEAL, recordId: $d, assigneeId: $u }) { id assignee { name } } }', variables: () => ({ d: A.deal, u: B.user }) },
  { name: 'hand my deal to B user', refused: true, query: 'mutation($id: ID!, $u: ID!) { updateDeal(id: $id, input: { ownerId: $u }) { id owner { name } } }', variables: () => ({ id: A.deal, u: B.user }) },
  { name: 'upsert a deal on B account', refused: true, query: 'mutation($p: ID!, $acc: ID!) { upsertDeals(inputs: [{ pipelineId: $p, name: "x", amount: "1.00", currency: "USD", accountId: $acc }]) { outcome error { code field } deal { id } } }', variables: () => ({ p: a.pipeline.id, acc: B.account }) },
  { name: 'put my user into B team', refused: true, query: 'mutation($u: ID!, $t: ID!) { assignUserToTeam(userId: $u, teamId: $t) { id team { name } } }', variables: () => ({ u: a.rep.id, t: B.team }) },
];

/** Everything of B that must never show up in an answer to A. */
const secrets = () => [marker, ...Object.values(B)];

function leaks(data: unknown, ignore: readonly string[] = []): string[] {
  const text = JSON.stringify(data ?? null);
  return secrets().filter((secret) => secret && !ignore.includes(secret) && text.includes(secret));
}

const CLEAR = new Set(['FORBIDDEN', 'NOT_FOUND', 'BAD_USER_INPUT', 'CONFLICT', 'UNAUTHENTICATED', 'GRAPHQL_VALIDATION_FAILED']);

// --- `_entities` straight to each subgraph, signed as the gateway signs, with A's identity ---

const LEAF = new Set(['ID', 'String', 'Int', 'Float', 'Boolean']);
const named = (type: TypeNode): string => (type.kind === 'NamedType' ? type.name.value : named(type.type));

/** A selection of every argument-free field the subgraph contributes to `typeName`. */
function selectionOf(sdl: string, typeName: string): string {
  const definitions = parse(sdl).definitions;
  const leaves = new Set(LEAF);
  for (const definition of definitions) if (definition.kind === 'EnumTypeDefinition' || definition.kind === 'ScalarTypeDefinition') leaves.add(definition.name.value);
  const fields: FieldDefinitionNode[] = definitions
    .filter((definition: DefinitionNode): definition is Extract<DefinitionNode, { kind: 'ObjectTypeDefinition' | 'ObjectTypeExtension' }> =>
      (definition.kind === 'ObjectTypeDefinition' || definition.kind === 'ObjectTypeExtension') && definition.name.value === typeName,
    )
    .flatMap((definition) => [...(definition.fields ?? [])]);
  return fields
    // fields another subgraph resolves (`@external`) are not this subgraph's to answer
    .filter((field) => !(field.directives ?? []).some((directive) => directive.name.value === 'external'))
    .filter((field) => !(field.arguments ?? []).some((arg) => arg.type.kind === 'NonNullType' && !arg.defaultValue))
    .map((field) => (leaves.has(named(field.type)) ? field.name.value : `${field.name.value} { __typename }`))
    .join(' ');
}

/** A personal data export is keyed by its contact (older SDL) or by subject and id. */
const exportOfB = () => ({ contactId: B.contact, subject: 'CONTACT', subjectId: B.contact });
const byId = (id: () => string) => () => ({ id: id() });

const ENTITY_KEYS: Record<string, Array<[type: string, representation: () => Record<string, string>]>> = {
  customer: [
    ['Account', byId(() => B.account)],
    ['Contact', byId(() => B.contact)],
    ['Lead', byId(() => B.lead)],
    ['Deal', byId(() => B.deal)],
    ['User', byId(() => B.user)],
    ['PersonalDataExport', exportOfB],
  ],
  sales: [
    ['Deal', byId(() => B.deal)],
    ['Pipeline', byId(() => B.pipeline)],
    ['Stage', byId(() => B.stage)],
    ['Activity', byId(() => B.activity)],
    ['Product', byId(() => B.product)],
    ['Account', byId(() => B.account)],
    ['Contact', byId(() => B.contact)],
    ['User', byId(() => B.user)],
    ['PersonalDataExport', exportOfB],
  ],
  analytics: [
    ['Pipeline', byId(() => B.pipeline)],
    ['Stage', byId(() => B.stage)],
  ],
  platform: [
    ['User', byId(() => B.user)],
    ['Team', byId(() => B.team)],
    ['Tenant', byId(() => B.tenant)],
    ['Deal', byId(() => B.deal)],
    ['Contact', byId(() => B.contact)],
    ['Account', byId(() => B.account)],
    ['Lead', byId(() => B.lead)],
    ['Activity', byId(() => B.activity)],
    ['PersonalDataExport', exportOfB],
  ],
  integration: [['WebhookEndpoint', byId(() => B.webhook)]],
};

/** Field values that carry no record: nothing, zero, an empty list, or an object saying only its type. */
const empty = (value: unknown): boolean =>
  value === null || value === 0 || value === false || value === '' || (Array.isArray(value) && value.length === 0) ||
  (typeof value === 'object' && value !== null && !Array.isArray(value) && Object.entries(value).every(([key, inner]) => key === '__typename' || empty(inner)));

describe('_entities sent directly to each subgraph', () => {
  it.each(Object.keys(ENTITY_KEYS))('%s resolves none of B’s entities for A’s identity', async (domain) => {
    const url = stack.subgraphs[domain as keyof Stack['subgraphs']].url;
    const post = async (query: string, variables: Record<string, unknown> = {}) => {
      const identity = { tenantId: a.tenantId, userId: a.admin.id, roles: ['TENANT_ADMIN'], requestId: randomUUID() };
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [IDENTITY_HEADER]: signIdentity(identity, stack.config.signingSecret) },
        body: JSON.stringify({ query, variables }),
      });
      return { status: response.status, body: (await response.json()) as { data?: { _entities?: unknown[]; _service?: { sdl: string } }; errors?: Array<{ message: string; extensions?: { code?: string } }> } };
    };
    // without the signature the subgraph refuses outright
    const unsigned = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ _service { sdl } }' }) });
    expect(unsigned.status).toBe(401);

    const sdl = (await post('{ _service { sdl } }')).body.data?._service?.sdl;
    expect(sdl).toBeTruthy();
    const failures: string[] = [];
    for (const [type, representationOf] of ENTITY_KEYS[domain]!) {
      const selection = selectionOf(sdl!, type);
      const representation = representationOf();
      const result = await post(`query($r: [_Any!]!) { _entities(representations: $r) { __typename ... on ${type} { ${selection} } } }`, { r: [{ __typename: type, ...representation }] });
      if (result.status >= 500) failures.push(`${type}: HTTP ${result.status}`);
      const unclear = (result.body.errors ?? []).filter((error) => !CLEAR.has(error.extensions?.code ?? ''));
      if (unclear.length) failures.push(`${type}: ${JSON.stringify(unclear)}`);
      const entity = result.body.data?._entities?.[0] as Record<string, unknown> | null | undefined;
      if (!entity) continue;
      const filled = Object.entries(entity).filter(([field, value]) => field !== '__typename' && !(field in representation) && !empty(value));
      if (filled.length) failures.push(`${type}: resolved B's ${JSON.stringify(Object.fromEntries(filled))}`);
      const leaked = leaks(entity, Object.values(representation));
      if (leaked.length) failures.push(`${type}: answered with B's ${leaked.join(', ')}`);
    }
    expect(failures).toEqual([]);
  });
});

describe('tenant A aimed at tenant B', () => {
  it('gets nothing of B through lookups, lists, filters, search and mutations, and changes nothing of B', async () => {
    const before = await snapshotOfB();
    expect(JSON.stringify(before)).toContain(marker);
    const failures: string[] = [];
    const written = await referencesToB();
    for (const probe of probes) {
      const result = await gql(stack.gatewayUrl, probe.query, probe.variables?.() ?? {}, { token: a.admin.token });
      const codes = (result.errors ?? []).map((error) => error.extensions?.code ?? 'none');
      if (result.status >= 500) failures.push(`${probe.name}: HTTP ${result.status}`);
      const unclear = codes.filter((code) => !CLEAR.has(code));
      if (unclear.length) failures.push(`${probe.name}: unclear errors ${JSON.stringify(result.errors)}`);
      if (codes.includes('GRAPHQL_VALIDATION_FAILED')) failures.push(`${probe.name}: the probe itself is invalid ${JSON.stringify(result.errors)}`);
      const leaked = leaks(result.data);
      if (leaked.length) failures.push(`${probe.name}: answered with B's ${leaked.join(', ')}: ${JSON.stringify(result.data)}`);
      // a batch refuses item by item: the answer itself holds the error
      const itemFailed = JSON.stringify(result.data ?? null).includes('"outcome":"FAILED"');
      if (probe.refused && !result.errors?.length && !itemFailed) failures.push(`${probe.name}: accepted (HTTP ${result.status} ${JSON.stringify(result.data)} ${JSON.stringify(result.errors)})`);
    }
    expect(failures).toEqual([]);
    expect(await snapshotOfB()).toEqual(before);
    // nothing of A's points at B's records: the refused writes wrote nothing
    expect(written).toEqual({ deals: 0, contacts: 0, collaborators: 0, activities: 0 });
    expect(await referencesToB()).toEqual(written);
  });

  it('never resolves B’s account on A’s deal, even when the reference is already stored', async () => {
    // a reference written past the API (an old import, a bug): the join still goes through A's identity
    const sales = stack.subgraphs.sales.subgraph.prisma;
    const pointAt = (accountId: string | null) =>
      sales.$transaction(async (tx) => {
        await tx.$executeRaw`SELECT set_config('app.tenant_id', ${a.tenantId}, true)`;
        await tx.deal.update({ where: { id: A.deal }, data: { accountId } });
      });
    const own = (await asA<{ deal: { account: { id: string } | null } }>('query($id: ID!) { deal(id: $id) { account { id } } }', { id: A.deal })).deal.account?.id ?? null;
    await pointAt(B.account);
    try {
      const read = await gql<{ deal: { id: string; account: { name: string } | null } }>(stack.gatewayUrl, 'query($id: ID!) { deal(id: $id) { id account { id name domain } } }', { id: A.deal }, { token: a.admin.token });
      expect(read.data?.deal).toEqual({ id: A.deal, account: null });
      expect(leaks(read.data, [B.account])).toEqual([]);
    } finally {
      await pointAt(own);
    }
  });

  it('answers CSV exports with nothing of B', async () => {
    const download = async (path: string) => {
      const response = await fetch(new URL(path, stack.gatewayUrl), { headers: { authorization: `Bearer ${a.admin.token}` } });
      return { status: response.status, body: await response.text() };
    };
    for (const kind of ['contacts', 'accounts', 'leads'] as const) {
      const all = await download(`/exports/${kind}.csv`);
      expect(all.status, kind).toBe(200);
      expect(leaks(all.body), kind).toEqual([]);
      const id = { contacts: B.contact, accounts: B.account, leads: B.lead }[kind];
      const filtered = await download(`/exports/${kind}.csv?filter=${encodeURIComponent(JSON.stringify({ id: { eq: id } }))}`);
      expect(filtered.status, kind).toBeLessThan(500);
      expect(leaks(filtered.body, [id]), kind).toEqual([]);
      expect(filtered.body.trim().split('\n').length, `${kind}: header only`).toBeLessThanOrEqual(1);
    }
  });

  it('delivers no event of B’s board to a subscriber from A', async () => {
    const query = 'subscription($p: ID!) { pipelineBoard(pipelineId: $p) { type dealId deal { name } } }';
    const own = subscribe<{ pipelineBoard: { dealId: string } }>(stack.wsUrl, b.admin.token, query, { p: B.pipeline });
    await subscribersReady(stack.gateway, 1);
    const intruder = subscribe<{ pipelineBoard: { dealId: string } }>(stack.wsUrl, a.admin.token, query, { p: B.pipeline });
    try {
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      // B's own subscriber sees the move; A's gets an error or nothing
      const deal = b.deals[0]!.id;
      await moveDeal(stack.gatewayUrl, b.admin.token, deal, b.pipeline.stages[2]!.id);
      await own.next((payload) => payload.data?.pipelineBoard.dealId === deal, 20_000);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect(intruder.received.filter((payload) => payload.data)).toEqual([]);
      // (an error may name the pipeline id A asked for)
      expect(leaks(intruder.received, [B.pipeline])).toEqual([]);
    } finally {
      await Promise.all([own.close(), intruder.close()]);
    }
  });
});
