/**
 * `pnpm bench` (2/3): live board fan-out through the gateway with real PostgreSQL, Kafka and Redis.
 *
 * BENCH_SUBSCRIBERS (default 1 000) graphql-ws connections across BENCH_TENANTS (default 10)
 * tenants, each subscribed to its tenant's board with the deal's name, amount, stage, account and
 * owner (resolved across three subgraphs); half of them as the tenant's Sales Manager, half as its
 * Sales Rep (who owns the moved deals, in the manager's team). BENCH_RATE (default 20) `moveDeal` mutations per second
 * through the gateway for BENCH_SECONDS (default 15), spread over the tenants, each deal moved once.
 * Before them, BENCH_WARMUP_SECONDS (default 2) of the same moves on other deals warm the product up
 * (the first moves' query plans, JIT, connections); their events are not measured (0: from cold).
 * BENCH_TIMELINE=1 adds the latencies of each second of the run.
 *
 * Prints p50/p99 from each write's commit (the moment its `moveDeal` answer arrived) to each
 * subscriber's receipt (and from the moment it was sent), messages lost (expected vs received),
 * and the memory of the processes holding the gateway and the subgraphs before and after.
 * After the last write it waits until every expected message arrived, or 20 s pass without one:
 * late messages count in the latencies, only those that never come count as lost.
 * Subscribers and the writer run in worker threads.
 *
 * Where the product runs:
 * - BENCH_DEPLOY=stack (default): the five subgraphs share this process (one event loop); the
 *   gateway runs in a process of its own (BENCH_GATEWAY=process, default) or in this process too
 *   (BENCH_GATEWAY=stack). Prints the SQL statements each subgraph ran per move.
 * - BENCH_DEPLOY=processes: as deployed in k8s, each subgraph in its own process
 *   (`subgraphs/<domain>/src/main.ts`, bench/deployables.ts) and the gateway in another. The
 *   in-process stack only seeds the data and is stopped before the subgraph processes start; their
 *   consumer groups carry a suffix of this run and start at the end of their topics. SQL statement
 *   counts are not available in this mode.
 */
import { randomUUID } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { createAccount, createDeal, createPipeline, createTeam, createTenantWithUsers, STANDARD_STAGES } from '@crm/stack';
import { startRealStack, subscribersReady } from '@crm/testkit';
import { createKafkaBus, type EventBus } from '../packages/events/src/index.ts';
import { startDeployables, type Deployables } from './deployables.ts';
import { freePort, startGatewayProcess, type GatewayProcess } from './gateway-process.ts';

const SUBSCRIBERS = Number(process.env.BENCH_SUBSCRIBERS ?? 1000);
const TENANTS = Number(process.env.BENCH_TENANTS ?? 10);
const RATE = Number(process.env.BENCH_RATE ?? 20);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const WORKERS = 4;
const MOVES = RATE * SECONDS;
const DEALS_PER_TENANT = Math.ceil(MOVES / TENANTS);
/** Moves at the same rate before the measured ones, on deals of their own: their events are not measured. */
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 2);
const WARMUP_DEALS_PER_TENANT = Math.ceil((RATE * WARMUP_SECONDS) / TENANTS);
const DEPLOY = process.env.BENCH_DEPLOY ?? 'stack';
if (DEPLOY !== 'stack' && DEPLOY !== 'processes') throw new Error(`BENCH_DEPLOY must be stack or processes, not ${DEPLOY}`);
const inProcess = DEPLOY === 'stack';

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
const memory = () => {
  const { rss, heapUsed } = process.memoryUsage();
  return `rss ${mb(rss)}, heap ${mb(heapUsed)}`;
};

const stack = await startRealStack();
// BENCH_GATEWAY=process (default): subscribers and writes go through a gateway in a process of its
// own, as deployed; BENCH_GATEWAY=stack: through the stack's gateway, which shares one thread with the subgraphs.
// With BENCH_DEPLOY=processes the gateway process starts after seeding, in front of the subgraph processes.
let gatewayProcess: GatewayProcess | undefined = inProcess && (process.env.BENCH_GATEWAY ?? 'process') === 'process' ? await startGatewayProcess(stack) : undefined;
let deployables: Deployables | undefined;
/** Seeding goes through this gateway; with BENCH_DEPLOY=processes it is the stack's, stopped afterwards. */
const seedUrl = gatewayProcess?.url ?? stack.gatewayUrl;
const gatewayMemory = async () => (gatewayProcess ? `; gateway process rss ${mb(await gatewayProcess.rss())}` : '');
const subgraphsMemory = async () => {
  if (!deployables) return '';
  const rss = await deployables.rss();
  const total = Object.values(rss).reduce((a, b) => a + b, 0);
  return `; subgraph processes rss ${mb(total)} (${Object.entries(rss).map(([d, bytes]) => `${d} ${mb(bytes)}`).join(', ')})`;
};
/** The bench process's own memory counts only while it holds the subgraphs. */
const memoryNow = async () => (inProcess ? memory() + (await gatewayMemory()) : `${(await gatewayMemory()).slice(2)}${await subgraphsMemory()}`);
const memoryAtStart = inProcess ? await memoryNow() : '';

