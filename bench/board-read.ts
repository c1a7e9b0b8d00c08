/**
 * `pnpm bench` (1/3): the pipeline board read through the gateway on real PostgreSQL.
 *
 *   deals(pipelineId, first: 500) { id name amount stage { name } account { name } owner { name } [nextActivity { … }] }
 *
 * over BENCH_DEALS deals (default 500; 20 accounts, 5 owners), with authentication and tenancy on.
 * `nextActivity` is selected when the composed API schema has it. Two gateways over the same
 * subgraphs and data, measured one after the other in the same run: the stack's gateway (response
 * cache off) and a second one with the response cache on. For each: requests/s and latency
 * percentiles for a closed loop (16 connections), an open loop at 80 % of the cache-off closed-loop
 * throughput (a rate this machine sustains without the cache) and an open loop at 100 requests/s;
 * the cache hit ratio of each run; SQL statements per request in each subgraph, counted over
 * sequential requests with the outbox relays' background polling left out. Then, with the cache
 * on: sequential cold reads (the entry dropped before each) against warm ones, and the open loop at
 * 100 requests/s while a deal of the board moves every BENCH_MOVE_MS ms (default 1 000) through
 * the other gateway, so the cache learns of each move from its Kafka event; the same on a third
 * gateway that answers from an invalidated entry for at most BENCH_STALE_MS (default 1 000) while it
 * re-reads it in the background (`staleMs`, RESPONSE_CACHE_STALE_MS in the deployable).
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { Worker } from 'node:worker_threads';
import { randomUUID } from 'node:crypto';
// the gateway package is not a dependency of the workspace root: its types are loaded by path
import type { GatewayOptions } from '../gateway/src/index.ts';
import { createAccount, createDeal, createPipeline, createTenantWithUsers, moveDeal, STANDARD_STAGES, startExtraGateway } from '@crm/stack';
import { startRealStack } from '@crm/testkit';

const DEALS = Number(process.env.BENCH_DEALS ?? 500);
const DURATION_MS = Number(process.env.BENCH_SECONDS ?? 15) * 1000;
const MOVE_MS = Number(process.env.BENCH_MOVE_MS ?? 1000);
const STALE_MS = Number(process.env.BENCH_STALE_MS ?? 1000);
const PAGE = Math.min(DEALS, 500);

const stack = await startRealStack();
const slug = `bench-${randomUUID().slice(0, 8)}`;
const password = randomUUID();
const { users } = await createTenantWithUsers(
  stack,
  { name: 'Bench Inc', slug },
  [
    { email: `admin@${slug}.test`, name: 'Admin', role: 'TENANT_ADMIN' as const, password },
    ...Array.from({ length: 5 }, (_, i) => ({ email: `rep${i}@${slug}.test`, name: `Rep ${i}`, role: 'SALES_REP' as const, password })),
  ],
);
const [admin, ...owners] = users as [(typeof users)[0], ...typeof users];
const token = admin.token;
const url = stack.gatewayUrl;
const pipeline = await createPipeline(url, token, 'Bench pipeline', STANDARD_STAGES);
const accounts: Array<{ id: string; name: string }> = [];
for (let i = 0; i < 20; i++) accounts.push(await createAccount(url, token, { name: `Account ${i}` }));
const dealIds: string[] = [];
for (let i = 0; i < DEALS; i += 20) {
  const created = await Promise.all(
    Array.from({ length: Math.min(20, DEALS - i) }, (_, j) =>
      createDeal(url, token, {
        pipelineId: pipeline.id,
        stageId: pipeline.stages[(i + j) % 4]!.id, // open stages only
        name: `Deal ${i + j}`,
        amount: `${1000 + i + j}.00`,
        currency: 'USD',
        accountId: accounts[(i + j) % accounts.length]!.id,
        ownerId: owners[(i + j) % owners.length]!.id,
      }),
    ),
  );
  dealIds.push(...created.map((deal) => deal.id));
}
const movable = dealIds[0]!;

const apiSchema = readFileSync(new URL('../schema/api-schema.graphql', import.meta.url), 'utf8');
/** The same gateway with the response cache on, over the same subgraphs, bus and data. */
async function startCachedGateway(responseCache: NonNullable<GatewayOptions['responseCache']>) {
  const { gateway, url } = await startExtraGateway(stack, 'bench-cached-gateway', { responseCache });
  await gateway.responseCache!.ready;
  return { gateway, url, stats: () => gateway.responseCache!.stats() };
}
const cached = await startCachedGateway({});
const cachedUrl = cached.url;
// and one answering from an invalidated entry for at most STALE_MS while it re-reads it (RESPONSE_CACHE_STALE_MS)
const servingStale = await startCachedGateway({ staleMs: STALE_MS });
const statsOf = (target: string) => (target === cachedUrl ? cached.stats() : target === servingStale.url ? servingStale.stats() : undefined);

