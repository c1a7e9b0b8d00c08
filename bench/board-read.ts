/**
 * `pnpm bench` (1/3): the pipeline board read through the gateway on real PostgreSQL.
 *
 *   deals(pipelineId, first: 500) { id name amount stage { name } account { name } owner { name } [nextActivity { … }] }
 *
 * over BENCH_DEALS deals (default 500; 20 accounts, 5 owners), with authentication and tenancy on.
 * `nextActivity` is selected when the composed API schema has it. Prints requests/s and latency
 * percentiles for a closed loop (16 connections), an open loop at 80 % of the closed-loop
 * throughput (a rate this machine sustains) and an open loop at 100 requests/s; then SQL statements
 * per request in each subgraph, counted over sequential requests with the outbox relays'
 * background polling left out.
 */
import { readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { randomUUID } from 'node:crypto';
import { createAccount, createDeal, createPipeline, createTenantWithUsers, STANDARD_STAGES } from '@crm/stack';
import { startRealStack } from '@crm/testkit';

const DEALS = Number(process.env.BENCH_DEALS ?? 500);
const DURATION_MS = Number(process.env.BENCH_SECONDS ?? 15) * 1000;
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
for (let i = 0; i < DEALS; i += 20) {
  await Promise.all(
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
}

const apiSchema = readFileSync(new URL('../schema/api-schema.graphql', import.meta.url), 'utf8');
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
}
/** Closed loop over `connections`, or open loop at `rate`; requests time out after 10 s (counted as errors). */
function load(spec: { durationMs?: number; connections?: number; rate?: number }): Promise<LoadResult> {
  const durationMs = spec.durationMs ?? DURATION_MS;
  const item = { key: 'board', token, body };
  const lanes = spec.rate ? [Array.from({ length: Math.ceil((spec.rate * durationMs) / 1000) }, () => item)] : Array.from({ length: spec.connections ?? 16 }, () => [item]);
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./request-worker.mjs', import.meta.url), { workerData: { url, lanes, durationMs, rate: spec.rate, timeoutMs: 10_000 } });
    worker.once('message', (r: { records: Array<{ sentAt: number; answeredAt: number; ok: boolean }>; elapsedMs: number }) => {
      resolve({ requests: r.records.length, errors: r.records.filter((x) => !x.ok).length, elapsedMs: r.elapsedMs, latenciesMs: r.records.map((x) => x.answeredAt - x.sentAt) });
      void worker.terminate();
    });
    worker.once('error', reject);
  });
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
const rateOf = (r: LoadResult) => r.requests / (r.elapsedMs / 1000);
function report(name: string, r: LoadResult) {
  const sorted = [...r.latenciesMs].sort((a, b) => a - b);
  console.log(
    `${name.padEnd(32)} ${rateOf(r).toFixed(0).padStart(6)} req/s   p50 ${pct(sorted, 50).toFixed(1).padStart(6)} ms   p99 ${pct(sorted, 99).toFixed(1).padStart(6)} ms   errors ${r.errors}/${r.requests}`,
  );
}

/** One read; returns its error (null when the page holds every deal with its joins). */
async function probe(): Promise<string | null> {
  const answer = (await (await fetch(url, { method: 'POST', headers, body })).json()) as { data?: { deals: unknown[] } | null; errors?: unknown };
  return answer.errors || answer.data?.deals.length !== PAGE ? JSON.stringify(answer.errors ?? answer.data?.deals.length) : null;
}
/** Waits for the gateway to answer again after an overload (circuit breakers re-closed), at most 15 s. */
async function settled(): Promise<void> {
  for (let i = 0; i < 30; i++) {
    if ((await probe()) === null) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  console.log(`gateway still failing after overload: ${await probe()}`);
}

const first = await probe();
if (first) throw new Error(`board read failed: ${first}`);

// warm up (JIT, pools, caches)
await load({ durationMs: 3000, connections: 8 });

const closed = await load({ connections: 16 });
await settled();
const sustainable = Math.max(5, Math.floor(rateOf(closed) * 0.8));
const atSustainable = await load({ rate: sustainable });
await settled();
const at100 = await load({ rate: 100 });
await settled();

// SQL per request: sequential requests, only the statements they caused (the relays poll "OutboxEvent" meanwhile)
const domains = ['sales', 'customer', 'platform'] as const;
for (const d of domains) stack.subgraphs[d].database.statements.reset();
const SAMPLE = 20;
for (let i = 0; i < SAMPLE; i++) await (await fetch(url, { method: 'POST', headers, body })).text();
const perRequest = domains
  .map((d) => [d, stack.subgraphs[d].database.statements.queries.filter((sql) => !/"OutboxEvent"|pg_try_advisory/i.test(sql)).length / SAMPLE] as const)
  .map(([d, n]) => `${d} ${n.toFixed(2)}`)
  .join(', ');

console.log(`\nboard read: ${PAGE} deals per page (stage, account and owner names${nextActivity ? ', next activity' : ''} joined across subgraphs), real PostgreSQL, auth + tenancy on`);
report('closed loop, 16 connections', closed);
report(`open loop, ${sustainable} req/s (80% of closed)`, atSustainable);
report('open loop, 100 req/s', at100);
console.log(`SQL statements per request: ${perRequest}`);

await stack.stop();
process.exit(0);
