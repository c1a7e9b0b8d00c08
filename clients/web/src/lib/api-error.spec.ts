import { CombinedGraphQLErrors, ServerError } from '@apollo/client/errors';
import { describe, expect, it } from 'vitest';
import { errorMessage, isUnauthenticated } from './api-error.ts';

function serverError(status: number, body: string): ServerError {
  return new ServerError('Response not successful', { response: new Response(body, { status }), bodyText: body });
}

describe('errorMessage', () => {
  it('shows the API message of a GraphQL error', () => {
    const error = new CombinedGraphQLErrors({
      data: null,
      errors: [{ message: 'Invalid email or password', extensions: { code: 'UNAUTHENTICATED' } }],
    });

    expect(errorMessage(error)).toBe('Invalid email or password');
    expect(isUnauthenticated(error)).toBe(true);
  });

  it('reads the API message out of a non-2xx JSON body', () => {
    const error = serverError(401, JSON.stringify({ errors: [{ message: 'Token expired', extensions: { code: 'UNAUTHENTICATED' } }] }));

    expect(errorMessage(error)).toBe('Token expired');
    expect(isUnauthenticated(error)).toBe(true);
  });

  it('falls back to a plain sentence for a body that is not GraphQL', () => {
    const error = serverError(502, '<html>Bad gateway</html>');

    expect(errorMessage(error)).toBe('The server answered with status 502. Please try again.');
    expect(isUnauthenticated(error)).toBe(false);
  });

  it('names a network failure as such', () => {
    expect(errorMessage(new TypeError('Failed to fetch'))).toBe('Cannot reach the server. Check your connection and try again.');
    expect(errorMessage('???')).toBe('Something went wrong. Please try again.');
  });
});
