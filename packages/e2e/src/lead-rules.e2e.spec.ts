/**
 * Lead scoring and assignment rules through the gateway on real PostgreSQL, Redis and Kafka:
 * admins set the rules; a new unowned lead gets its owner from the first matching rule (territory
 * by a custom field, round robin spread evenly under concurrent creates) and its score from the
 * field rules; an activity logged on the lead in sales reaches customer over Kafka and adds event
 * points; the status flow refuses moves it does not allow.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stack } from '@crm/stack';
import { createTenantWithUsers, gql, gqlOk, startRealStack } from '@crm/testkit';

let stack: Stack;
let admin: string;
let rep: string;
let users: { id: string }[];

const SET_ASSIGNMENT = /* GraphQL */ `mutation ($rules: [LeadAssignmentRuleInput!]!) { setLeadAssignmentRules(rules: $rules) { id name kind userId userIds } }`;
const SET_SCORING = /* GraphQL */ `mutation ($input: LeadScoringRulesInput!) { setLeadScoringRules(input: $input) { fieldRules { label } eventRules { label halfLifeDays } } }`;
const CREATE_LEAD = /* GraphQL */ `mutation ($input: CreateLeadInput!) { createLead(input: $input) { id score owner { id } scoreBreakdown { score items { rule points count } } } }`;
const LEAD = /* GraphQL */ `query ($id: ID!) { lead(id: $id) { id status score scoreBreakdown { score items { rule points count } } } }`;
const UPDATE = /* GraphQL */ `mutation ($id: ID!, $input: UpdateLeadInput!) { updateLead(id: $id, input: $input) { id status score } }`;

interface CreatedLead {
  id: string;
  score: number;
  owner: { id: string } | null;
  scoreBreakdown: { score: number; items: { rule: string; points: number; count: number }[] };
}

beforeAll(async () => {
  stack = await startRealStack();
  const slug = `rules-${randomUUID().slice(0, 8)}`;
  const tenant = await createTenantWithUsers(stack, { name: 'Rules Inc', slug }, [
    { email: `admin@${slug}.test`, name: 'Rules Admin', role: 'TENANT_ADMIN', password: `pw-${randomUUID()}` },
    { email: `rep1@${slug}.test`, name: 'Rep One', role: 'SALES_REP', password: `pw-${randomUUID()}` },
    { email: `rep2@${slug}.test`, name: 'Rep Two', role: 'SALES_REP', password: `pw-${randomUUID()}` },
    { email: `rep3@${slug}.test`, name: 'Rep Three', role: 'SALES_REP', password: `pw-${randomUUID()}` },
  ]);
  admin = tenant.users[0]!.token;
  rep = tenant.users[1]!.token;
  users = tenant.users;
  await gqlOk(stack.gatewayUrl, `mutation { createCustomFieldDefinition(input: { entity: LEAD, key: "country", label: "Country", type: TEXT }) { id } }`, {}, { token: admin });
});
afterAll(async () => {
  await stack?.stop();
});

