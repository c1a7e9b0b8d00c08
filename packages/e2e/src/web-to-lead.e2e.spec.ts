/**
 * Web-to-lead through the gateway's public `/forms/<key>` endpoint on real PostgreSQL, Redis and
 * Kafka: admins manage forms over GraphQL; anonymous posts (JSON or form-encoded) create leads
 * with `source` = the form's name, through the tenant's assignment rules; spam (honeypot, posts
 * faster than a person fills a form, the same e-mail twice) is accepted and discarded; bad
 * fields are 400 naming the field; unknown, rotated and disabled keys are 404; posts are rate
 * limited (429 with Retry-After), size limited (413) and CORS is per form.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stack } from '@crm/stack';
import { createTenantWithUsers, gql, gqlOk, startRealStack } from '@crm/testkit';

const MIN_FILL_MS = 300;
const PER_FORM = 6;
let stack: Stack;
let base: string;
let admin: string;
let rep: string;
let repId: string;

const CREATE_FORM = /* GraphQL */ `mutation ($input: CreateLeadFormInput!) { createLeadForm(input: $input) { id name key path fields redirectUrl allowedOrigins enabled } }`;
const LEADS_FROM = /* GraphQL */ `
  query ($source: String!) {
    leadsConnection(first: 50, filter: { source: { eq: $source } }) {
      nodes { name email company source status owner { id } customField(key: "country") { ... on TextValue { text } } }
    }
  }
`;

interface Form {
  id: string;
  name: string;
  key: string;
  path: string;
}

beforeAll(async () => {
  stack = await startRealStack({ leadForms: { perFormPerMinute: PER_FORM, perIpPerMinute: 1000, minFillMs: MIN_FILL_MS, maxBodyBytes: 4096 } });
  base = stack.gatewayUrl.replace(/\/graphql$/, '');
  const slug = `forms-${randomUUID().slice(0, 8)}`;
  const tenant = await createTenantWithUsers(stack, { name: 'Forms Inc', slug }, [
    { email: `admin@${slug}.test`, name: 'Forms Admin', role: 'TENANT_ADMIN', password: `pw-${randomUUID()}` },
    { email: `rep@${slug}.test`, name: 'Forms Rep', role: 'SALES_REP', password: `pw-${randomUUID()}` },
  ]);
  admin = tenant.users[0]!.token;
  rep = tenant.users[1]!.token;
  repId = tenant.users[1]!.id;
  await gqlOk(stack.gatewayUrl, `mutation { createCustomFieldDefinition(input: { entity: LEAD, key: "country", label: "Country", type: TEXT }) { id } }`, {}, { token: admin });
});
afterAll(async () => {
  await stack?.stop();
});

async function createForm(input: Record<string, unknown> = {}): Promise<Form> {
  const data = await gqlOk<{ createLeadForm: Form }>(stack.gatewayUrl, CREATE_FORM, { input: { name: `Website ${randomUUID().slice(0, 8)}`, fields: ['country'], ...input } }, { token: admin });
  return data.createLeadForm;
}

/** A token from `GET /forms/<key>`, old enough to pass the minimum fill time. */
async function filledToken(form: Form): Promise<string> {
  const response = await fetch(`${base}${form.path}`);
  expect(response.status).toBe(200);
  const body = (await response.json()) as { token: string };
  await new Promise((resolve) => setTimeout(resolve, MIN_FILL_MS + 50));
  return body.token;
}

const postJson = (path: string, body: Record<string, unknown>, headers: Record<string, string> = {}) =>
  fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body), redirect: 'manual' });

async function leadsFrom(form: Form) {
  const data = await gqlOk<{ leadsConnection: { nodes: { name: string; email: string; company: string | null; source: string; status: string; owner: { id: string } | null; customField: { text: string } | null }[] } }>(
    stack.gatewayUrl,
    LEADS_FROM,
    { source: form.name },
    { token: admin },
  );
  return data.leadsConnection.nodes;
}

