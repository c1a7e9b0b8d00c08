/**
 * Gateways side by side: the same in-process subgraphs, data and query through
 *
 *   1. our gateway, every policy on (JWT verification, rate limits and cost budget in Redis,
 *      operation limits, demand control, introspection policy, CORS, metrics, masking);
 *   2. stock `@apollo/gateway` + `@apollo/server` (`startStandaloneServer`), a plain
 *      `RemoteGraphQLDataSource` that signs the identity header so subgraphs accept it;
 *   3. Hive Gateway (`@graphql-hive/gateway`), an `onFetch` plugin signing the same header.
 *
 * The stock gateways sign a fixed identity and verify no token, so they do less work per
 * request than ours. Query: 50 deals of a pipeline with their account's name (sales + customer).
 * Load: 16 connections, BENCH_SECONDS (default 15) per gateway after a 3 s warm-up, from a worker
 * thread. Prints requests/s, p50, p99 and the ratios.
 *
 *   source scripts/lib/real-env.sh && LOG_LEVEL=silent pnpm exec tsx bench/gateways.ts
 *   (BENCH_SECONDS=15, BENCH_CONNECTIONS=16, BENCH_GATEWAYS=ours,apollo,hive)
 */
import { randomUUID } from 'node:crypto';
import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { readFile } from 'node:fs/promises';
import { Worker } from 'node:worker_threads';
import { createLogger, IDENTITY_HEADER, signIdentity, type Identity } from '@crm/runtime';
import { createAccount, createDeal, createPipeline, createTenantWithUsers, DOMAINS, STANDARD_STAGES } from '@crm/stack';
import { startRealStack } from '@crm/testkit';
import type { LoadResult, LoadSpec } from './load.ts';

const DURATION_MS = Number(process.env.BENCH_SECONDS ?? 15) * 1000;
/** Which gateways to run, e.g. `BENCH_GATEWAYS=ours,hive`. Default all three. */
const ONLY = new Set((process.env.BENCH_GATEWAYS ?? 'ours,apollo,hive').split(',').map((s) => s.trim()));
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const DEALS = 50;

// The gateways under comparison are dependencies of @crm/gateway; load them from there.
const fromGateway = createRequire(new URL('../gateway/package.json', import.meta.url));
const load = <T>(name: string): Promise<T> => import(fromGateway.resolve(name)) as Promise<T>;

const stack = await startRealStack();
const slug = `bench-gw-${randomUUID().slice(0, 8)}`;
const { tenantId, users } = await createTenantWithUsers(stack, { name: 'Gateway Bench Inc', slug }, [
  { email: `admin@${slug}.test`, name: 'Admin', role: 'TENANT_ADMIN' as const, password: randomUUID() },
]);
const admin = users[0]!;
const pipeline = await createPipeline(stack.gatewayUrl, admin.token, 'Bench pipeline', STANDARD_STAGES);
const accounts = [];
for (let i = 0; i < 10; i++) accounts.push(await createAccount(stack.gatewayUrl, admin.token, { name: `Account ${i}` }));
for (let i = 0; i < DEALS; i++) {
  await createDeal(stack.gatewayUrl, admin.token, {
    pipelineId: pipeline.id,
    stageId: pipeline.stages[i % 4]!.id,
    name: `Deal ${i}`,
    amount: `${1000 + i}.00`,
    currency: 'USD',
    accountId: accounts[i % accounts.length]!.id,
    ownerId: admin.id,
  });
}

// the committed supergraph, pointed at this stack's subgraphs
let supergraphSdl = await readFile(stack.config.supergraphPath, 'utf8');
for (const domain of DOMAINS) supergraphSdl = supergraphSdl.replace(`http://${domain}.crm.internal/graphql`, stack.subgraphs[domain].url);
const secret = stack.config.signingSecret;
const identity = (): Identity => ({ tenantId, userId: admin.id, roles: ['TENANT_ADMIN'], requestId: randomUUID() });
const silent = createLogger('bench', 'silent');

async function serve(handler: RequestListener): Promise<{ url: string; close: () => Promise<void> }> {
  const server = createServer(handler);
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}

/** 1. Ours, with every policy on; limits sized so the load itself is not refused. */
async function ours() {
  const { createGateway } = await import('../gateway/src/index.ts');
  const gateway = await createGateway({
    supergraphSdl,
    subgraphUrls: Object.fromEntries(DOMAINS.map((d) => [d, stack.subgraphs[d].url])) as Record<(typeof DOMAINS)[number], string>,
    jwksUrl: `http://127.0.0.1:${stack.subgraphs.platform.port}/.well-known/jwks.json`,
    signingSecret: secret,
    bus: stack.bus,
    cache: stack.cache,
    logger: silent,
    subscriptions: { groupPrefix: `bench.gateways.${randomUUID()}` },
    rateLimit: { perTenant: 10_000_000, perUser: 10_000_000 },
    demandControl: { budgetPerMinute: 1_000_000_000 },
    corsOrigins: ['https://partner.example'],
  });
  const { url } = await gateway.start(0);
  return { url, close: () => gateway.stop() };
}

