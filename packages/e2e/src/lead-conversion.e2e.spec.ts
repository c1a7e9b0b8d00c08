/**
 * Lead conversion through the gateway on real PostgreSQL, Redis and Kafka: the customer subgraph
 * records the conversion and asks for the deal over Kafka, the sales subgraph creates (or refuses)
 * it and answers, and the customer subgraph completes (or undoes) the conversion.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stack } from '@crm/stack';
import { createPipeline, createTenantWithUsers, gql, gqlOk, startRealStack, STANDARD_STAGES } from '@crm/testkit';

let stack: Stack;
let token: string;
let repToken: string;
let pipeline: Awaited<ReturnType<typeof createPipeline>>;
let otherPipeline: Awaited<ReturnType<typeof createPipeline>>;

beforeAll(async () => {
  stack = await startRealStack();
  const slug = `convert-${randomUUID().slice(0, 8)}`;
  const tenant = await createTenantWithUsers(stack, { name: 'Convert Inc', slug }, [
    { email: `admin@${slug}.test`, name: 'Convert Admin', role: 'TENANT_ADMIN', password: `pw-${randomUUID()}` },
    { email: `rep@${slug}.test`, name: 'Convert Rep', role: 'SALES_REP', password: `pw-${randomUUID()}` },
  ]);
  token = tenant.users[0]!.token;
  repToken = tenant.users[1]!.token;
  pipeline = await createPipeline(stack.gatewayUrl, token, 'New business', STANDARD_STAGES);
  otherPipeline = await createPipeline(stack.gatewayUrl, token, 'Renewals', STANDARD_STAGES);
});
afterAll(async () => {
  await stack?.stop();
});

const CREATE_LEAD = /* GraphQL */ `mutation ($input: CreateLeadInput!) { createLead(input: $input) { id status } }`;
const CONVERT = /* GraphQL */ `
  mutation Convert($id: ID!, $input: ConvertLeadInput!) {
    convertLead(id: $id, input: $input) { id status contactCreated accountCreated contact { id } account { id } lead { id status } }
  }
`;
const CONVERSION = /* GraphQL */ `
  query Conversion($id: ID!) {
    leadConversion(id: $id) {
      id status dealId failureReason
      lead { id status }
      contact { id }
      account { id name }
      deal { id name amount currency stage { id } account { id name } }
    }
  }
`;

interface Conversion {
  id: string;
  status: 'PENDING' | 'COMPLETED' | 'FAILED';
  dealId: string | null;
  failureReason: string | null;
  lead: { id: string; status: string };
  contact: { id: string } | null;
  account: { id: string; name: string } | null;
  deal: { id: string; name: string; amount: string; currency: string; stage: { id: string }; account: { id: string; name: string } | null } | null;
}

async function newLead(name: string, as = token): Promise<string> {
  const data = await gqlOk<{ createLead: { id: string } }>(stack.gatewayUrl, CREATE_LEAD, { input: { name, email: `${randomUUID().slice(0, 8)}@lead.example` } }, { token: as });
  return data.createLead.id;
}

function convert(id: string, input: Record<string, unknown>, as = token) {
  return gql<{ convertLead: { id: string; status: string; contact: { id: string } | null; account: { id: string } | null; lead: { status: string } } }>(
    stack.gatewayUrl,
    CONVERT,
    { id, input },
    { token: as },
  );
}

/** Reads the conversion until the saga has answered (bounded number of reads). */
async function settled(id: string, as = token): Promise<Conversion> {
  for (let attempt = 0; attempt < 300; attempt++) {
    const data = await gqlOk<{ leadConversion: Conversion }>(stack.gatewayUrl, CONVERSION, { id }, { token: as });
    if (data.leadConversion.status !== 'PENDING') return data.leadConversion;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`conversion ${id} is still PENDING`);
}

const dealInput = (overrides: Record<string, unknown> = {}) => ({
  pipelineId: pipeline.id,
  stageId: pipeline.stages[1]!.id,
  name: 'Converted deal',
  amount: '4200.00',
  currency: 'EUR',
  ...overrides,
});