const dealType = /type Deal\b[^{]*\{([^}]*)\}/.exec(apiSchema)?.[1] ?? '';
const nextActivity = /^\s*nextActivity\b/m.test(dealType) ? ' nextActivity { id dueAt }' : '';
const query = `query Board($pipelineId: ID!) { deals(pipelineId: $pipelineId, first: ${PAGE}) { id name amount stage { name } account { name } owner { name }${nextActivity} } }`;
const body = JSON.stringify({ query, variables: { pipelineId: pipeline.id } });
const headers = { 'content-type': 'application/json', authorization: `Bearer ${token}` };

interface LoadResult {
  requests: number;
  errors: number;
  elapsedMs: number;
  latenciesMs: number[];
  /** Hits / (hits + stale + misses) of the cached gateway during the run; undefined without the cache. */
  hitRatio?: number;
  /** Answers from a stale entry (while it was re-read) / all reads; only with staleMs. */
  staleRatio?: number;
}
/** Closed loop over `connections`, or open loop at `rate`; requests time out after 10 s (counted as errors). */
async function load(target: string, spec: { durationMs?: number; connections?: number; rate?: number }): Promise<LoadResult> {
  const durationMs = spec.durationMs ?? DURATION_MS;
  const item = { key: 'board', token, body };
  const lanes = spec.rate ? [Array.from({ length: Math.ceil((spec.rate * durationMs) / 1000) }, () => item)] : Array.from({ length: spec.connections ?? 16 }, () => [item]);
  const before = statsOf(target);
  const result = await new Promise<LoadResult>((resolve, reject) => {
    const worker = new Worker(new URL('./request-worker.mjs', import.meta.url), { workerData: { url: target, lanes, durationMs, rate: spec.rate, timeoutMs: 10_000 } });
    worker.once('message', (r: { records: Array<{ sentAt: number; answeredAt: number; ok: boolean }>; elapsedMs: number }) => {
      resolve({ requests: r.records.length, errors: r.records.filter((x) => !x.ok).length, elapsedMs: r.elapsedMs, latenciesMs: r.records.map((x) => x.answeredAt - x.sentAt) });
      void worker.terminate();
    });
    worker.once('error', reject);
  });
  const after = statsOf(target);
  if (!before || !after) return result;
  const hits = after.hits - before.hits;
  const stale = after.stale - before.stale;
  const misses = after.misses - before.misses;
  const all = hits + stale + misses;
  return { ...result, hitRatio: all ? hits / all : 0, ...(target === servingStale.url ? { staleRatio: all ? stale / all : 0 } : {}) };
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
const rateOf = (r: LoadResult) => r.requests / (r.elapsedMs / 1000);
const lines: string[] = [];
function report(name: string, r: LoadResult) {
  const sorted = [...r.latenciesMs].sort((a, b) => a - b);
  lines.push(
    `${name.padEnd(46)} ${rateOf(r).toFixed(0).padStart(6)} req/s   p50 ${pct(sorted, 50).toFixed(1).padStart(6)} ms   p99 ${pct(sorted, 99).toFixed(1).padStart(6)} ms   errors ${r.errors}/${r.requests}` +
      (r.hitRatio === undefined ? '' : `   hits ${(r.hitRatio * 100).toFixed(1)}%`) +
      (r.staleRatio === undefined ? '' : `   stale ${(r.staleRatio * 100).toFixed(1)}%`),
  );
}

/** One read; returns its error (null when the page holds every deal with its joins). */
async function probe(target: string): Promise<string | null> {
  const answer = (await (await fetch(target, { method: 'POST', headers, body })).json()) as { data?: { deals: unknown[] } | null; errors?: unknown };
  return answer.errors || answer.data?.deals.length !== PAGE ? JSON.stringify(answer.errors ?? answer.data?.deals.length) : null;
}
/** Waits for the gateway to answer again after an overload (circuit breakers re-closed), at most 15 s. */
async function settled(target: string): Promise<void> {
  for (let i = 0; i < 30; i++) {
    if ((await probe(target)) === null) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  console.log(`gateway still failing after overload: ${await probe(target)}`);
}

/** SQL statements per request in each subgraph: sequential requests, only the statements they caused (the relays poll "OutboxEvent" meanwhile). */
const domains = ['sales', 'customer', 'platform'] as const;
const ownStatements = (d: (typeof domains)[number]) => stack.subgraphs[d].database.statements.queries.filter((sql) => !/"OutboxEvent"|pg_try_advisory/i.test(sql)).length;
async function statementsPerRequest(target: string): Promise<string> {
  // requests an overload left behind (answered too late for the client) finish first
  for (let i = 0; i < 60; i++) {
    for (const d of domains) stack.subgraphs[d].database.statements.reset();
    await new Promise((r) => setTimeout(r, 500));
    if (domains.every((d) => ownStatements(d) === 0)) break;
  }
  for (const d of domains) stack.subgraphs[d].database.statements.reset();
  const SAMPLE = 20;
  for (let i = 0; i < SAMPLE; i++) await (await fetch(target, { method: 'POST', headers, body })).text();
  return domains
    .map((d) => [d, ownStatements(d) / SAMPLE] as const)
    .map(([d, n]) => `${d} ${n.toFixed(2)}`)
    .join(', ');
}

const loadAtStart = loadavg()[0]!.toFixed(1);
for (const target of [url, cachedUrl]) {
  const first = await probe(target);
  if (first) throw new Error(`board read failed: ${first}`);
  // warm up (JIT, pools, caches)
  await load(target, { durationMs: 3000, connections: 8 });
}

const off = { closed: await load(url, { connections: 16 }) };
await settled(url);
const sustainable = Math.max(5, Math.floor(rateOf(off.closed) * 0.8));
const offSustainable = await load(url, { rate: sustainable });
await settled(url);
const offAt100 = await load(url, { rate: 100 });
await settled(url);
const offSql = await statementsPerRequest(url);

const onClosed = await load(cachedUrl, { connections: 16 });
await settled(cachedUrl);
const onSustainable = await load(cachedUrl, { rate: sustainable });
await settled(cachedUrl);
const onAt100 = await load(cachedUrl, { rate: 100 });
await settled(cachedUrl);
const onSql = await statementsPerRequest(cachedUrl);

// cold (every read a miss) against warm (every read a hit), sequential
const cold: number[] = [];
const warm: number[] = [];
for (let i = 0; i < 20; i++) {
  cached.gateway.responseCache!.clear();
  for (const into of [cold, warm]) {
    const started = performance.now();
    await (await fetch(cachedUrl, { method: 'POST', headers, body })).text();
    into.push(performance.now() - started);
  }
}

// the cached gateway under writes: a deal of the board moves through the other gateway every MOVE_MS
let moves = 0;
let moving = true;
const mover = (async () => {
  while (moving) {
    await new Promise((r) => setTimeout(r, MOVE_MS));
    if (!moving) break;
    await moveDeal(url, token, movable, pipeline.stages[++moves % 4]!.id);
  }
})();
const onMoving = await load(cachedUrl, { rate: 100 });
const movesStrict = moves;
await settled(servingStale.url);
await load(servingStale.url, { rate: 20, durationMs: 2_000 }); // warm
const onMovingStale = await load(servingStale.url, { rate: 100 });
moving = false;
await mover;

console.log(`\nboard read: ${PAGE} deals per page (stage, account and owner names${nextActivity ? ', next activity' : ''} joined across subgraphs), real PostgreSQL, auth + tenancy on`);
console.log(`load average (1 min) when the measurements started: ${loadAtStart}, when they ended: ${loadavg()[0]!.toFixed(1)}`);
report('cache off: closed loop, 16 connections', off.closed);
report(`cache off: open loop, ${sustainable} req/s (80% of closed)`, offSustainable);
report('cache off: open loop, 100 req/s', offAt100);
report('cache on:  closed loop, 16 connections', onClosed);
report(`cache on:  open loop, ${sustainable} req/s`, onSustainable);
report('cache on:  open loop, 100 req/s', onAt100);
report(`cache on:  open loop, 100 req/s, ${movesStrict} moves`, onMoving);
report(`cache on, serving stale ≤ ${STALE_MS} ms: 100 req/s, ${moves - movesStrict} moves`, onMovingStale);
for (const line of lines) console.log(line);
const med = (values: number[]) => pct([...values].sort((a, b) => a - b), 50).toFixed(1);
console.log(`cache on, sequential: cold read (miss) p50 ${med(cold)} ms, warm read (hit) p50 ${med(warm)} ms`);
console.log(`SQL statements per request: cache off ${offSql}; cache on ${onSql}`);

await cached.gateway.stop();
await servingStale.gateway.stop();
await stack.stop();
process.exit(0);
