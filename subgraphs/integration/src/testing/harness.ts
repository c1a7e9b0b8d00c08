/** Test harness: the integration subgraph on a scratch database (see @crm/subgraph-harness). */
import { randomBytes } from 'node:crypto';
import { startSubgraphHarness, type SubgraphHarness } from '@crm/subgraph-harness';
import { createIntegrationSubgraph, integrationPaths, type IntegrationSubgraph } from '../index.ts';

export { dataStatementsDuring, type GraphQLResult } from '@crm/subgraph-harness';

export type IntegrationHarness = SubgraphHarness<IntegrationSubgraph>;

export function startIntegrationHarness(): Promise<IntegrationHarness> {
  return startSubgraphHarness({
    domain: 'integration',
    paths: integrationPaths,
    create: (deps) => createIntegrationSubgraph({ ...deps, secretKey: randomBytes(32) }),
  });
}