interface Board {
  tenant: number;
  pipelineId: string;
  toStageId: string;
  adminToken: string;
  tokens: string[];
  dealIds: string[];
  warmupDealIds: string[];
}
const boards: Board[] = [];
for (let t = 0; t < TENANTS; t++) {
  const slug = `fanout-${t}-${randomUUID().slice(0, 8)}`;
  const password = randomUUID();
  const { users } = await createTenantWithUsers(stack, { name: `Fanout ${t}`, slug }, [
    { email: `admin@${slug}.test`, name: 'Admin', role: 'TENANT_ADMIN', password },
    { email: `manager@${slug}.test`, name: 'Manager', role: 'SALES_MANAGER', password },
    { email: `rep@${slug}.test`, name: 'Rep', role: 'SALES_REP', password },
  ]);
  const [admin, manager, rep] = users as [(typeof users)[0], (typeof users)[0], (typeof users)[0]];
  // the manager leads the rep's team, so both may read the rep's deals (a manager reads their team's)
  await createTeam(seedUrl, admin.token, { name: 'Field sales', managerId: manager.id, memberIds: [manager.id, rep.id] });
  const pipeline = await createPipeline(seedUrl, admin.token, 'Board', STANDARD_STAGES);
  const account = await createAccount(seedUrl, admin.token, { name: `Account ${t}` });
  const dealIds: string[] = [];
  for (let i = 0; i < DEALS_PER_TENANT + WARMUP_DEALS_PER_TENANT; i += 10) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(10, DEALS_PER_TENANT + WARMUP_DEALS_PER_TENANT - i) }, (_, j) =>
        createDeal(seedUrl, admin.token, { pipelineId: pipeline.id, stageId: pipeline.stages[0]!.id, name: `Deal ${i + j}`, amount: '1500.00', currency: 'USD', accountId: account.id, ownerId: rep.id }),
      ),
    );
    dealIds.push(...batch.map((deal) => deal.id));
  }
  boards.push({ tenant: t, pipelineId: pipeline.id, toStageId: pipeline.stages[1]!.id, adminToken: admin.token, tokens: [manager.token, rep.token], dealIds: dealIds.slice(WARMUP_DEALS_PER_TENANT), warmupDealIds: dealIds.slice(0, WARMUP_DEALS_PER_TENANT) });
}

if (!inProcess) {
  // the seeded data stays in PostgreSQL; from here on the product runs as deployed. The platform
  // process signs and verifies with the keys stored in its database, so the seeded tokens stay valid.
  await stack.stop();
  const gatewayPort = await freePort();
  const gatewayOrigin = `http://127.0.0.1:${gatewayPort}`;
  deployables = await startDeployables({
    signingSecret: stack.config.signingSecret,
    webhookSecretKey: stack.config.webhookSecretKey,
    kafkaBrokers: stack.config.kafkaBrokers ?? [],
    gatewayOrigin,
    oidcIssuer: `${gatewayOrigin}/oidc`,
  });
  gatewayProcess = await startGatewayProcess(stack, {
    PORT: String(gatewayPort),
    ...Object.fromEntries(Object.entries(deployables.urls).map(([d, subgraphUrl]) => [`${d.toUpperCase()}_URL`, subgraphUrl])),
    JWKS_URL: `http://127.0.0.1:${deployables.ports.platform}/.well-known/jwks.json`,
    OIDC_ISSUER: `${gatewayOrigin}/oidc`,
  });
}
const url = gatewayProcess?.url ?? stack.gatewayUrl;
const wsUrl = gatewayProcess?.wsUrl ?? stack.wsUrl;
const memoryBeforeSubscribers = inProcess ? memoryAtStart : await memoryNow();

