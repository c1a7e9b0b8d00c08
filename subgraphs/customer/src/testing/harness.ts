/** Test harness: the customer subgraph on a scratch database (see @crm/subgraph-harness). */
import type { RecordDirectory } from '@crm/runtime';
import { startSubgraphHarness, type SubgraphHarness } from '@crm/subgraph-harness';
import { createCustomerSubgraph, customerPaths, type CustomerSubgraph } from '../index.ts';

export { dataStatementsDuring, type GraphQLResult } from '@crm/subgraph-harness';

export type CustomerHarness = SubgraphHarness<CustomerSubgraph>;

/** A directory that knows every user: tests name owners freely unless they pass their own. */
export const everyOwnerExists: RecordDirectory = { missing: async () => [] };

export function startCustomerHarness(options: { records?: RecordDirectory } = {}): Promise<CustomerHarness> {
  return startSubgraphHarness({ domain: 'customer', paths: customerPaths, create: (deps) => createCustomerSubgraph({ ...deps, records: options.records ?? everyOwnerExists }) });
}