/** Sets assignment rules once the customer subgraph has learnt the tenant's users from the platform's events (bounded). */
async function setAssignmentRules(rules: unknown[]) {
  for (let attempt = 0; attempt < 200; attempt++) {
    const result = await gql<{ setLeadAssignmentRules: { id: string }[] }>(stack.gatewayUrl, SET_ASSIGNMENT, { rules }, { token: admin });
    if (!result.errors?.length) return result.data!.setLeadAssignmentRules;
    if (!String(result.errors[0]?.message).includes('is not an active user')) throw new Error(JSON.stringify(result.errors));
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('the user directory never caught up');
}

const createLead = async (input: Record<string, unknown>, token = admin) => (await gqlOk<{ createLead: CreatedLead }>(stack.gatewayUrl, CREATE_LEAD, { input }, { token })).createLead;

describe('lead rules', () => {
  it('only tenant admins manage rules; bad rules are BAD_USER_INPUT naming the field', async () => {
    const forbidden = await gql(stack.gatewayUrl, SET_SCORING, { input: { fieldRules: [], eventRules: [] } }, { token: rep });
    expect(forbidden.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const readForbidden = await gql(stack.gatewayUrl, '{ leadAssignmentRules { id } }', {}, { token: rep });
    expect(readForbidden.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    const empty = await gql(stack.gatewayUrl, SET_ASSIGNMENT, { rules: [{ name: 'Nobody', kind: 'ROUND_ROBIN', userIds: [] }] }, { token: admin });
    expect(empty.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'rules.0.userIds' });
    const unknown = await gql(stack.gatewayUrl, SET_ASSIGNMENT, { rules: [{ name: 'Ghost', kind: 'ROUND_ROBIN', userIds: [randomUUID()] }] }, { token: admin });
    expect(unknown.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'rules.0.userIds' });
    const noValue = await gql(stack.gatewayUrl, SET_SCORING, { input: { fieldRules: [{ label: 'x', points: 5, field: 'COMPANY', operator: 'EQUALS' }], eventRules: [] } }, { token: admin });
    expect(noValue.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'fieldRules.0.value' });
    const rules = await gqlOk<{ leadAssignmentRules: unknown[] }>(stack.gatewayUrl, '{ leadAssignmentRules { id } }', {}, { token: admin });
    expect(rules.leadAssignmentRules).toEqual([]);
  });

  it('assigns by territory, then round robin spread evenly over concurrent creates', async () => {
    const [, rep1, rep2, rep3] = users;
    await setAssignmentRules([
      { name: 'DACH', kind: 'TERRITORY', conditions: [{ field: 'CUSTOM_FIELD', customField: 'country', operator: 'EQUALS', value: 'de' }], userId: rep1!.id },
      { name: 'Everyone else', kind: 'ROUND_ROBIN', userIds: [rep1!.id, rep2!.id, rep3!.id] },
    ]);
    const german = await createLead({ name: 'Hans', customFields: [{ key: 'country', text: 'DE' }] });
    expect(german.owner?.id).toBe(rep1!.id);
    const owned = await createLead({ name: 'Owned', ownerId: rep3!.id });
    expect(owned.owner?.id).toBe(rep3!.id);

    const created = await Promise.all(Array.from({ length: 9 }, (_, i) => createLead({ name: `Lead ${i}`, customFields: [{ key: 'country', text: 'FR' }] })));
    const counts = new Map<string, number>();
    for (const lead of created) counts.set(lead.owner!.id, (counts.get(lead.owner!.id) ?? 0) + 1);
    expect(Object.fromEntries(counts)).toEqual({ [rep1!.id]: 3, [rep2!.id]: 3, [rep3!.id]: 3 });
  });

  it('scores by field rules on create and update, and by activities from sales with a breakdown', async () => {
    await gqlOk(
      stack.gatewayUrl,
      SET_SCORING,
      {
        input: {
          fieldRules: [
            { label: 'Business e-mail', points: 20, field: 'EMAIL', operator: 'NOT_FREE_MAIL' },
            { label: 'Big company', points: 15, field: 'COMPANY', operator: 'CONTAINS', value: 'corp' },
          ],
          eventRules: [{ label: 'Calls', points: 30, event: 'ACTIVITY_LOGGED', activityType: 'CALL', halfLifeDays: 14 }],
        },
      },
      { token: admin },
    );
    const lead = await createLead({ name: 'Grace', email: `grace@${randomUUID().slice(0, 6)}.example`, company: 'Hopper Corp', ownerId: users[1]!.id });
    expect(lead.score).toBe(35);
    expect(lead.scoreBreakdown.items.map((item) => item.points)).toEqual([20, 15]);

    const freeMail = await gqlOk<{ updateLead: { score: number } }>(stack.gatewayUrl, UPDATE, { id: lead.id, input: { email: 'grace@gmail.com' } }, { token: admin });
    expect(freeMail.updateLead.score).toBe(15);

    await gqlOk(stack.gatewayUrl, `mutation ($input: CreateActivityInput!) { createActivity(input: $input) { id } }`, { input: { type: 'CALL', subject: 'Intro call', recordType: 'LEAD', recordId: lead.id } }, { token: admin });
    let score = 0;
    let items: CreatedLead['scoreBreakdown']['items'] = [];
    for (let attempt = 0; attempt < 200 && score !== 45; attempt++) {
      const data = await gqlOk<{ lead: { score: number; scoreBreakdown: CreatedLead['scoreBreakdown'] } }>(stack.gatewayUrl, LEAD, { id: lead.id }, { token: admin });
      score = data.lead.score;
      items = data.lead.scoreBreakdown.items;
      if (score !== 45) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(score).toBe(45);
    expect(items).toContainEqual({ rule: 'Calls', points: 30, count: 1 });
  });

  it('enforces the status flow: CONVERTED only through conversion', async () => {
    const lead = await createLead({ name: 'Flow', ownerId: users[1]!.id });
    const moved = await gqlOk<{ updateLead: { status: string } }>(stack.gatewayUrl, UPDATE, { id: lead.id, input: { status: 'QUALIFIED' } }, { token: rep });
    expect(moved.updateLead.status).toBe('QUALIFIED');
    const back = await gql(stack.gatewayUrl, UPDATE, { id: lead.id, input: { status: 'NEW' } }, { token: rep });
    expect(back.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'status' });
    const converted = await gql(stack.gatewayUrl, UPDATE, { id: lead.id, input: { status: 'CONVERTED' } }, { token: admin });
    expect(converted.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'status' });
    const after = await gqlOk<{ lead: { status: string } }>(stack.gatewayUrl, LEAD, { id: lead.id }, { token: admin });
    expect(after.lead.status).toBe('QUALIFIED');
    const missing = await gql(stack.gatewayUrl, UPDATE, { id: randomUUID(), input: { status: 'CONTACTED' } }, { token: admin });
    expect(missing.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });
});