const QUERY = `subscription Board($pipelineId: ID!) {
  pipelineBoard(pipelineId: $pipelineId) {
    type sequence dealId toStageId
    deal { id name amount stage { name } account { name } owner { name } }
  }
}`;

// subscribers: round-robin over tenants, alternating manager and rep within a tenant
const subscribers = Array.from({ length: SUBSCRIBERS }, (_, i) => {
  const board = boards[i % TENANTS]!;
  return { tenant: board.tenant, pipelineId: board.pipelineId, token: board.tokens[Math.floor(i / TENANTS) % 2]! };
});
const perWorker = Math.ceil(SUBSCRIBERS / WORKERS);
const workers = Array.from({ length: WORKERS }, (_, w) => {
  const share = subscribers.slice(w * perWorker, (w + 1) * perWorker);
  const worker = new Worker(new URL('./subscriber-worker.mjs', import.meta.url), { workerData: { wsUrl, query: QUERY, subscribers: share } });
  const ready = new Promise<void>((resolve, reject) => {
    worker.on('message', (m: { type: string }) => m.type === 'ready' && resolve());
    worker.once('error', reject);
  });
  return { worker, share, ready };
});
await Promise.all(workers.map((w) => w.ready));
if (gatewayProcess) await subscriptionsReported(gatewayProcess.url, SUBSCRIBERS, 60_000);
else await subscribersReady(stack.gateway, SUBSCRIBERS, 60_000);
const memorySubscribed = await memoryNow();

// where the time goes: when each move's event reaches a consumer in this process (its own group)
const arrivals = new Map<string, number>();
const probeBus: EventBus = inProcess ? stack.bus : createKafkaBus({ brokers: stack.config.kafkaBrokers ?? [], clientId: 'bench-fanout-probe' });
const probe = await probeBus.subscribe({
  groupId: `bench.fanout.${randomUUID()}`,
  topics: ['crm.sales.events'],
  fromBeginning: false,
  handler: async (event) => {
    if (event.type === 'sales.deal.stage_changed') arrivals.set(event.aggregateId, performance.timeOrigin + performance.now());
  },
});
await probe.ready;

// the writes: each deal moved once, tenants interleaved, at RATE per second
const lanesOf = (dealIdsOf: (board: Board) => string[]) =>
  boards.map((board) =>
    dealIdsOf(board).map((dealId) => ({
      key: dealId,
      token: board.adminToken,
      body: JSON.stringify({ query: 'mutation Move($id: ID!, $s: ID!) { moveDeal(id: $id, stageId: $s) { id } }', variables: { id: dealId, s: board.toStageId } }),
    })),
  );
interface WriteRecord {
  key: string;
  sentAt: number;
  answeredAt: number;
  ok: boolean;
  error?: string;
}
const runWrites = (lanes: ReturnType<typeof lanesOf>, seconds: number) =>
  new Promise<{ records: WriteRecord[]; elapsedMs: number }>((resolve, reject) => {
    const writer = new Worker(new URL('./request-worker.mjs', import.meta.url), { workerData: { url, lanes, durationMs: seconds * 1000 + 500, rate: RATE } });
    writer.once('message', (m: { records: WriteRecord[]; elapsedMs: number }) => {
      resolve(m);
      void writer.terminate();
    });
    writer.once('error', reject);
  });
// warm-up: the same moves on deals of their own, then a second for their fan-out to settle
const warmupDealIds = new Set(boards.flatMap((board) => board.warmupDealIds));
const warmup = WARMUP_SECONDS > 0 ? await runWrites(lanesOf((board) => board.warmupDealIds), WARMUP_SECONDS) : { records: [] };
await new Promise((r) => setTimeout(r, 1000));
const tenantOf = new Map(boards.flatMap((b) => [...b.dealIds, ...b.warmupDealIds].map((id) => [id, b.tenant] as const)));
const tenantOfKey = (dealId: string) => tenantOf.get(dealId)!;
const domains = ['customer', 'sales', 'analytics', 'platform', 'integration'] as const;
if (inProcess) for (const d of domains) stack.subgraphs[d].database.statements.reset();
const loopBefore = performance.eventLoopUtilization();
const writes = await runWrites(lanesOf((board) => board.dealIds), SECONDS);

// how busy this process's main thread (where the subgraphs run in the one-process layout) was during the writes
const loopDuringWrites = performance.eventLoopUtilization(loopBefore);