describe('web-to-lead', () => {
  it('lets only tenant admins manage forms and names bad fields', async () => {
    const denied = await gql(stack.gatewayUrl, CREATE_FORM, { input: { name: 'Nope' } }, { token: rep });
    expect(denied.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const badUrl = await gql(stack.gatewayUrl, CREATE_FORM, { input: { name: 'Bad', redirectUrl: 'javascript:alert(1)' } }, { token: admin });
    expect(badUrl.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'redirectUrl' });
    const badField = await gql(stack.gatewayUrl, CREATE_FORM, { input: { name: 'Bad', fields: ['no_such_field'] } }, { token: admin });
    expect(badField.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'fields' });
    const form = await createForm();
    expect(form.key).toMatch(/^lf_[A-Za-z0-9_-]{32}$/);
    expect(form.path).toBe(`/forms/${form.key}`);
    const listed = await gqlOk<{ leadForms: { id: string }[] }>(stack.gatewayUrl, '{ leadForms { id } }', {}, { token: admin });
    expect(listed.leadForms.map((f) => f.id)).toContain(form.id);
  });

  it('creates a lead from a JSON post through the assignment rules, once per e-mail, and discards spam', async () => {
    for (let attempt = 0; ; attempt++) {
      const set = await gql(stack.gatewayUrl, `mutation ($rules: [LeadAssignmentRuleInput!]!) { setLeadAssignmentRules(rules: $rules) { id } }`, { rules: [{ name: 'All to the rep', kind: 'ROUND_ROBIN', userIds: [repId] }] }, { token: admin });
      if (!set.errors?.length) break;
      if (attempt > 200) throw new Error(JSON.stringify(set.errors));
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const form = await createForm();
    const token = await filledToken(form);
    const email = `ada-${randomUUID().slice(0, 6)}@analytical.example`;
    const created = await postJson(form.path, { name: 'Ada Lovelace', email, company: 'Engines Ltd', phone: '+44 20 7946 0000', message: 'Call me', country: 'UK', ignored: 'x', formToken: token });
    expect(created.status).toBe(201);
    expect(await created.json()).toEqual({ received: true });
    const again = await postJson(form.path, { name: 'Ada again', email, formToken: token });
    expect(again.status).toBe(201);
    const honeypot = await postJson(form.path, { name: 'Bot', email: 'bot@spam.example', website: 'http://spam.example', formToken: token });
    expect(honeypot.status).toBe(201);
    const fresh = (await (await fetch(`${base}${form.path}`)).json()) as { token: string };
    const tooFast = await postJson(form.path, { name: 'Fast Bot', email: 'fast@spam.example', formToken: fresh.token });
    expect(tooFast.status).toBe(201);

    expect(await leadsFrom(form)).toEqual([{ name: 'Ada Lovelace', email, company: 'Engines Ltd', source: form.name, status: 'NEW', owner: { id: repId }, customField: { text: 'UK' } }]);
  });

  it('answers 400 naming the field, 303 for browser posts with a redirect, and serves an embeddable form', async () => {
    const form = await createForm({ redirectUrl: 'https://www.example.com/thanks' });
    const html = await fetch(`${base}${form.path}`, { headers: { accept: 'text/html' } });
    expect(html.headers.get('content-type')).toContain('text/html');
    const snippet = await html.text();
    expect(snippet).toContain('name="formToken"');
    expect(snippet).toContain('name="website"');
    expect(snippet).toContain('name="country"');

    const token = await filledToken(form);
    const noEmail = await postJson(form.path, { name: 'No Mail', formToken: token });
    expect(noEmail.status).toBe(400);
    expect(((await noEmail.json()) as { errors: { extensions: unknown }[] }).errors[0]!.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'email' });
    const noToken = await postJson(form.path, { name: 'No Token', email: 'x@y.example' });
    expect(((await noToken.json()) as { errors: { extensions: unknown }[] }).errors[0]!.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'formToken' });
    const forged = await postJson(form.path, { name: 'Forged', email: 'x@y.example', formToken: `${Date.now() - 60_000}.${'A'.repeat(43)}` });
    expect(forged.status).toBe(400);

    const browser = await fetch(`${base}${form.path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ name: 'Browser Person', email: `b-${randomUUID().slice(0, 6)}@example.org`, formToken: token, website: '' }).toString(),
      redirect: 'manual',
    });
    expect(browser.status).toBe(303);
    expect(browser.headers.get('location')).toBe('https://www.example.com/thanks');
    expect((await leadsFrom(form)).map((lead) => lead.name)).toEqual(['Browser Person']);
    const text = await fetch(`${base}${form.path}`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hello' });
    expect(text.status).toBe(415);
  });

  it('applies CORS per form, refuses large bodies and unknown, rotated or disabled keys', async () => {
    const origin = 'https://shop.example.com';
    const form = await createForm({ allowedOrigins: [origin] });
    const preflight = await fetch(`${base}${form.path}`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST' } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(origin);
    const other = await fetch(`${base}${form.path}`, { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
    expect(other.status).toBe(403);
    const token = await filledToken(form);
    const fromOther = await postJson(form.path, { name: 'X', email: 'x@x.example', formToken: token }, { origin: 'https://evil.example' });
    expect(fromOther.status).toBe(403);
    const fromShop = await postJson(form.path, { name: 'Shopper', email: `s-${randomUUID().slice(0, 6)}@shop.example`, formToken: token }, { origin });
    expect(fromShop.status).toBe(201);
    expect(fromShop.headers.get('access-control-allow-origin')).toBe(origin);
    const large = await postJson(form.path, { name: 'Big', email: 'big@x.example', message: 'x'.repeat(5000), formToken: token });
    expect(large.status).toBe(413);

    expect((await postJson(`/forms/lf_${'x'.repeat(32)}`, { name: 'X' })).status).toBe(404);
    const rotated = await gqlOk<{ rotateLeadFormKey: Form }>(stack.gatewayUrl, `mutation ($id: ID!) { rotateLeadFormKey(id: $id) { id name key path } }`, { id: form.id }, { token: admin });
    expect(rotated.rotateLeadFormKey.key).not.toBe(form.key);
    expect((await fetch(`${base}${form.path}`)).status).toBe(404);
    expect((await fetch(`${base}${rotated.rotateLeadFormKey.path}`)).status).toBe(200);
    await gqlOk(stack.gatewayUrl, `mutation ($id: ID!) { disableLeadForm(id: $id) { enabled } }`, { id: form.id }, { token: admin });
    const newToken = await filledToken(rotated.rotateLeadFormKey).catch(() => 'gone');
    expect(newToken).toBe('gone');
    expect((await postJson(rotated.rotateLeadFormKey.path, { name: 'Late', email: 'late@x.example', formToken: token })).status).toBe(404);
  });

  it('limits posts per form key with 429 and Retry-After', async () => {
    const form = await createForm();
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i <= PER_FORM; i++) {
      const response = await postJson(form.path, { name: 'Flood', email: `f${i}@flood.example` });
      statuses.push(response.status);
      if (response.status === 429) retryAfter = response.headers.get('retry-after');
    }
    expect(statuses).toEqual([...Array.from({ length: PER_FORM }, () => 400), 429]);
    expect(Number(retryAfter)).toBeGreaterThan(0);
  });
});
