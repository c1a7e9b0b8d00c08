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
  /** Set on the gateway's own background re-reads of stale response cache entries (plugins/useResponseCache.ts). */
  responseCacheRefresh?: boolean;
  /**
   * Set on reads the gateway runs for an operation already charged to the tenant's cost budget:
   * the deal of each board event a subscription receives, a stale cache entry's refresh, the
   * records a write or an upload names (internal record routes). Demand
   * control still applies its per-operation maximum but does not charge the budget again.
   */
  alreadyCharged?: boolean;
}
