/**
 * Who may introspect the schema. Partners with a valid token may (tooling, codegen); anonymous
 * callers may only outside production, so the public endpoint never describes itself to
 * strangers. `nobody` turns introspection off entirely. `__typename` is always allowed.
 *
 * Anonymous introspection is UNAUTHENTICATED (HTTP 401); disabled introspection is
 * GRAPHQL_VALIDATION_FAILED (HTTP 400).
 */
import type { ApolloServerPlugin } from '@apollo/server';
import { ErrorCode } from '@crm/runtime';
import { GraphQLError, Kind, type DocumentNode, type SelectionSetNode } from '../graphql.ts';
import type { GatewayContext } from '../context.ts';

export type IntrospectionAccess = 'everyone' | 'authenticated' | 'nobody';

export interface IntrospectionOptions {
  /** Default: `authenticated` in production (`NODE_ENV=production`), `everyone` elsewhere. */
  access?: IntrospectionAccess;
}

/** Whether a document selects `__schema` or `__type` anywhere. */
export function introspects(document: DocumentNode): boolean {
  const walk = (selectionSet: SelectionSetNode | undefined): boolean =>
    (selectionSet?.selections ?? []).some((selection) => {
      if (selection.kind === Kind.FIELD) return selection.name.value === '__schema' || selection.name.value === '__type' || walk(selection.selectionSet);
      if (selection.kind === Kind.INLINE_FRAGMENT) return walk(selection.selectionSet);
      return false; // spreads: their definitions are walked below
    });
  return document.definitions.some((d) => (d.kind === Kind.OPERATION_DEFINITION || d.kind === Kind.FRAGMENT_DEFINITION) && walk(d.selectionSet));
}

export function useIntrospectionPolicy(options: IntrospectionOptions & { production: boolean }): ApolloServerPlugin<GatewayContext> {
  const access = options.access ?? (options.production ? 'authenticated' : 'everyone');
  return {
    async requestDidStart() {
      if (access === 'everyone') return {};
      return {
        async didResolveOperation({ document, contextValue }) {
          if (!introspects(document)) return;
          if (access === 'nobody') {
            throw new GraphQLError('Introspection is disabled', { extensions: { code: 'GRAPHQL_VALIDATION_FAILED', http: { status: 400 } } });
          }
          if (!contextValue.identity.tenantId) {
            throw new GraphQLError('Introspection requires authentication', { extensions: { code: ErrorCode.UNAUTHENTICATED, http: { status: 401 } } });
          }
        },
      };
    },
  };
}
