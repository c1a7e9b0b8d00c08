/**
 * Errors the gateway raises itself, with the public codes of @crm/runtime. Built on the
 * gateway's graphql-js instance (see `graphql.ts`) so graphql-ws and Apollo recognise them.
 */
import { ErrorCode } from '@crm/runtime';
import { GraphQLError } from './graphql.ts';

/** Request-level codes the gateway uses besides the domain codes of `ErrorCode`. */
export type RequestErrorCode = 'BAD_REQUEST' | 'GRAPHQL_PARSE_FAILED' | 'GRAPHQL_VALIDATION_FAILED';

export function gatewayError(code: ErrorCode | RequestErrorCode, message: string, extensions: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { ...extensions, code } });
}

export const badInput = (message: string, field?: string) => gatewayError(ErrorCode.BAD_USER_INPUT, message, field ? { field } : {});
export const notFound = (what: string, id: string) => gatewayError(ErrorCode.NOT_FOUND, `${what} ${id} not found`);

/** The same errors, carrying `code` (graphql-js leaves parse and validation errors without one). */
export function withCode(errors: readonly GraphQLError[], code: RequestErrorCode): GraphQLError[] {
  return errors.map(
    (error) =>
      new GraphQLError(error.message, {
        nodes: error.nodes ?? null,
        source: error.source ?? null,
        positions: error.positions ?? null,
        path: error.path ?? null,
        extensions: { ...error.extensions, code },
      }),
  );
}

/** Rebuilds an error received as JSON (e.g. from a federated execution). */
export function fromFormatted(error: { message: string; path?: ReadonlyArray<string | number>; extensions?: Record<string, unknown> }): GraphQLError {
  return new GraphQLError(error.message, { path: error.path ?? null, extensions: error.extensions ?? {} });
}
