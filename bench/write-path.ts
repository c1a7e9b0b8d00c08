/**
 * `pnpm bench` (3/3): the write path. `moveDeal` mutations through the gateway on real
 * PostgreSQL, with the transactional outbox and its relay to Kafka on, closed loop over
 * BENCH_CONNECTIONS (default 8) connections for BENCH_SECONDS (default 15).
 *
 * Each connection works on its own pipeline of one tenant (a move locks its pipeline's board
 * sequence, so writers of one board queue up by design), moving its 10 deals back and forth
 * between two stages. Prints moves/s, p50 and p99, then checks that every committed move's event
 * reached Kafka (through the outbox relay).
 * The writer runs in a worker thread.
 */
import { randomUUID } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { createDeal, createPipeline, createTenantWithUsers, STANDARD_STAGES } from '@crm/stack';
import { eventually, startRealStack } from '@crm/testkit';

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 8);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const DEALS_PER_CONNECTION = 10;

const stack = await startRealStack();
const url = stack.gatewayUrl;
const slug = `writes-${randomUUID().slice(0, 8)}`;
const { tenantId, users } = await createTenantWithUsers(stack, { name: 'Writes Inc', slug }, [{ email: `admin@${slug}.test`, name: 'Admin', role: 'TENANT_ADMIN', password: randomUUID() }]);
const admin = users[0]!;

const MOVE = 'mutation Move($id: ID!, $s: ID!) { moveDeal(id: $id, stageId: $s) { id version } }';
type Lane = Array<{ key: string; token: string; body: string }>;
/** One fresh pipeline of deals per connection, so the first request of each lane really moves a deal. */
async function lanesFor(label: string): Promise<Lane[]> {
  const lanes: Lane[] = [];
  for (let c = 0; c < CONNECTIONS; c++) {
    const pipeline = await createPipeline(url, admin.token, `${label} ${c}`, STANDARD_STAGES);
    const [from, to] = [pipeline.stages[0]!.id, pipeline.stages[1]!.id];
    const deals = await Promise.all(
      Array.from({ length: DEALS_PER_CONNECTION }, (_, i) => createDeal(url, admin.token, { pipelineId: pipeline.id, stageId: from, name: `Deal ${c}.${i}`, amount: '100.00', currency: 'USD', ownerId: admin.id })),
    );
    // every deal forth, then every deal back: each request really moves a deal
    const move = (stageId: string) => deals.map((deal) => ({ key: deal.id, token: admin.token, body: JSON.stringify({ query: MOVE, variables: { id: deal.id, s: stageId } }) }));
    lanes.push([...move(to), ...move(from)]);
  }
  return lanes;
}

interface WriteRecord {
  sentAt: number;
  answeredAt: number;
  ok: boolean;
}
function run(lanes: Lane[], durationMs: number): Promise<{ records: WriteRecord[]; elapsedMs: number }> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./request-worker.mjs', import.meta.url), { workerData: { url, lanes, durationMs } });
    worker.once('message', (m: { records: WriteRecord[]; elapsedMs: number }) => {
      resolve(m);
      void worker.terminate();
    });
    worker.once('error', reject);
  });
}

await run(await lanesFor('Warm-up'), 3_000);
const lanes = await lanesFor('Board');
const moved = new Set(lanes.flat().map((item) => item.key));

// every committed move's event must reach Kafka: count this tenant's stage changes on the sales topic
let published = 0;
const consumer = await stack.bus.subscribe({
  groupId: `bench.write-path.${randomUUID()}`,
  topics: ['crm.sales.events'],
  fromBeginning: false,
  handler: async (event) => {
    if (event.tenantId === tenantId && event.type === 'sales.deal.stage_changed' && moved.has(event.aggregateId)) published++;
  },
});
await consumer.ready;
const { records, elapsedMs } = await run(lanes, SECONDS * 1000);
const ok = records.filter((r) => r.ok).length;
const latencies = records.map((r) => r.answeredAt - r.sentAt).sort((a, b) => a - b);
const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))]!;

const started = performance.now();
await eventually(async () => published >= ok, 30_000, 20).catch(() => undefined);
const drainMs = performance.now() - started;
await consumer.stop();

console.log(`\nwrite path: moveDeal through the gateway, real PostgreSQL, outbox relay to Kafka on, ${CONNECTIONS} connections (one pipeline each)`);
console.log(
  `closed loop: ${(records.length / (elapsedMs / 1000)).toFixed(0)} moves/s   p50 ${pct(50).toFixed(1)} ms   p99 ${pct(99).toFixed(1)} ms   errors ${records.length - ok}/${records.length}`,
);
console.log(`events on Kafka: ${published} for ${ok} committed moves, the last ${drainMs.toFixed(0)} ms after the last answer`);

await stack.stop();
process.exit(0);
