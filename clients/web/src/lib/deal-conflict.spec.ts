import { CombinedGraphQLErrors } from '@apollo/client/errors';
import { describe, expect, it } from 'vitest';
import { dealConflictOf, describeDealConflict } from './deal-conflict.ts';

function graphQLError(message: string, extensions: Record<string, unknown>) {
  return new CombinedGraphQLErrors({ data: null, errors: [{ message, extensions }] });
}

describe('dealConflictOf', () => {
  it('reads the current values of a CONFLICT', () => {
    const error = graphQLError('Deal d1 was not changed: version 3 expected, it is 4', {
      code: 'CONFLICT',
      current: { id: 'd1', version: 4, name: 'Renewal', amount: '1200.00', currency: 'USD', stageId: 's2', status: 'OPEN', ownerId: null, accountId: 'a1', expectedCloseDate: '2026-12-31' },
    });
    expect(dealConflictOf(error)).toEqual({
      message: 'Deal d1 was not changed: version 3 expected, it is 4',
      current: { version: 4, name: 'Renewal', amount: '1200.00', currency: 'USD', status: 'OPEN', stageId: 's2', ownerId: null, accountId: 'a1', expectedCloseDate: '2026-12-31' },
    });
  });

  it('is null for other errors and keeps the message when the values are missing', () => {
    expect(dealConflictOf(graphQLError('Name is required', { code: 'BAD_USER_INPUT' }))).toBeNull();
    expect(dealConflictOf(new Error('Failed to fetch'))).toBeNull();
    expect(dealConflictOf(graphQLError('changed', { code: 'CONFLICT' }))).toEqual({ message: 'changed', current: null });
  });
});

describe('describeDealConflict', () => {
  it('names the values the deal has now', () => {
    const text = describeDealConflict(
      { message: 'x', current: { version: 4, name: 'Renewal', amount: '1200.00', currency: 'USD', status: 'OPEN', stageId: 's2', ownerId: null, accountId: null, expectedCloseDate: null } },
      { stage: 'Proposal' },
    );
    expect(text).toContain('name “Renewal”');
    expect(text).toContain('amount $1,200.00');
    expect(text).toContain('stage Proposal');
    expect(text).toContain('expected close date none');
  });

  it('still explains itself without values', () => {
    expect(describeDealConflict({ message: 'x', current: null })).toMatch(/not saved/);
  });
});
