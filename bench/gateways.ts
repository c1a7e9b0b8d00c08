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
 * Two scenarios (`BENCH_SCENARIOS`, default both):
 *
 * - `read`: the query sent by POST to `/graphql`, no response cache anywhere.
 * - `bi`: a BI tool fetching the same query as a persisted query by GET, answered from each
 *   gateway's own in-memory response cache, per caller (the Authorization header), 60 s:
 *   ours `GET /bi/queries/<name>?format=json` (a named query registered through the analytics
 *   API) with `responseCache: {}`; stock Apollo an automatic persisted query by GET with
 *   `@apollo/server-plugin-response-cache` (`sessionId`) and a gateway-level cache hint; Hive
 *   Gateway a persisted document by GET with `responseCaching` (`session`). Each gateway is
 *   measured with plain GETs, and with conditional GETs (`If-None-Match`, 304) where it answers
 *   with an ETag (ours and Hive Gateway; stock Apollo sends none).
 *
 * Before measuring, each gateway's answer must hold the same rows as the data seeded (and, in the
 * BI scenario, a repeated GET must come from its cache, another caller's must not, and a
 * conditional GET must get 304); the script stops with an error otherwise.
 *
 *   source scripts/lib/real-env.sh && LOG_LEVEL=silent pnpm exec tsx bench/gateways.ts
 *   (BENCH_SECONDS=15, BENCH_CONNECTIONS=16, BENCH_GATEWAYS=ours,apollo,hive, BENCH_SCENARIOS=read,bi)
 */
import { createHash, randomUUID } from 'node:crypto';
import { createServer, type RequestListener } from 'node:http';
import { loadavg } from 'node:os';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { readFile } from 'node:fs/promises';
import { Worker } from 'node:worker_threads';
import { createLogger, IDENTITY_HEADER, signIdentity, type Identity } from '@crm/runtime';
import { createAccount, createDeal, createPipeline, createTenantWithUsers, DOMAINS, STANDARD_STAGES } from '@crm/stack';
import { startRealStack } from '@crm/testkit';
import type { GatewayOptions } from '../gateway/src/index.ts';
import type { LoadResult, LoadSpec } from './load.ts';

const DURATION_MS = Number(process.env.BENCH_SECONDS ?? 15) * 1000;
/** Which gateways to run, e.g. `BENCH_GATEWAYS=ours,hive`. Default all three. */
const ONLY = new Set((process.env.BENCH_GATEWAYS ?? 'ours,apollo,hive').split(',').map((s) => s.trim()));
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
/** Which scenarios to run, e.g. `BENCH_SCENARIOS=bi`. Default both. */
const SCENARIOS = new Set((process.env.BENCH_SCENARIOS ?? 'read,bi').split(',').map((s) => s.trim()));
for (const scenario of SCENARIOS) if (scenario !== 'read' && scenario !== 'bi') throw new Error(`BENCH_SCENARIOS: unknown scenario "${scenario}" (read, bi)`);
const DEALS = 50;
/** How long each gateway keeps a cached answer in the BI scenario (ours: `RESPONSE_CACHE_TTL_SECONDS`' default). */
const CACHE_TTL_SECONDS = 60;

// The gateways under comparison are dependencies of @crm/gateway; load them from there.
const fromGateway = createRequire(new URL('../gateway/package.json', import.meta.url));
const load = <T>(name: string): Promise<T> => import(fromGateway.resolve(name)) as Promise<T>;

const stack = await startRealStack();
const slug = `bench-gw-${randomUUID().slice(0, 8)}`;
const { tenantId, users } = await createTenantWithUsers(stack, { name: 'Gateway Bench Inc', slug }, [
  { email: `admin@${slug}.test`, name: 'Admin', role: 'TENANT_ADMIN' as const, password: randomUUID() },
  // a second caller of the same tenant and role: the BI scenario checks it gets its own cache entry
  { email: `analyst@${slug}.test`, name: 'Analyst', role: 'TENANT_ADMIN' as const, password: randomUUID() },
]);
const admin = users[0]!;
const analyst = users[1]!;
const pipeline = await createPipeline(stack.gatewayUrl, admin.token, 'Bench pipeline', STANDARD_STAGES);
const accounts = [];
for (let i = 0; i < 10; i++) accounts.push(await createAccount(stack.gatewayUrl, admin.token, { name: `Account ${i}` }));
/** The rows every gateway must answer: `id name account`, sorted. */
const expectedRows: string[] = [];
for (let i = 0; i < DEALS; i++) {
  const account = accounts[i % accounts.length]!;
  const deal = await createDeal(stack.gatewayUrl, admin.token, {
    pipelineId: pipeline.id,
    stageId: pipeline.stages[i % 4]!.id,
    name: `Deal ${i}`,
    amount: `${1000 + i}.00`,
    currency: 'USD',
    accountId: account.id,
    ownerId: admin.id,
  });
  expectedRows.push(`${deal.id}\t${deal.name}\t${account.name}`);
}
expectedRows.sort();

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
async function ours(extra: Partial<GatewayOptions> = {}) {
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
    ...extra,
  });
  const { url } = await gateway.start(0);
  return { url, gateway, close: () => gateway.stop() };
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

