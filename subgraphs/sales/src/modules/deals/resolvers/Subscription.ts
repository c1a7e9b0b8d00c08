import { badInput } from '@crm/runtime';
import type { SubscriptionResolvers } from '../../../__generated__/resolvers-types.ts';

/**
 * The live board is delivered by the gateway (Kafka events in, graphql-ws out); the subgraph only
 * declares its types. Asking the subgraph directly is a client mistake, answered as such.
 */
const servedByGateway = () => {
  throw badInput('pipelineBoard is served by the gateway over graphql-ws, not by the sales subgraph');
};

export const Subscription: SubscriptionResolvers = {
  pipelineBoard: { subscribe: servedByGateway, resolve: servedByGateway },
};