// SQL while the writes ran: everything the product did for them (the writes, their fan-out, the consumers)
const sqlDuringWrites = inProcess
  ? domains.map((d) => {
      const { count, transactions } = stack.subgraphs[d].database.statements;
      return { domain: d, count, transactions };
    })
  : [];
const shapes = new Map<string, number>();
if (inProcess) for (const d of domains) for (const sql of stack.subgraphs[d].database.statements.queries) {
  const shape = `${d}: ${sql.replace(/\s+/g, ' ').slice(0, 110)}`;
  shapes.set(shape, (shapes.get(shape) ?? 0) + 1);
}

// let the last events arrive: until every expected message is in, or 20 s without a new one
const committedPerTenant = new Map<number, number>();
// the workers count every receipt, the warm-up's included
for (const r of [...warmup.records, ...writes.records]) if (r.ok) committedPerTenant.set(tenantOfKey(r.key), (committedPerTenant.get(tenantOfKey(r.key)) ?? 0) + 1);
const expectedTotal = subscribers.reduce((n, s) => n + (committedPerTenant.get(s.tenant) ?? 0), 0);
const countReceived = async () => {
  const counts = await Promise.all(
    workers.map(
      ({ worker }) =>
        new Promise<number>((resolve) => {
          const onMessage = (m: { type: string; received: number }) => {
            if (m.type !== 'count') return;
            worker.off('message', onMessage);
            resolve(m.received);
          };
          worker.on('message', onMessage);
          worker.postMessage('count');
        }),
    ),
  );
  return counts.reduce((a, b) => a + b, 0);
};
let lastCount = -1;
let lastProgress = performance.now();
for (;;) {
  const count = await countReceived();
  if (count >= expectedTotal) break;
  if (count !== lastCount) [lastCount, lastProgress] = [count, performance.now()];
  if (performance.now() - lastProgress > 20_000) break;
  await new Promise((r) => setTimeout(r, 250));
}
const memoryAfter = await memoryNow();
const collected = await Promise.all(
  workers.map(
    ({ worker, share }) =>
      new Promise<{ share: typeof share; receipts: Array<Array<[string, number]>>; unexpectedCloses: number }>((resolve) => {
        worker.on('message', (m: { type: string; receipts: Array<Array<[string, number]>>; unexpectedCloses: number }) => {
          if (m.type !== 'receipts') return;
          resolve({ share, receipts: m.receipts, unexpectedCloses: m.unexpectedCloses });
          void worker.terminate();
        });
        worker.postMessage('stop');
      }),
  ),
);

const committed = new Map(writes.records.filter((r) => r.ok).map((r) => [r.key, r] as const));
const expectedPerTenant = new Map<number, string[]>();
for (const key of committed.keys()) {
  const tenant = tenantOf.get(key)!;
  expectedPerTenant.set(tenant, [...(expectedPerTenant.get(tenant) ?? []), key]);
}
const firstSentAt = Math.min(...writes.records.map((r) => r.sentAt));
/** commit -> receipt by the second of the run the write was sent in */
const bySecond: number[][] = [];
const fromCommit: number[] = [];
const fromSend: number[] = [];
let expected = 0;
let received = 0;
let duplicates = 0;
let foreign = 0;
let closes = 0;
for (const { share, receipts, unexpectedCloses } of collected) {
  closes += unexpectedCloses;
  share.forEach((subscriber, i) => {
    const wanted = new Set(expectedPerTenant.get(subscriber.tenant) ?? []);
    expected += wanted.size;
    const seen = new Set<string>();
    for (const [dealId, at] of receipts[i]!) {
      if (warmupDealIds.has(dealId)) continue;
      if (!wanted.has(dealId)) {
        foreign++;
        continue;
      }
      if (seen.has(dealId)) {
        duplicates++;
        continue;
      }
      seen.add(dealId);
      received++;
      const write = committed.get(dealId)!;
      fromCommit.push(at - write.answeredAt);
      fromSend.push(at - write.sentAt);
      const second = Math.floor((write.sentAt - firstSentAt) / 1000);
      (bySecond[second] ??= []).push(at - write.answeredAt);
    }
  });
}
const pct = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! : NaN;
};
const toKafka = [...committed].filter(([key]) => arrivals.has(key)).map(([key, write]) => arrivals.get(key)! - write.answeredAt);
const writeLatency = writes.records.map((r) => r.answeredAt - r.sentAt);

