/**
 * Serves one federation-gateway-audit supergraph through this product's gateway (the same
 * createGateway as production: query planner, subgraph HTTP pool, entity deduplication, identity
 * forwarding, operation limits and demand control), on 127.0.0.1:4000 with `/ready` as health.
 *
 * Started by the audit for each of its test suites (see scripts/federation-audit.sh):
 *   tsx gateway/src/federation-audit.ts <path to the suite's supergraph.graphql>
 * The audit's subgraphs need no identity; the signed identity header they receive is ignored.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createInProcessBus } from '@crm/events';
import { createLogger, MemoryCache } from '@crm/runtime';
import { createGateway, SUBGRAPH_NAMES, type SubgraphName } from './index.ts';

const supergraphPath = process.argv[2];
if (!supergraphPath) {
  console.error('usage: run.ts <supergraph.graphql>');
  process.exit(2);
}
const supergraphSdl = readFileSync(supergraphPath, 'utf8');
const logger = createLogger('audit-gateway', process.env.LOG_LEVEL ?? 'warn');
// The audit's subgraph names are its own: every join goes to the url written in its supergraph.
const subgraphUrls = Object.fromEntries(SUBGRAPH_NAMES.map((name) => [name, 'http://127.0.0.1:9/unused'])) as Record<SubgraphName, string>;

const gateway = await createGateway({
  supergraphSdl,
  subgraphUrls,
  jwksUrl: 'http://127.0.0.1:9/.well-known/jwks.json',
  signingSecret: randomBytes(32).toString('base64url'),
  bus: createInProcessBus(),
  cache: new MemoryCache(),
  logger,
});
const { url } = await gateway.start(Number(process.env.PORT ?? 4000));
logger.info({ url }, 'audit gateway ready');