/** 2. Stock Apollo Gateway + Apollo Server standalone. */
async function apollo() {
  type GatewayModule = typeof import('@apollo/gateway');
  type ServerModule = typeof import('@apollo/server');
  type StandaloneModule = typeof import('@apollo/server/standalone');
  const { ApolloGateway, RemoteGraphQLDataSource } = await load<GatewayModule>('@apollo/gateway');
  const { ApolloServer } = await load<ServerModule>('@apollo/server');
  const { startStandaloneServer } = await load<StandaloneModule>('@apollo/server/standalone');
  const gateway = new ApolloGateway({
    supergraphSdl,
    buildService: ({ url }) =>
      new RemoteGraphQLDataSource({
        url,
        willSendRequest({ request }) {
          request.http?.headers.set(IDENTITY_HEADER, signIdentity(identity(), secret));
        },
      }),
  });
  const server = new ApolloServer({ gateway });
  const { url } = await startStandaloneServer(server, { listen: { port: 0, host: '127.0.0.1' } });
  return { url: new URL('/graphql', url).toString(), close: () => server.stop() };
}

/** 3. Hive Gateway runtime over node:http. */
async function hive() {
  type HiveModule = typeof import('@graphql-hive/gateway');
  const { createGatewayRuntime, createLoggerFromLogging } = await load<HiveModule>('@graphql-hive/gateway');
  // Hive's logger refuses pino's `silent`, which the other parts of the stack use
  if (process.env.LOG_LEVEL === 'silent') process.env.LOG_LEVEL = 'error';
  const runtime = createGatewayRuntime({
    supergraph: supergraphSdl,
    logging: createLoggerFromLogging(false),
    plugins: () => [
      {
        onFetch({ options, setOptions }) {
          setOptions({ ...options, headers: { ...(options.headers as Record<string, string>), [IDENTITY_HEADER]: signIdentity(identity(), secret) } });
        },
      },
    ],
  });
  const served = await serve(runtime as unknown as RequestListener);
  return { url: served.url, close: async () => (await served.close(), await runtime.dispose()) };
}

const query = `query Board($pipelineId: ID!) { deals(pipelineId: $pipelineId, first: ${DEALS}) { id name account { name } } }`;
const body = JSON.stringify({ query, variables: { pipelineId: pipeline.id } });
const headers = { 'content-type': 'application/json', authorization: `Bearer ${admin.token}` };

function run(spec: LoadSpec): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./load-worker.mjs', import.meta.url), { workerData: spec });
    worker.once('message', (result: LoadResult) => {
      resolve(result);
      void worker.terminate();
    });
    worker.once('error', reject);
  });
}

/** One read; throws unless all 50 deals come back with their account names. */
async function check(name: string, url: string) {
  const answer = (await (await fetch(url, { method: 'POST', headers, body })).json()) as { data?: { deals: Array<{ account: { name: string } | null }> }; errors?: unknown };
  const deals = answer.data?.deals ?? [];
  if (answer.errors || deals.length !== DEALS || deals.some((d) => !d.account?.name)) {
    throw new Error(`${name}: unexpected answer ${JSON.stringify(answer).slice(0, 300)}`);
  }
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
const results: Array<{ name: string; rate: number; p50: number; p99: number; errors: number; requests: number }> = [];

const contenders = [
  ['ours', 'ours (all policies on)', ours],
  ['apollo', '@apollo/gateway (stock)', apollo],
  ['hive', 'Hive Gateway', hive],
] as const;
for (const [id, name, start] of contenders) {
  if (!ONLY.has(id)) continue;
  const gateway = await start();
  try {
    await check(name, gateway.url);
    await run({ url: gateway.url, body, headers, durationMs: 3000, connections: 8 }); // warm-up
    const result = await run({ url: gateway.url, body, headers, durationMs: DURATION_MS, connections: CONNECTIONS });
    const sorted = [...result.latenciesMs].sort((a, b) => a - b);
    results.push({ name, rate: result.requests / (result.elapsedMs / 1000), p50: pct(sorted, 50), p99: pct(sorted, 99), errors: result.errors, requests: result.requests });
  } finally {
    await gateway.close();
  }
}

const ourRate = results[0]!.rate;
console.log(`\n${DEALS} deals + account name (sales + customer subgraphs), ${CONNECTIONS} connections, ${DURATION_MS / 1000} s each, real PostgreSQL + Redis\n`);
console.log('| gateway | req/s | p50 ms | p99 ms | errors | ours ÷ this |');
console.log('|---|---:|---:|---:|---:|---:|');
for (const r of results) {
  console.log(`| ${r.name} | ${r.rate.toFixed(0)} | ${r.p50.toFixed(1)} | ${r.p99.toFixed(1)} | ${r.errors}/${r.requests} | ${(ourRate / r.rate).toFixed(2)}× |`);
}

await stack.stop();
process.exit(0);
