/**
 * Lead conversion in the customer subgraph on real PostgreSQL: the conversion transaction, its
 * errors and idempotency key, and the saga's answers from sales (completion and compensation),
 * applied directly and through the bus.
 */
import { randomUUID } from 'node:crypto';
import { createEvent, topicOf, type EventEnvelope } from '@crm/events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCustomerHarness, type CustomerHarness } from '../../testing/harness.ts';
import { DEAL_CREATED_FOR_CONVERSION, DEAL_FAILED_FOR_CONVERSION, LEAD_CONVERSION_REQUESTED } from './lib/conversion-events.ts';

let h: CustomerHarness;
beforeAll(async () => {
  h = await startCustomerHarness();
});
afterAll(async () => {
  await h?.close();
});

const CONVERT = `mutation ($id: ID!, $input: ConvertLeadInput!) {
  convertLead(id: $id, input: $input) {
    id status contactCreated accountCreated dealId failureReason finishedAt
    lead { id status } contact { id email lifecycleStage accounts { id } } account { id name } deal { id }
  }
}`;
const CONVERSION = `query ($id: ID!) { leadConversion(id: $id) { id status dealId failureReason lead { id status } contact { id } account { id } } }`;

interface Conversion {
  id: string;
  status: string;
  contactCreated: boolean;
  accountCreated: boolean;
  dealId: string | null;
  failureReason: string | null;
  lead: { id: string; status: string };
  contact: { id: string; email?: string | null; lifecycleStage?: string; accounts?: { id: string }[] } | null;
  account: { id: string; name?: string } | null;
  deal?: { id: string } | null;
}

const DEAL = { pipelineId: randomUUID(), name: 'First order', amount: '1200.00', currency: 'EUR' };

function tenant() {
  const t = h.newTenant();
  const actor = { userId: t.userId, kind: 'user' as const };
  return { ...t, actor };
}

async function convert(t: ReturnType<typeof tenant>, id: string, input: Record<string, unknown>) {
  return h.request<{ convertLead: Conversion }>(CONVERT, { id, input }, t.identity);
}

