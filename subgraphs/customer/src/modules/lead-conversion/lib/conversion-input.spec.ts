import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { parseConversionRequest, type ConvertLeadRequest } from './conversion-input.ts';

const ID = '6f1c1c0e-3f7a-4c55-9d7e-2f7a1b2c3d4e';

function refusal(input: ConvertLeadRequest): { code: unknown; field: unknown; message: string } {
  try {
    parseConversionRequest(input);
  } catch (error) {
    if (!(error instanceof GraphQLError)) throw error;
    return { code: error.extensions.code, field: error.extensions.field, message: error.message };
  }
  throw new Error('expected the request to be refused');
}

describe('parseConversionRequest', () => {
  it('accepts a new contact, an existing account and a deal, normalising what it can', () => {
    const valid = parseConversionRequest({
      contact: { create: { firstName: ' Ada ', lastName: 'Lovelace', email: ' ADA@Example.com ' } },
      account: { existingId: ID.toUpperCase() },
      deal: { pipelineId: ID, name: 'First order', amount: ' 1250.50 ', currency: 'eur' },
      idempotencyKey: ' retry-1 ',
    });
    expect(valid).toEqual({
      contact: { create: { firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com', phone: null } },
      account: { existingId: ID },
      deal: { pipelineId: ID, stageId: null, name: 'First order', amount: '1250.50', currency: 'EUR', ownerId: null },
      idempotencyKey: 'retry-1',
    });
  });

  it('needs no account, deal or key', () => {
    expect(parseConversionRequest({ contact: { existingId: ID } })).toEqual({ contact: { existingId: ID }, account: null, deal: null, idempotencyKey: null });
  });

  it('wants exactly one of existingId and create for the contact and the account', () => {
    expect(refusal({ contact: {} })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'contact' });
    expect(refusal({ contact: { existingId: ID, create: { firstName: 'A', lastName: 'B' } } })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'contact' });
    expect(refusal({ contact: { existingId: ID }, account: { existingId: null, create: null } })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'account' });
  });

  it('names the invalid field', () => {
    expect(refusal({ contact: { existingId: 'nope' } })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'contact.existingId' });
    expect(refusal({ contact: { create: { firstName: ' ', lastName: 'B' } } })).toMatchObject({ field: 'contact.create.firstName' });
    expect(refusal({ contact: { create: { firstName: 'A', lastName: 'B', email: 'not-an-email' } } })).toMatchObject({ field: 'contact.create.email' });
    expect(refusal({ contact: { existingId: ID }, account: { create: { name: 'Acme', domain: 'not a domain' } } })).toMatchObject({ field: 'account.create.domain' });
    const deal = { pipelineId: ID, name: 'Deal', amount: '10', currency: 'EUR' };
    expect(refusal({ contact: { existingId: ID }, deal: { ...deal, pipelineId: 'x' } })).toMatchObject({ field: 'deal.pipelineId' });
    expect(refusal({ contact: { existingId: ID }, deal: { ...deal, stageId: 'x' } })).toMatchObject({ field: 'deal.stageId' });
    expect(refusal({ contact: { existingId: ID }, deal: { ...deal, currency: 'euro' } })).toMatchObject({ field: 'deal.currency' });
    expect(refusal({ contact: { existingId: ID }, deal: { ...deal, amount: '' } })).toMatchObject({ field: 'deal.amount' });
    expect(refusal({ contact: { existingId: ID }, idempotencyKey: 'k'.repeat(201) })).toMatchObject({ field: 'idempotencyKey' });
    expect(refusal({ contact: { existingId: ID }, idempotencyKey: '  ' })).toMatchObject({ field: 'idempotencyKey' });
  });
});
