/**
 * Deal list and forecast benchmark through the gateway on real PostgreSQL:
 *
 *   dealsConnection(first: 100, filter: { status, amount, expectedCloseDate }, orderBy: [AMOUNT DESC])  with owner and stage
 *   dealsGroupBy(field: CLOSE_MONTH)                                       counts and sums per currency
 *   forecast(period: this quarter, groupBy: OWNER, currency: "USD")        figures with their deals
 *
 * over BENCH_DEALS deals (default 20,000; 10 owners, USD and EUR, close dates over 6 months, a week-old
 * snapshot). Prints SQL statements per request in the sales subgraph and sequential latency
 * percentiles over BENCH_REQUESTS requests each (default 100). Bounded: stops by itself.
 *
 *   NODE_ENV=production tsx bench/deals-forecast.ts
 */
import { randomUUID } from 'node:crypto';
import { createTenantWithUsers } from '@crm/stack';
import { gqlOk, startRealStack } from '@crm/testkit';

const DEALS = Number(process.env.BENCH_DEALS ?? 20_000);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 100);

const stack = await startRealStack();
try {
  const slug = `bench-${randomUUID().slice(0, 8)}`;
  const password = randomUUID();
  const { tenantId, users } = await createTenantWithUsers(stack, { name: 'Bench Deals', slug }, [
    { email: `admin@${slug}.test`, name: 'Admin', role: 'TENANT_ADMIN' as const, password },
    ...Array.from({ length: 10 }, (_, i) => ({ email: `rep${i}@${slug}.test`, name: `Rep ${i}`, role: 'SALES_REP' as const, password })),
  ]);
  const [admin, ...owners] = users as [(typeof users)[0], ...typeof users];
  const sales = stack.subgraphs.sales.subgraph;
  const actor = { userId: admin.id, kind: 'user' as const };
  const pipeline = await sales.services.pipelines.create(tenantId, actor, {
    name: 'Bench',
    stages: [
      { name: 'Lead', probability: 10, rottingDays: 30 },
      { name: 'Proposal', probability: 50 },
      { name: 'Negotiation', probability: 75 },
      { name: 'Commit', probability: 90 },
    ],
  });
  const now = new Date();
  const closeDate = (i: number) => new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + (i % 6) - 2, 1 + (i % 28))).toISOString().slice(0, 10);
  const seedStart = performance.now();
  for (let i = 0; i < DEALS; i += 1000) {
    await sales.services.deals.createMany(
      tenantId,
      actor,
      Array.from({ length: Math.min(1000, DEALS - i) }, (_, j) => ({
        pipelineId: pipeline.id,
        stageId: pipeline.stages[(i + j) % pipeline.stages.length]!.id,
        name: `Deal ${i + j}`,
        amount: `${100 + ((i + j) * 37) % 10_000}.${String((i + j) % 100).padStart(2, '0')}`,
        currency: (i + j) % 5 === 0 ? 'EUR' : 'USD',
        ownerId: owners[(i + j) % owners.length]!.id,
        expectedCloseDate: closeDate(i + j),
      })),
    );
  }
  await sales.forecastSnapshots.take(tenantId, new Date(now.getTime() - 7 * 86_400_000));
  console.log(`seeded ${DEALS} deals and a week-old snapshot in ${((performance.now() - seedStart) / 1000).toFixed(1)} s`);

  const quarter = { kind: 'QUARTER', year: now.getUTCFullYear(), index: Math.floor(now.getUTCMonth() / 3) + 1 };
  const queries = {
    dealsConnection: {
      query: `query($f: DealFilter) { dealsConnection(first: 100, filter: $f, orderBy: [{ field: AMOUNT, direction: DESC }]) {
        totalCount edges { cursor node { id name amount currency isStale forecastCategory stage { name probability } owner { name } } } pageInfo { endCursor } } }`,
      variables: { f: { status: { eq: 'OPEN' }, amount: { gte: '1000' }, expectedCloseDate: { gte: closeDate(0) } } },
    },
    dealsGroupBy: { query: 'query { dealsGroupBy(field: CLOSE_MONTH) { key count amounts { currency amount count } } }', variables: {} },
    forecast: {
      query: `query($p: ForecastPeriodInput!) { forecast(period: $p, groupBy: OWNER, currency: "USD") { snapshotDay groups { owner { id }
        commit { amount change deals { dealId amount } } bestCase { amount change } pipeline { amount change } weightedPipeline { amount change } closedWon { amount } } } }`,
      variables: { p: quarter },
    },
  } as const;

  const dataQueries = () => stack.subgraphs.sales.database.statements.queries.filter((sql) => !/"OutboxEvent"|pg_try_advisory|"ProcessedEvent"/i.test(sql));
  const results: Record<string, unknown> = {};
  for (const [name, { query, variables }] of Object.entries(queries)) {
    const run = () => gqlOk(stack.gatewayUrl, query, variables, { token: admin.token });
    for (let i = 0; i < 5; i++) await run(); // warm up
    stack.subgraphs.sales.database.statements.reset();
    await run();
    const statements = dataQueries().length;
    const latencies: number[] = [];
    for (let i = 0; i < REQUESTS; i++) {
      const start = performance.now();
      await run();
      latencies.push(performance.now() - start);
    }
    latencies.sort((a, b) => a - b);
    const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))]!.toFixed(1);
    results[name] = { salesSqlStatementsPerRequest: statements, latencyMs: { p50: pct(50), p95: pct(95), p99: pct(99), max: latencies.at(-1)!.toFixed(1) } };
  }
  console.log(JSON.stringify({ bench: 'deals-forecast', deals: DEALS, sequentialRequests: REQUESTS, ...results }, null, 2));
} finally {
  await stack.stop();
}
