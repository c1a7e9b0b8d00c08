/**
 * `pnpm bench`: the pipeline board read through the gateway on real PostgreSQL.
 *
 *   deals(pipelineId) { id name amount stage { name } account { name } owner { name } }
 *
 * over 200 deals (20 accounts, 5 owners), with authentication and tenancy on. Prints
 * requests/s and latency percentiles for a closed loop (16 connections) and for a fixed
 * 100 requests/s, plus SQL statements per request in each subgraph.
 */
import { Worker } from 'node:worker_threads';
import { randomUUID } from 'node:crypto';
import { createAccount, createDeal, createPipeline, createTenantWithUsers, STANDARD_STAGES } from '@crm/stack';
import { startRealStack } from '@crm/testkit';
import type { LoadResult, LoadSpec } from './load.ts';

const DEALS = Number(process.env.BENCH_DEALS ?? 200);
const DURATION_MS = Number(process.env.BENCH_SECONDS ?? 15) * 1000;

const stack = await startRealStack();
const slug = `bench-${randomUUID().slice(0, 8)}`;
const password = randomUUID();
const { users } = await createTenantWithUsers(
  stack,
  { name: 'Bench Inc', slug },
  Array.from({ length: 5 }, (_, i) => ({ email: `rep${i}@${slug}.test`, name: `Rep ${i}`, role: 'SALES_REP' as const, password })),
);
const token = users[0]!.token;
const url = stack.gatewayUrl;
const pipeline = await createPipeline(url, token, 'Bench pipeline', STANDARD_STAGES);
const accounts = [];
for (let i = 0; i < 20; i++) accounts.push(await createAccount(url, token, { name: `Account ${i}` }));
for (let i = 0; i < DEALS; i += 20) {
  await Promise.all(
    Array.from({ length: Math.min(20, DEALS - i) }, (_, j) =>
      createDeal(url, token, {
        pipelineId: pipeline.id,
        stageId: pipeline.stages[(i + j) % pipeline.stages.length]!.id,
        name: `Deal ${i + j}`,
        amount: `${1000 + i + j}.00`,
        currency: 'USD',
        accountId: accounts[(i + j) % accounts.length]!.id,
        ownerId: users[(i + j) % users.length]!.id,
      }),
    ),
  );
}

const query = 'query Board($pipelineId: ID!) { deals(pipelineId: $pipelineId, first: 200) { id name amount stage { name } account { name } owner { name } } }';
const spec = (extra: Partial<LoadSpec>): LoadSpec => ({
  url,
  body: JSON.stringify({ query: query.replace('first: 200', `first: ${Math.min(DEALS, 500)}`), variables: { pipelineId: pipeline.id } }),
  headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
  durationMs: DURATION_MS,
  ...extra,
});

function load(s: LoadSpec): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./load-worker.mjs', import.meta.url), { workerData: s });
    worker.once('message', (r: LoadResult) => {
      resolve(r);
      void worker.terminate();
    });
    worker.once('error', reject);
  });
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
function report(name: string, r: LoadResult) {
  const sorted = [...r.latenciesMs].sort((a, b) => a - b);
  console.log(
    `${name.padEnd(28)} ${(r.requests / (r.elapsedMs / 1000)).toFixed(0).padStart(6)} req/s   p50 ${pct(sorted, 50).toFixed(1).padStart(6)} ms   p99 ${pct(sorted, 99).toFixed(1).padStart(6)} ms   errors ${r.errors}/${r.requests}`,
  );
}

// warm up (JIT, pools, caches)
await load(spec({ durationMs: 3000, connections: 8 }));

const counters = () => Object.fromEntries(Object.entries(stack.subgraphs).map(([d, s]) => [d, s.database.statements.count]));
const before = counters();
const closed = await load(spec({ connections: 16 }));
const after = counters();
const open = await load(spec({ rate: 100 }));

console.log(`\nboard read: ${Math.min(DEALS, 500)} deals per page of ${DEALS} (account + owner joined across subgraphs), real PostgreSQL, auth + tenancy on`);
report('closed loop, 16 connections', closed);
report('open loop, 100 req/s', open);
const perRequest = Object.entries(after)
  .map(([d, n]) => [d, (n - before[d]!) / closed.requests] as const)
  .filter(([, n]) => n > 0)
  .map(([d, n]) => `${d} ${n.toFixed(2)}`)
  .join(', ');
console.log(`SQL statements per request: ${perRequest}`);

await stack.stop();
process.exit(0);
