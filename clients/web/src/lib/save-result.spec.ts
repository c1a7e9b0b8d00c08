import { CombinedGraphQLErrors } from '@apollo/client/errors';
import { describe, expect, it } from 'vitest';
import { saveWith, upsertMessage } from './save-result.ts';

describe('upsertMessage', () => {
  it('is null when the item was saved', () => {
    expect(upsertMessage([{ outcome: 'UPDATED', error: null }])).toBeNull();
  });

  it('is the item’s message when it was refused', () => {
    expect(upsertMessage([{ outcome: 'FAILED', error: { message: 'Not an e-mail address', field: 'email' } }])).toBe('Not an e-mail address');
    expect(upsertMessage(undefined)).toBe('The change was not saved. Please try again.');
  });
});

describe('saveWith', () => {
  it('turns a GraphQL error into its message', async () => {
    const message = await saveWith(() => Promise.reject(new CombinedGraphQLErrors({ errors: [{ message: 'Forbidden here' }] })));
    expect(message).toBe('Forbidden here');
  });
});
