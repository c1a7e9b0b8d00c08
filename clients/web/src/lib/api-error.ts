/**
 * Turning what Apollo Client reports into the message the user reads: the API's own error
 * message when there is one, a plain sentence otherwise.
 */
import { CombinedGraphQLErrors, CombinedProtocolErrors, ServerError, ServerParseError } from '@apollo/client/errors';

interface FormattedError {
  message: string;
  extensions?: Readonly<Record<string, unknown>>;
}

function errorsInBody(bodyText: string): readonly FormattedError[] {
  try {
    const body: unknown = JSON.parse(bodyText);
    if (typeof body === 'object' && body !== null && 'errors' in body && Array.isArray(body.errors)) {
      return (body.errors as unknown[]).filter(
        (error): error is FormattedError =>
          typeof error === 'object' && error !== null && typeof (error as { message?: unknown }).message === 'string',
      );
    }
  } catch {
    // Not JSON (a proxy's HTML error page, for instance).
  }
  return [];
}

/** The GraphQL errors carried by an error, wherever Apollo Client put them. */
export function graphQLErrorsOf(error: unknown): readonly FormattedError[] {
  if (CombinedGraphQLErrors.is(error)) return error.errors;
  if (CombinedProtocolErrors.is(error)) return error.errors;
  if (ServerError.is(error)) return errorsInBody(error.bodyText);
  return [];
}

/** A message fit to show the user. */
export function errorMessage(error: unknown): string {
  const messages = [...new Set(graphQLErrorsOf(error).map((e) => e.message))];
  if (messages.length > 0) return messages.join(' ');
  if (ServerError.is(error)) return `The server answered with status ${error.statusCode}. Please try again.`;
  if (ServerParseError.is(error)) return 'The server sent a response that could not be read. Please try again.';
  if (error instanceof Error && /failed to fetch|networkerror|load failed/i.test(error.message)) {
    return 'Cannot reach the server. Check your connection and try again.';
  }
  return error instanceof Error && error.message ? error.message : 'Something went wrong. Please try again.';
}

/** True when the API refused the request because the sign-in is missing, invalid or expired. */
export function isUnauthenticated(error: unknown): boolean {
  if (ServerError.is(error) && error.statusCode === 401) return true;
  return graphQLErrorsOf(error).some((e) => e.extensions?.code === 'UNAUTHENTICATED');
}
