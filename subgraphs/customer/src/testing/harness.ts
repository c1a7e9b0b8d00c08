/** Test harness: the customer subgraph on a scratch database (see @crm/subgraph-harness). */
import { startSubgraphHarness, type SubgraphHarness } from '@crm/subgraph-harness';
import { createCustomerSubgraph, customerPaths, type CustomerSubgraph } from '../index.ts';

export { dataStatementsDuring, type GraphQLResult } from '@crm/subgraph-harness';

export type CustomerHarness = SubgraphHarness<CustomerSubgraph>;

export function startCustomerHarness(): Promise<CustomerHarness> {
  return startSubgraphHarness({ domain: 'customer', paths: customerPaths, create: (deps) => createCustomerSubgraph(deps) });
}