type Answer = { data?: { deals?: Array<{ id: string; name: string; account: { name: string } | null }> } | null; errors?: unknown };
/** Throws unless the answer holds exactly the seeded rows: every deal with its account's name. */
function assertRows(name: string, answer: Answer) {
  const rows = (answer.data?.deals ?? []).map((d) => `${d.id}\t${d.name}\t${d.account?.name ?? ''}`).sort();
  if (answer.errors || rows.length !== expectedRows.length || rows.some((row, i) => row !== expectedRows[i])) {
    throw new Error(`${name}: unexpected answer ${JSON.stringify(answer).slice(0, 300)}`);
  }
}

/** One read; throws unless all 50 deals come back with their account names. */
async function check(name: string, url: string) {
  assertRows(name, (await (await fetch(url, { method: 'POST', headers, body })).json()) as Answer);
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
const loadAtStart = loadavg()[0]!.toFixed(1);

if (SCENARIOS.has('read')) {
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
}

// ---------------------------------------------------------------------------------------------
// BI scenario: the same query as a named persisted query over cacheable GET, from each gateway's
// own response cache.

/** A gateway set up for the BI scenario. */
interface BiContender {
  /** The GET a BI tool sends, with its credentials. */
  get: { url: string; headers: Record<string, string> };
  /** The same GET as another caller of the same tenant (must not be answered from the first caller's entry). */
  otherCaller: Record<string, string>;
  /** Answers computed by the subgraphs so far (cache misses). */
  misses: () => number;
  /** Where answers are cached, checked before measuring. */
  store: string;
  close: () => Promise<void>;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const variables = JSON.stringify({ pipelineId: pipeline.id });
/** A GET of an automatic persisted query / persisted document, as Apollo and Hive Gateway take it. */
const persistedGet = (url: string) => {
  const params = new URLSearchParams({ operationName: 'Board', variables, extensions: JSON.stringify({ persistedQuery: { version: 1, sha256Hash: sha256(query) } }) });
  return `${url}?${params}`;
};
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** Ours: the tenant's named query (registered through the analytics API) from `GET /bi/queries/<name>`, response cache on. */
async function oursBi(): Promise<BiContender> {
  const started = await ours({ responseCache: {} });
  const cache = started.gateway.responseCache!;
  await cache.ready;
  const name = 'board-deals';
  const registered = (await (
    await fetch(started.url, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        query: 'mutation Register($input: RegisterPersistedQueryInput!) { registerPersistedQuery(input: $input) { id } }',
        variables: { input: { name, document: query } },
      }),
    })
  ).json()) as { data?: { registerPersistedQuery: { id: string } } | null; errors?: unknown };
  if (!registered.data?.registerPersistedQuery.id) throw new Error(`ours: could not register the BI query: ${JSON.stringify(registered.errors)}`);
  return {
    get: { url: `${started.url.replace(/\/graphql$/, '')}/bi/queries/${name}?${new URLSearchParams({ format: 'json', variables })}`, headers: bearer(admin.token) },
    otherCaller: bearer(analyst.token),
    misses: () => cache.stats().misses,
    store: 'the gateway process (response cache)',
    close: started.close,
  };
}

/**
 * Stock Apollo: an automatic persisted query by GET, `@apollo/server-plugin-response-cache` in the
 * server's default in-memory cache, one session per Authorization header. A gateway computes its
 * answer's cache policy from the subgraphs' Cache-Control headers, which ours do not send (and
 * `@cacheControl` is not in their SDL), so the gateway itself gives every query the same hint as
 * the other two gateways: private, 60 s.
 */
