/**
 * Runs an operation through the gateway's own federated execution (query planning, subgraph
 * fetches with the signed identity, error masking), as a given caller. Subscriptions use it for
 * access checks and for the entity fields of events, so they obey the same rules as any query.
 */
import type { ApolloServer } from '@apollo/server';
import type { Identity } from '@crm/runtime';
import type { GatewayContext } from '../context.ts';
import type { FederatedRequest, FederatedResult } from './board-subscription.ts';

export type RunFederated = (request: FederatedRequest & { operationName?: string }, identity: Identity) => Promise<FederatedResult>;

export function federatedRunner(apollo: ApolloServer<GatewayContext>): RunFederated {
  return async (request, identity) => {
    const response = await apollo.executeOperation(request, { contextValue: { identity } });
    if (response.body.kind !== 'single') {
      return { errors: [{ message: 'Incremental delivery is not supported here', extensions: { code: 'BAD_REQUEST' } }] };
    }
    const { data, errors } = response.body.singleResult;
    return { data: data ?? null, ...(errors ? { errors } : {}) };
  };
}
