/**
 * What every gateway request carries: the caller's verified identity. Subgraph requests are
 * signed from it; nothing else about the client request travels further.
 */
import type { BaseContext } from '@apollo/server';
import type { Identity } from '@crm/runtime';

export const SUBGRAPH_NAMES = ['customer', 'sales', 'analytics', 'platform', 'integration'] as const;
export type SubgraphName = (typeof SUBGRAPH_NAMES)[number];

export interface GatewayContext extends BaseContext {
  identity: Identity;
}