console.log(`\nfan-out: ${SUBSCRIBERS} graphql-ws subscribers across ${TENANTS} tenants (managers and reps), deal fields from 3 subgraphs, real Kafka`);
console.log(inProcess ? `subgraphs: one process (the bench's); gateway: ${gatewayProcess ? 'its own process' : 'the same process'}` : 'subgraphs: five processes, as deployed; gateway: its own process');
console.log(`writes: ${committed.size}/${writes.records.length} moveDeal ok at ${(writes.records.length / (writes.elapsedMs / 1000)).toFixed(1)}/s, answer p50 ${pct(writeLatency, 50).toFixed(1)} ms, p99 ${pct(writeLatency, 99).toFixed(1)} ms`);
if (WARMUP_SECONDS > 0) console.log(`warm-up before: ${warmup.records.filter((r) => r.ok).length}/${warmup.records.length} moves in ${WARMUP_SECONDS} s on deals of their own (not measured; BENCH_WARMUP_SECONDS=0 measures from a cold start)`);
const failures = writes.records.filter((r) => !r.ok);
if (failures.length) console.log(`failed writes: ${failures.length}, e.g. ${failures[0]!.error}`);
console.log(`commit -> receipt: p50 ${pct(fromCommit, 50).toFixed(1)} ms   p99 ${pct(fromCommit, 99).toFixed(1)} ms   max ${pct(fromCommit, 100).toFixed(1)} ms`);
console.log(`commit -> event consumed from Kafka ${inProcess ? "in the gateway's process" : 'by a consumer in the bench process'}: p50 ${pct(toKafka, 50).toFixed(1)} ms   p99 ${pct(toKafka, 99).toFixed(1)} ms`);
console.log(`send   -> receipt: p50 ${pct(fromSend, 50).toFixed(1)} ms   p99 ${pct(fromSend, 99).toFixed(1)} ms`);
console.log(`messages: expected ${expected}, received ${received}, lost ${expected - received}, duplicates ${duplicates}, other tenants' ${foreign}; connections closed early ${closes}`);
if (process.env.BENCH_TIMELINE) {
  const writesBySecond: number[][] = [];
  for (const r of writes.records) (writesBySecond[Math.floor((r.sentAt - firstSentAt) / 1000)] ??= []).push(r.answeredAt - r.sentAt);
  bySecond.forEach((values, second) => {
    const answers = writesBySecond[second] ?? [];
    console.log(`  second ${String(second).padStart(2)}: commit -> receipt p50 ${pct(values, 50).toFixed(1).padStart(6)} p99 ${pct(values, 99).toFixed(1).padStart(6)} ms; answer p50 ${pct(answers, 50).toFixed(1).padStart(6)} max ${pct(answers, 100).toFixed(1).padStart(6)} ms`);
  });
}
if (inProcess) console.log(`event-loop utilization of the subgraphs' thread during the writes: ${(loopDuringWrites.utilization * 100).toFixed(0)} %`);
const moves = Math.max(1, writes.records.length);
if (inProcess) console.log(`SQL statements per move (writes, fan-out and consumers, while the writes ran): ${sqlDuringWrites.map((q) => `${q.domain} ${(q.count / moves).toFixed(1)} (${(q.transactions / moves).toFixed(1)} transactions)`).join(', ')}`);
else console.log('SQL statements per move: n/a (subgraphs in their own processes)');
if (process.env.BENCH_SQL_SHAPES) for (const [shape, n] of [...shapes].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(`  ${n}  ${shape}`);
if (inProcess) console.log(`memory (bench process: subgraphs${gatewayProcess ? "" : " and gateway"}): start ${memoryAtStart}; ${SUBSCRIBERS} subscribed ${memorySubscribed}; after the run ${memoryAfter}`);
else console.log(`memory: started ${memoryBeforeSubscribers}\n        ${SUBSCRIBERS} subscribed ${memorySubscribed}\n        after the run ${memoryAfter}`);

await probe.stop();
if (!inProcess) await probeBus.close();
await gatewayProcess?.stop();
await deployables?.stop();
if (inProcess) await stack.stop();
process.exit(0);

/** Waits until a gateway's `/metrics` counts `count` active subscriptions. */
async function subscriptionsReported(graphqlUrl: string, count: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = await fetch(new URL('/metrics', graphqlUrl)).then((r) => r.text(), () => '');
    const active = Number(/^gateway_subscriptions (\d+)/m.exec(text)?.[1] ?? 0);
    if (active >= count) return;
    if (Date.now() > deadline) throw new Error(`only ${active} of ${count} subscriptions active after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