async function apolloBi(): Promise<BiContender> {
  type GatewayModule = typeof import('@apollo/gateway');
  type ServerModule = typeof import('@apollo/server');
  type StandaloneModule = typeof import('@apollo/server/standalone');
  type ResponseCacheModule = typeof import('@apollo/server-plugin-response-cache');
  const { ApolloGateway, RemoteGraphQLDataSource } = await load<GatewayModule>('@apollo/gateway');
  const { ApolloServer } = await load<ServerModule>('@apollo/server');
  const { startStandaloneServer } = await load<StandaloneModule>('@apollo/server/standalone');
  const { default: responseCachePlugin } = (await import('@apollo/server-plugin-response-cache')) as ResponseCacheModule;
  let salesFetches = 0;
  const gateway = new ApolloGateway({
    supergraphSdl,
    buildService: ({ url }) =>
      new RemoteGraphQLDataSource({
        url,
        // the policy comes from the hint below, not from the subgraphs' (absent) Cache-Control headers
        honorSubgraphCacheControlHeader: false,
        willSendRequest({ request }) {
          if (url === stack.subgraphs.sales.url) salesFetches++;
          request.http?.headers.set(IDENTITY_HEADER, signIdentity(identity(), secret));
        },
      }),
  });
  const server = new ApolloServer({
    gateway,
    plugins: [
      {
        async requestDidStart() {
          return {
            async didResolveOperation({ operation, overallCachePolicy }) {
              if (operation?.operation === 'query') overallCachePolicy.restrict({ maxAge: CACHE_TTL_SECONDS, scope: 'PRIVATE' });
            },
          };
        },
      },
      responseCachePlugin({ sessionId: async ({ request }) => request.http?.headers.get('authorization') ?? null }),
    ],
  });
  const { url } = await startStandaloneServer(server, { listen: { port: 0, host: '127.0.0.1' } });
  const graphql = new URL('/graphql', url).toString();
  // register: the query text once with its hash (a BI tool's first call), then GETs by hash alone
  const registered = (await (
    await fetch(graphql, {
      method: 'POST',
      headers,
      body: JSON.stringify({ query, variables: { pipelineId: pipeline.id }, extensions: { persistedQuery: { version: 1, sha256Hash: sha256(query) } } }),
    })
  ).json()) as Answer;
  assertRows('@apollo/gateway: registering the persisted query', registered);
  // Apollo Server's CSRF prevention wants a non-simple header on GETs; a BI connector sends one
  const preflight = { 'apollo-require-preflight': 'true' };
  return {
    get: { url: persistedGet(graphql), headers: { ...bearer(admin.token), ...preflight } },
    otherCaller: { ...bearer(analyst.token), ...preflight },
    misses: () => salesFetches,
    store: 'the server process (InMemoryLRUCache)',
    close: () => server.stop(),
  };
}

/** Hive Gateway: a persisted document by GET, `responseCaching` in the runtime's cache (in memory, as the CLI's default), one session per Authorization header. */
async function hiveBi(): Promise<BiContender> {
  type HiveModule = typeof import('@graphql-hive/gateway');
  const { createGatewayRuntime, createLoggerFromLogging, LocalForageCacheStorage } = await load<HiveModule>('@graphql-hive/gateway');
  if (process.env.LOG_LEVEL === 'silent') process.env.LOG_LEVEL = 'error';
  // the Hive Gateway CLI's default cache: without a browser storage driver it is an in-memory LRU
  const cache = new LocalForageCacheStorage();
  const documents = new Map([[sha256(query), query]]); // the registered documents, by hash
  let salesFetches = 0;
  const runtime = createGatewayRuntime({
    supergraph: supergraphSdl,
    logging: createLoggerFromLogging(false),
    cache,
    persistedDocuments: { getPersistedOperation: (key) => documents.get(key) ?? null },
    responseCaching: { session: (request) => request.headers.get('authorization'), ttl: CACHE_TTL_SECONDS * 1000 },
    plugins: () => [
      {
        onFetch({ url, options, setOptions }) {
          if (url === stack.subgraphs.sales.url) salesFetches++;
          setOptions({ ...options, headers: { ...(options.headers as Record<string, string>), [IDENTITY_HEADER]: signIdentity(identity(), secret) } });
        },
      },
    ],
  });
  const served = await serve(runtime as unknown as RequestListener);
  return {
    get: { url: persistedGet(served.url), headers: bearer(admin.token) },
    otherCaller: bearer(analyst.token),
    misses: () => salesFetches,
    store: `the gateway process (${cache.constructor.name})`,
    close: async () => (await served.close(), await runtime.dispose()),
  };
}

