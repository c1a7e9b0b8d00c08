/**
 * Web-to-lead benchmark: anonymous posts to `POST /forms/<key>` through the gateway on real
 * PostgreSQL, Redis and Kafka, with the tenant's rules on (round robin over 5 reps, 3 field scoring
 * rules), BENCH_CONCURRENCY posts in flight (default 10), BENCH_POSTS posts in all (default 1,000).
 *
 * Prints posts/s, latency percentiles, SQL statements per post in the customer subgraph (relay
 * polling left out), and checks every post made one lead and the round robin spread them evenly
 * (at most one apart). Rate limits are raised and the minimum fill time is 0 for the run.
 *
 *   NODE_ENV=production tsx bench/web-to-lead.ts
 */
import { randomUUID } from 'node:crypto';
import { createTenantWithUsers } from '@crm/stack';
import { gqlOk, startRealStack } from '@crm/testkit';

const POSTS = Number(process.env.BENCH_POSTS ?? 1000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 10);

const stack = await startRealStack({ leadForms: { perFormPerMinute: 1e9, perIpPerMinute: 1e9, minFillMs: 0 } });
try {
  const slug = `bench-${randomUUID().slice(0, 8)}`;
  const password = randomUUID();
  const { users } = await createTenantWithUsers(stack, { name: 'Bench Inc', slug }, [
    { email: `admin@${slug}.test`, name: 'Admin', role: 'TENANT_ADMIN' as const, password },
    ...Array.from({ length: 5 }, (_, i) => ({ email: `rep${i}@${slug}.test`, name: `Rep ${i}`, role: 'SALES_REP' as const, password })),
  ]);
  const [admin, ...reps] = users as [(typeof users)[0], ...typeof users];
  const gql = <T>(query: string, variables: Record<string, unknown> = {}) => gqlOk<T>(stack.gatewayUrl, query, variables, { token: admin.token });

  const setRules = `mutation ($rules: [LeadAssignmentRuleInput!]!) { setLeadAssignmentRules(rules: $rules) { id } }`;
  for (let attempt = 0; ; attempt++) {
    try {
      await gql(setRules, { rules: [{ name: 'Everyone', kind: 'ROUND_ROBIN', userIds: reps.map((rep) => rep.id) }] });
      break;
    } catch (error) {
      if (attempt > 300) throw error; // the user directory follows the platform's events
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  await gql(`mutation ($input: LeadScoringRulesInput!) { setLeadScoringRules(input: $input) { fieldRules { label } } }`, {
    input: {
      fieldRules: [
        { label: 'Business e-mail', points: 20, field: 'EMAIL', operator: 'NOT_FREE_MAIL' },
        { label: 'Company given', points: 10, field: 'COMPANY', operator: 'IS_SET' },
        { label: 'Enterprise', points: 30, field: 'COMPANY', operator: 'CONTAINS', value: 'corp' },
      ],
      eventRules: [],
    },
  });
  const { createLeadForm: form } = await gql<{ createLeadForm: { name: string; path: string } }>(`mutation { createLeadForm(input: { name: "Bench form" }) { name path } }`);
  const base = stack.gatewayUrl.replace(/\/graphql$/, '');
  const { token } = (await (await fetch(`${base}${form.path}`)).json()) as { token: string };
  const post = async (i: number) => {
    const response = await fetch(`${base}${form.path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: `Person ${i}`, email: `p${i}@company${i % 50}.example`, company: i % 3 ? `Corp ${i % 50}` : '', message: 'Hello', formToken: token }),
    });
    if (response.status !== 201) throw new Error(`post ${i} answered ${response.status}: ${await response.text()}`);
  };
  for (let i = 0; i < 10; i++) await post(POSTS + i); // warm up (10 extra leads)

  const customer = stack.subgraphs.customer.database.statements;
  customer.reset();
  await post(POSTS + 10);
  const perPost = customer.queries.filter((sql) => !/"OutboxEvent"|pg_try_advisory|"ProcessedEvent"/i.test(sql)).length;

  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < POSTS) {
        const i = next++;
        const start = performance.now();
        await post(i);
        latencies.push(performance.now() - start);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))]!.toFixed(1);

  const groups = await gql<{ leadsGroupBy: { key: string | null; count: number }[] }>(`{ leadsGroupBy(field: OWNER, filter: { source: { eq: "Bench form" } }) { key count } }`);
  const counts = groups.leadsGroupBy.map((group) => group.count);
  const total = counts.reduce((a, b) => a + b, 0);
  if (total !== POSTS + 11) throw new Error(`expected ${POSTS + 11} leads, found ${total}`);
  if (Math.max(...counts) - Math.min(...counts) > 1 || counts.length !== reps.length) throw new Error(`uneven round robin: ${JSON.stringify(groups.leadsGroupBy)}`);
  console.log(
    JSON.stringify(
      {
        posts: POSTS,
        concurrency: CONCURRENCY,
        postsPerSecond: Math.round(POSTS / seconds),
        latencyMs: { p50: pct(50), p95: pct(95), p99: pct(99) },
        customerStatementsPerPost: perPost,
        leadsPerRep: counts,
      },
      null,
      2,
    ),
  );
} finally {
  await stack.stop();
}
