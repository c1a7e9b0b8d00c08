import { CombinedGraphQLErrors } from '@apollo/client/errors';
import { describe, expect, it } from 'vitest';
import { fieldErrorsOf, fieldNameOf, groupFieldErrors } from './field-errors.ts';

describe('fieldNameOf', () => {
  it('takes the input field the path names', () => {
    expect(fieldNameOf('email')).toBe('email');
    expect(fieldNameOf('input.email')).toBe('email');
    expect(fieldNameOf('input.emails[0].address')).toBe('emails');
    expect(fieldNameOf('accountIds[1]')).toBe('accountIds');
  });
});

describe('groupFieldErrors', () => {
  it('puts messages under the fields of the form, others in general', () => {
    expect(
      groupFieldErrors(
        [
          { message: 'Not an e-mail address', field: 'input.email' },
          { message: 'Too long', field: 'email' },
          { message: 'Unknown owner', field: 'ownerId' },
          { message: 'Rate limited' },
        ],
        ['email', 'firstName'],
      ),
    ).toEqual({ byField: { email: 'Not an e-mail address Too long' }, general: ['Unknown owner', 'Rate limited'] });
  });
});

describe('fieldErrorsOf', () => {
  it('reads extensions.field of the GraphQL errors of an Apollo error', () => {
    const error = new CombinedGraphQLErrors({
      errors: [{ message: 'amount must be a decimal', extensions: { code: 'BAD_USER_INPUT', field: 'amount' } }],
    });
    expect(fieldErrorsOf(error, ['amount'])).toEqual({ byField: { amount: 'amount must be a decimal' }, general: [] });
  });
});
