/**
 * API keys marked `persistedOnly` run persisted operations only: the request must name a
 * document by its hash (`extensions.persistedQuery.sha256Hash`) and carry no `query`, and the
 * hash must already be registered (by the web app's build, a BI tool's safelist, or an earlier
 * registration by another caller). Anything else, including an attempt to register a new
 * document, is refused with HTTP 403 and `extensions.code` PERSISTED_QUERY_ONLY before it runs
 * and before a registration is stored; an unknown hash gets Apollo's own PERSISTED_QUERY_NOT_FOUND.
 *
 * The refusal comes once the operation is resolved (Apollo answers errors thrown there as the
 * request's response; earlier hooks would surface as a 500). So an ad-hoc document is parsed and
 * validated first, within the operation limits like any other, and one that does not parse or
 * validate is refused with that error instead.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import type { Identity } from '@crm/runtime';
import type { GatewayContext } from '../context.ts';
import { GraphQLError } from '../graphql.ts';
import type { ApiKeyGrant } from './api-keys.ts';

export const PERSISTED_QUERY_ONLY = 'PERSISTED_QUERY_ONLY';

export interface PersistedOnlyOptions {
  /** The API key grant of a request's identity, if the caller is an API key. */
  grantOf: (identity: Identity) => ApiKeyGrant | undefined;
  /** Called on every refusal (metrics). */
  onReject?: () => void;
}

export function persistedOnlyError(): GraphQLError {
  return new GraphQLError('This API key may only run persisted queries: send the sha256Hash of a registered document, without a query', {
    extensions: { code: PERSISTED_QUERY_ONLY, http: { status: 403 } },
  });
}

export function usePersistedOnly(options: PersistedOnlyOptions): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ contextValue, metrics }) {
          if (!options.grantOf(contextValue.identity)?.persistedOnly) return;
          // the source came from the persisted-query store, not from the request
          if (metrics.persistedQueryHit === true) return;
          options.onReject?.();
          throw persistedOnlyError();
        },
      };
    },
  };
}
