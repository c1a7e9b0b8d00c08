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

/** `alreadyCharged`: reads for an operation charged already (a subscription's events): the tenant's cost budget is not charged again. */
export function federatedRunner(apollo: ApolloServer<GatewayContext>, options: { alreadyCharged?: boolean } = {}): RunFederated {
  const charged = options.alreadyCharged ? { alreadyCharged: true } : {};
  return async (request, identity) => {
    const response = await apollo.executeOperation(request, { contextValue: { identity, ...charged } });
    if (response.body.kind !== 'single') {
      return { errors: [{ message: 'Incremental delivery is not supported here', extensions: { code: 'BAD_REQUEST' } }] };
    }
    const { data, errors } = response.body.singleResult;
    return { data: data ?? null, ...(errors ? { errors } : {}) };
  };
}