/** Before measuring: the right rows, a repeat from the cache, another caller not, and the ETag a conditional GET may use (null without one). */
async function checkBi(name: string, contender: BiContender): Promise<string | null> {
  const get = async (requestHeaders: Record<string, string>) => {
    const response = await fetch(contender.get.url, { headers: requestHeaders });
    const text = await response.text();
    if (response.status !== 200) throw new Error(`${name}: GET answered ${response.status}: ${text.slice(0, 300)}`);
    assertRows(name, JSON.parse(text) as Answer);
    return response.headers.get('etag');
  };
  await get(contender.get.headers);
  const before = contender.misses();
  const etag = await get(contender.get.headers);
  if (contender.misses() !== before) throw new Error(`${name}: a repeated GET was not answered from the response cache`);
  await get(contender.otherCaller);
  if (contender.misses() !== before + 1) throw new Error(`${name}: another caller's GET was answered from the first caller's cache entry`);
  if (!etag) return null;
  const conditional = await fetch(contender.get.url, { headers: { ...contender.get.headers, 'if-none-match': etag } });
  if (conditional.status !== 304) throw new Error(`${name}: a GET with If-None-Match of the answer's ETag got ${conditional.status}, not 304`);
  return etag;
}

if (SCENARIOS.has('bi')) {
  const results: Array<{ id: string; name: string; mode: 'GET' | 'conditional GET'; rate: number; p50: number; p99: number; errors: number; requests: number; fromCache: number }> = [];
  const notes: string[] = [];
  const contenders = [
    ['ours', 'ours (all policies on, response cache)', oursBi],
    ['apollo', '@apollo/gateway + response-cache plugin', apolloBi],
    ['hive', 'Hive Gateway + responseCaching', hiveBi],
  ] as const;
  for (const [id, name, start] of contenders) {
    if (!ONLY.has(id)) continue;
    const contender = await start();
    try {
      const etag = await checkBi(name, contender);
      notes.push(`${name}: answers cached in ${contender.store}; ${etag ? 'ETag, 304 on If-None-Match' : 'no ETag, so no conditional GET'}`);
      const measure = async (mode: 'GET' | 'conditional GET', spec: Omit<LoadSpec, 'durationMs' | 'connections'>) => {
        const missesBefore = contender.misses();
        const result = await run({ ...spec, durationMs: DURATION_MS, connections: CONNECTIONS });
        const sorted = [...result.latenciesMs].sort((a, b) => a - b);
        const fromCache = result.requests ? 1 - (contender.misses() - missesBefore) / result.requests : 0;
        results.push({ id, name, mode, rate: result.requests / (result.elapsedMs / 1000), p50: pct(sorted, 50), p99: pct(sorted, 99), errors: result.errors, requests: result.requests, fromCache });
      };
      await run({ ...contender.get, status: 200, durationMs: 3000, connections: 8 }); // warm-up
      await measure('GET', { ...contender.get, status: 200 });
      if (etag) await measure('conditional GET', { url: contender.get.url, headers: { ...contender.get.headers, 'if-none-match': etag }, status: 304 });
    } finally {
      await contender.close();
    }
  }

  console.log(
    `\nBI persisted query by GET (the same ${DEALS} deals + account name), answered from each gateway's response cache (per caller, in memory, ${CACHE_TTL_SECONDS} s), ${CONNECTIONS} connections, ${DURATION_MS / 1000} s each\n`,
  );
  for (const note of notes) console.log(`- ${note}`);
  console.log('\n| gateway | request | req/s | p50 ms | p99 ms | errors | from cache | ours ÷ this |');
  console.log('|---|---|---:|---:|---:|---:|---:|---:|');
  for (const r of results) {
    const ourRate = results.find((o) => o.id === 'ours' && o.mode === r.mode)?.rate;
    const ratio = ourRate ? `${(ourRate / r.rate).toFixed(2)}×` : '–';
    console.log(`| ${r.name} | ${r.mode} | ${r.rate.toFixed(0)} | ${r.p50.toFixed(1)} | ${r.p99.toFixed(1)} | ${r.errors}/${r.requests} | ${(r.fromCache * 100).toFixed(1)}% | ${ratio} |`);
  }
}

console.log(`\nload average (1 min) when the measurements started: ${loadAtStart}, when they ended: ${loadavg()[0]!.toFixed(1)}`);
await stack.stop();
process.exit(0);