/** Sets a lead's status directly (the API has no status change yet). */
async function setStatus(tenantId: string, leadId: string, status: 'CONTACTED' | 'UNQUALIFIED') {
  await h.subgraph.prisma.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT set_config('app.tenant_id', ${tenantId}, true)`;
    await tx.$executeRaw`UPDATE "Lead" SET status = ${status}::"LeadStatus" WHERE id = ${leadId}::uuid`;
  });
}

function answer(tenantId: string, type: string, payload: Record<string, unknown>): EventEnvelope {
  return createEvent({ type, tenantId, actor: { userId: null, kind: 'system' }, aggregateId: String(payload.conversionId), payload });
}

describe('convertLead', () => {
  it('converts without a deal at once: contact and account created and linked, lead CONVERTED, COMPLETED', async () => {
    const t = tenant();
    const lead = await h.subgraph.services.leads.create(t.tenantId, t.actor, { name: 'Ada Lovelace', email: 'ada@analytical.example' });
    const result = await convert(t, lead.id, {
      contact: { create: { firstName: 'Ada', lastName: 'Lovelace' } },
      account: { create: { name: 'Analytical Engines', domain: 'analytical.example' } },
    });
    expect(result.errors).toBeUndefined();
    const conversion = result.data!.convertLead;
    expect(conversion).toMatchObject({ status: 'COMPLETED', contactCreated: true, accountCreated: true, dealId: null, deal: null, lead: { id: lead.id, status: 'CONVERTED' } });
    expect(conversion.contact).toMatchObject({ email: 'ada@analytical.example', lifecycleStage: 'SALES_QUALIFIED', accounts: [{ id: conversion.account!.id }] });
    await h.subgraph.relay.flush();
    const types = h.published.filter((event) => event.tenantId === t.tenantId).map((event) => event.type);
    expect(types).toEqual(expect.arrayContaining(['customer.account.created', 'customer.contact.created', LEAD_CONVERSION_REQUESTED, 'customer.lead.converted']));
  });

  it('matches an existing contact by e-mail and an existing account by domain instead of duplicating', async () => {
    const t = tenant();
    const account = await h.subgraph.services.accounts.create(t.tenantId, t.actor, { name: 'Acme', domain: 'acme.example' });
    const contact = await h.subgraph.services.contacts.create(t.tenantId, t.actor, { firstName: 'Wile', lastName: 'Coyote', email: 'wile@acme.example' });
    const lead = await h.subgraph.services.leads.create(t.tenantId, t.actor, { name: 'Wile E. Coyote', email: 'WILE@acme.example' });
    const result = await convert(t, lead.id, {
      contact: { create: { firstName: 'Wile E.', lastName: 'Coyote' } },
      account: { create: { name: 'ACME Corp', domain: 'acme.example' } },
    });
    expect(result.errors).toBeUndefined();
    expect(result.data!.convertLead).toMatchObject({ contactCreated: false, accountCreated: false, contact: { id: contact.id }, account: { id: account.id } });
  });

  it('refuses unknown leads (NOT_FOUND), UNQUALIFIED ones and bad input (BAD_USER_INPUT), converted ones (CONFLICT)', async () => {
    const t = tenant();
    const missing = await convert(t, randomUUID(), { contact: { create: { firstName: 'A', lastName: 'B' } } });
    expect(missing.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');

    const unqualified = await h.subgraph.services.leads.create(t.tenantId, t.actor, { name: 'No Way' });
    await setStatus(t.tenantId, unqualified.id, 'UNQUALIFIED');
    const refused = await convert(t, unqualified.id, { contact: { create: { firstName: 'No', lastName: 'Way' } } });
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id' });

    const lead = await h.subgraph.services.leads.create(t.tenantId, t.actor, { name: 'Twice' });
    const unknownContact = await convert(t, lead.id, { contact: { existingId: randomUUID() } });
    expect(unknownContact.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'contact.existingId' });
    const both = await convert(t, lead.id, { contact: { existingId: randomUUID(), create: { firstName: 'A', lastName: 'B' } } });
    expect(both.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'contact' });

    const first = await convert(t, lead.id, { contact: { create: { firstName: 'Twi', lastName: 'Ce' } } });
    expect(first.errors).toBeUndefined();
    const second = await convert(t, lead.id, { contact: { create: { firstName: 'Twi', lastName: 'Ce' } } });
    expect(second.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect(JSON.stringify(second.errors)).not.toMatch(/prisma|stack|SELECT/i);

    const other = h.newTenant();
    const foreign = await h.request(CONVERT, { id: lead.id, input: { contact: { create: { firstName: 'A', lastName: 'B' } } } }, other.identity);
    expect(foreign.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('returns the same conversion for the same idempotency key, and refuses the key for another lead', async () => {
    const t = tenant();
    const lead = await h.subgraph.services.leads.create(t.tenantId, t.actor, { name: 'Retry Me' });
    await setStatus(t.tenantId, lead.id, 'CONTACTED');
    const input = { contact: { create: { firstName: 'Retry', lastName: 'Me' } }, deal: DEAL, idempotencyKey: 'convert-retry-1' };
    const [a, b] = await Promise.all([convert(t, lead.id, input), convert(t, lead.id, input)]);
    expect(a.errors).toBeUndefined();
    expect(b.errors).toBeUndefined();
    expect(a.data!.convertLead.id).toBe(b.data!.convertLead.id);
    const c = await convert(t, lead.id, input);
    expect(c.data!.convertLead.id).toBe(a.data!.convertLead.id);

    const otherLead = await h.subgraph.services.leads.create(t.tenantId, t.actor, { name: 'Someone Else' });
    const reused = await convert(t, otherLead.id, input);
    expect(reused.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', field: 'idempotencyKey' });
  });
});

describe('the deal step answered by sales', () => {
  it('completes a PENDING conversion with its deal, once', async () => {
    const t = tenant();
    const lead = await h.subgraph.services.leads.create(t.tenantId, t.actor, { name: 'Deal Maker', email: 'deal@maker.example' });
    const result = await convert(t, lead.id, { contact: { create: { firstName: 'Deal', lastName: 'Maker' } }, deal: DEAL });
    const conversion = result.data!.convertLead;
    expect(conversion).toMatchObject({ status: 'PENDING', dealId: null, contact: { lifecycleStage: 'OPPORTUNITY' } });
    await h.subgraph.relay.flush();
    const requested = h.published.find((event) => event.type === LEAD_CONVERSION_REQUESTED && event.aggregateId === conversion.id);
    expect(requested?.payload).toMatchObject({ conversionId: conversion.id, leadId: lead.id, contactId: conversion.contact!.id, accountId: null, deal: { ...DEAL, stageId: null, ownerId: t.userId } });

    const dealId = randomUUID();
    const created = answer(t.tenantId, DEAL_CREATED_FOR_CONVERSION, { conversionId: conversion.id, dealId });
    expect(await h.subgraph.dealSteps.apply(created)).toBe('applied');
    expect(await h.subgraph.dealSteps.apply(created)).toBe('duplicate');
    const late = answer(t.tenantId, DEAL_FAILED_FOR_CONVERSION, { conversionId: conversion.id, reason: 'too late' });
    expect(await h.subgraph.dealSteps.apply(late)).toBe('stale');

    const read = await h.request<{ leadConversion: Conversion }>(CONVERSION, { id: conversion.id }, t.identity);
    expect(read.data!.leadConversion).toMatchObject({ status: 'COMPLETED', dealId, failureReason: null, lead: { status: 'CONVERTED' }, contact: { id: conversion.contact!.id } });
  });

  it('compensates a refused deal: FAILED with the reason, lead restored, created records trashed, matched ones unlinked', async () => {
    const t = tenant();
    const account = await h.subgraph.services.accounts.create(t.tenantId, t.actor, { name: 'Kept Ltd', domain: 'kept.example' });
    const lead = await h.subgraph.services.leads.create(t.tenantId, t.actor, { name: 'Undo Me', email: 'undo@kept.example' });
    await setStatus(t.tenantId, lead.id, 'CONTACTED');
    const result = await convert(t, lead.id, { contact: { create: { firstName: 'Undo', lastName: 'Me' } }, account: { existingId: account.id }, deal: DEAL });
    const conversion = result.data!.convertLead;
    expect(conversion).toMatchObject({ status: 'PENDING', contactCreated: true, accountCreated: false, contact: { accounts: [{ id: account.id }] } });

    // Through the bus, as the sales subgraph answers.
    await h.bus.publish(topicOf('sales'), [answer(t.tenantId, DEAL_FAILED_FOR_CONVERSION, { conversionId: conversion.id, reason: 'stageId must be a stage of the deal\'s pipeline' })]);
    let read: Conversion | undefined;
    for (let attempt = 0; attempt < 100; attempt++) {
      read = (await h.request<{ leadConversion: Conversion }>(CONVERSION, { id: conversion.id }, t.identity)).data!.leadConversion;
      if (read.status !== 'PENDING') break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(read).toMatchObject({ status: 'FAILED', failureReason: "stageId must be a stage of the deal's pipeline", lead: { status: 'CONTACTED' }, contact: null, account: { id: account.id } });

    const contacts = await h.request<{ contact: { id: string; deletedAt: string | null } | null; account: { contacts: { id: string }[] } }>(
      'query ($c: ID!, $a: ID!) { contact(id: $c) { id deletedAt } account(id: $a) { contacts { id } } }',
      { c: conversion.contact!.id, a: account.id },
      t.identity,
    );
    expect(contacts.data?.contact?.deletedAt).not.toBeNull();
    expect(contacts.data?.account.contacts).toEqual([]);

    // The lead can be converted again.
    const again = await convert(t, lead.id, { contact: { create: { firstName: 'Undo', lastName: 'Me' } } });
    expect(again.data?.convertLead.status).toBe('COMPLETED');
  });
});
