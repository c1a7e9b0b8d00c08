/**
 * Customer list benchmark: a contacts page of 100 with each contact's accounts (customer) and owner
 * (platform) through the gateway on real PostgreSQL.
 *
 *   contactsConnection(first: 100, orderBy: [{ field: LAST_NAME }]) { totalCount edges { node { … accounts { name } owner { name } } } }
 *
 * over BENCH_CONTACTS contacts (default 2,000; 20 accounts, 5 owners). Prints SQL statements per
 * request in each subgraph (relay polling left out) and sequential latency percentiles over
 * BENCH_REQUESTS requests (default 200). Bounded: stops by itself.
 *
 *   NODE_ENV=production tsx bench/contacts-list.ts
 */
import { randomUUID } from 'node:crypto';
import { createTenantWithUsers } from '@crm/stack';
import { gqlOk, startRealStack } from '@crm/testkit';

const CONTACTS = Number(process.env.BENCH_CONTACTS ?? 2000);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 200);

const stack = await startRealStack();
try {
  const slug = `bench-${randomUUID().slice(0, 8)}`;
  const password = randomUUID();
  const { tenantId, users } = await createTenantWithUsers(stack, { name: 'Bench Inc', slug }, [
    { email: `admin@${slug}.test`, name: 'Admin', role: 'TENANT_ADMIN' as const, password },
    ...Array.from({ length: 5 }, (_, i) => ({ email: `rep${i}@${slug}.test`, name: `Rep ${i}`, role: 'SALES_REP' as const, password })),
  ]);
  const [admin, ...owners] = users as [(typeof users)[0], ...typeof users];
  const services = stack.subgraphs.customer.subgraph.services;
  const actor = { userId: admin.id, kind: 'user' as const };
  const accounts = await services.accounts.createMany(
    tenantId,
    actor,
    Array.from({ length: 20 }, (_, i) => ({ name: `Account ${i}`, industry: i % 2 ? 'Software' : 'Retail' })),
  );
  const seedStart = performance.now();
  for (let i = 0; i < CONTACTS; i += 25) {
    await Promise.all(
      Array.from({ length: Math.min(25, CONTACTS - i) }, (_, j) =>
        services.contacts.create(tenantId, actor, {
          firstName: `First${i + j}`,
          lastName: `Last${(i + j) % 997}`,
          email: `c${i + j}@${slug}.example`,
          ownerId: owners[(i + j) % owners.length]!.id,
          accountIds: [accounts[(i + j) % accounts.length]!.id],
        }),
      ),
    );
  }
  console.log(`seeded ${CONTACTS} contacts in ${((performance.now() - seedStart) / 1000).toFixed(1)} s`);

  const query = `query ContactsList { contactsConnection(first: 100, orderBy: [{ field: LAST_NAME }]) {
    totalCount edges { cursor node { id name email lifecycleStage accounts { name industry } owner { name } } } } }`;
  const run = () => gqlOk<{ contactsConnection: { edges: unknown[] } }>(stack.gatewayUrl, query, {}, { token: admin.token });
  for (let i = 0; i < 10; i++) await run(); // warm up

  const domains = ['customer', 'platform'] as const;
  const dataQueries = (domain: (typeof domains)[number]) =>
    stack.subgraphs[domain].database.statements.queries.filter((sql) => !/"OutboxEvent"|pg_try_advisory|"ProcessedEvent"/i.test(sql));
  for (const domain of domains) stack.subgraphs[domain].database.statements.reset();
  const page = await run();
  if (page.contactsConnection.edges.length !== 100) throw new Error('expected a full page of 100 contacts');
  /** Statement count and the tables each statement reads first, per subgraph. */
  const perRequest = Object.fromEntries(
    domains.map((domain) => {
      const queries = dataQueries(domain);
      return [domain, { count: queries.length, tables: queries.map((sql) => /FROM\s+"public"\."(\w+)"/i.exec(sql)?.[1] ?? sql.slice(0, 40)) }];
    }),
  );

  const latencies: number[] = [];
  for (let i = 0; i < REQUESTS; i++) {
    const start = performance.now();
    await run();
    latencies.push(performance.now() - start);
  }
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))]!.toFixed(1);
  console.log(
    JSON.stringify(
      {
        bench: 'contacts-list',
        contacts: CONTACTS,
        page: 100,
        sqlStatementsPerRequest: perRequest,
        sequentialRequests: REQUESTS,
        latencyMs: { p50: pct(50), p95: pct(95), p99: pct(99), max: latencies.at(-1)!.toFixed(1) },
      },
      null,
      2,
    ),
  );
} finally {
  await stack.stop();
}