describe('lead conversion saga', () => {
  it('completes a conversion with a deal, readable through the gateway with its account', async () => {
    const leadId = await newLead('Grace Hopper');
    const domain = `cobol-${randomUUID().slice(0, 8)}.example`;
    const started = await convert(leadId, {
      contact: { create: { firstName: 'Grace', lastName: 'Hopper' } },
      account: { create: { name: 'COBOL Works', domain } },
      deal: dealInput(),
    });
    expect(started.errors).toBeUndefined();
    expect(started.data?.convertLead).toMatchObject({ status: 'PENDING', lead: { status: 'CONVERTED' } });

    const done = await settled(started.data!.convertLead.id);
    expect(done).toMatchObject({
      status: 'COMPLETED',
      failureReason: null,
      lead: { id: leadId, status: 'CONVERTED' },
      contact: { id: started.data!.convertLead.contact!.id },
      account: { id: started.data!.convertLead.account!.id, name: 'COBOL Works' },
      deal: {
        name: 'Converted deal',
        amount: '4200.00',
        currency: 'EUR',
        stage: { id: pipeline.stages[1]!.id },
        account: { id: started.data!.convertLead.account!.id, name: 'COBOL Works' },
      },
    });
    expect(done.deal!.id).toBe(done.dealId);

    const deal = await gqlOk<{ deal: { id: string; account: { name: string } | null } | null }>(
      stack.gatewayUrl,
      'query ($id: ID!) { deal(id: $id) { id account { name } } }',
      { id: done.dealId },
      { token },
    );
    expect(deal.deal).toEqual({ id: done.dealId, account: { name: 'COBOL Works' } });
  });

  it('fails a conversion whose deal is refused (a stage of another pipeline) and undoes it', async () => {
    const leadId = await newLead('Undone Lead');
    const started = await convert(leadId, {
      contact: { create: { firstName: 'Undone', lastName: 'Lead' } },
      deal: dealInput({ stageId: otherPipeline.stages[0]!.id }),
    });
    expect(started.errors).toBeUndefined();
    const contactId = started.data!.convertLead.contact!.id;

    const failed = await settled(started.data!.convertLead.id);
    expect(failed).toMatchObject({ status: 'FAILED', dealId: null, deal: null, contact: null, lead: { id: leadId, status: 'NEW' } });
    expect(failed.failureReason).toMatch(/stageId/);

    const contact = await gqlOk<{ contact: { id: string; deletedAt: string | null } | null }>(
      stack.gatewayUrl,
      'query ($id: ID!) { contact(id: $id) { id deletedAt } }',
      { id: contactId },
      { token },
    );
    expect(contact.contact?.deletedAt).not.toBeNull();
    const live = await gqlOk<{ contactsConnection: { nodes: { id: string }[] } }>(
      stack.gatewayUrl,
      'query ($id: ID!) { contactsConnection(first: 10, filter: { id: { eq: $id } }) { nodes { id } } }',
      { id: contactId },
      { token },
    );
    expect(live.contactsConnection.nodes).toEqual([]);
  });

  it('returns the same conversion for a retried request with the same idempotency key, with one deal', async () => {
    const leadId = await newLead('Retry Lead');
    const input = {
      contact: { create: { firstName: 'Retry', lastName: 'Lead' } },
      account: { create: { name: 'Retry Ltd', domain: `retry-${randomUUID().slice(0, 8)}.example` } },
      deal: dealInput({ name: 'Retried deal' }),
      idempotencyKey: `convert-${randomUUID()}`,
    };
    const [first, second] = await Promise.all([convert(leadId, input), convert(leadId, input)]);
    expect(first.errors).toBeUndefined();
    expect(second.errors).toBeUndefined();
    expect(second.data!.convertLead.id).toBe(first.data!.convertLead.id);

    const done = await settled(first.data!.convertLead.id);
    expect(done.status).toBe('COMPLETED');
    const third = await convert(leadId, input);
    expect(third.data?.convertLead).toMatchObject({ id: done.id, status: 'COMPLETED' });

    const account = await gqlOk<{ account: { deals: { id: string; name: string }[] } }>(
      stack.gatewayUrl,
      'query ($id: ID!) { account(id: $id) { deals { id name } } }',
      { id: done.account!.id },
      { token },
    );
    expect(account.account.deals).toEqual([{ id: done.dealId, name: 'Retried deal' }]);
  });

  it('lets a Sales Rep convert their lead: the contact, account and deal are theirs and readable by them', async () => {
    const leadId = await newLead('Rep Lead', repToken);
    const started = await convert(
      leadId,
      { contact: { create: { firstName: 'Rep', lastName: 'Lead' } }, account: { create: { name: 'Rep Account', domain: `rep-${randomUUID().slice(0, 8)}.example` } }, deal: dealInput({ name: 'Rep deal' }) },
      repToken,
    );
    expect(started.errors).toBeUndefined();
    const done = await settled(started.data!.convertLead.id, repToken);
    expect(done).toMatchObject({ status: 'COMPLETED', contact: { id: started.data!.convertLead.contact!.id }, account: { name: 'Rep Account' }, deal: { name: 'Rep deal', account: { name: 'Rep Account' } } });
  });

  it('refuses converting a lead twice with CONFLICT', async () => {
    const leadId = await newLead('Twice Lead');
    const first = await convert(leadId, { contact: { create: { firstName: 'Twice', lastName: 'Lead' } } });
    expect(first.data?.convertLead.status).toBe('COMPLETED');
    const second = await convert(leadId, { contact: { create: { firstName: 'Twice', lastName: 'Lead' } } });
    expect(second.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect(second.errors?.[0]?.message).toMatch(/already converted/);
  });
});
