/**
 * Global search through the gateway on real PostgreSQL (pg_trgm on):
 *
 *   search(query: $q, first: 20) { hits { type score matchedField highlights { start length } record { … name } } }
 *
 * over BENCH_SEARCH_CONTACTS contacts (default 100,000; plus 2 % as many accounts and 5 % as many
 * leads, all in the bench tenant, seeded with one INSERT … SELECT generate_series per table),
 * open loop at BENCH_SEARCH_RATE requests/s (default 50) for BENCH_SECONDS (default 20), half the
 * requests as a tenant admin and half as a Sales Rep (own records only). Queries mix full names,
 * prefixes (type-ahead) and names with a typo, drawn from the seeded records. Prints p50/p99
 * overall and per kind against the 50 ms p99 goal, and SQL statements per request.
 *
 *   NODE_ENV=production LOG_LEVEL=silent tsx bench/search.ts
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { availableParallelism, loadavg } from 'node:os';
import { Worker } from 'node:worker_threads';
import { createTenantWithUsers } from '@crm/stack';
import { gql, startRealStack } from '@crm/testkit';
import { parseSearchText } from '../subgraphs/customer/src/modules/search/lib/query-text.ts';
import { searchRecords, searchSql } from '../subgraphs/customer/src/modules/search/services/search.ts';

const CONTACTS = Number(process.env.BENCH_SEARCH_CONTACTS ?? 100_000);
const RATE = Number(process.env.BENCH_SEARCH_RATE ?? 50);
const DURATION_MS = Number(process.env.BENCH_SECONDS ?? 20) * 1000;
const GOAL_P99_MS = 50;

const FIRST = ['James', 'Mary', 'Robert', 'Patricia', 'John', 'Jennifer', 'Michael', 'Linda', 'David', 'Elizabeth', 'William', 'Barbara', 'Richard', 'Susan', 'Joseph', 'Jessica', 'Thomas', 'Sarah', 'Charles', 'Karen', 'Christopher', 'Lisa', 'Daniel', 'Nancy', 'Matthew', 'Betty', 'Anthony', 'Margaret', 'Mark', 'Sandra', 'Donald', 'Ashley', 'Steven', 'Kimberly', 'Paul', 'Emily', 'Andrew', 'Donna', 'Joshua', 'Michelle', 'Kenneth', 'Carol', 'Kevin', 'Amanda', 'Brian', 'Dorothy', 'George', 'Melissa', 'Timothy', 'Deborah'];
/** Syllables of the last names: 24^3 = 13,824 distinct names. */
const SYLLABLES = ['ar', 'ben', 'cor', 'dal', 'ek', 'fen', 'gar', 'hol', 'ish', 'jor', 'kel', 'lan', 'mor', 'nel', 'ost', 'pen', 'quin', 'ros', 'sten', 'tor', 'ul', 'ver', 'wick', 'zan'];

const sqlList = (values: readonly string[]) => `ARRAY[${values.map((value) => `'${value}'`).join(',')}]`;
const last = (n: string) => `initcap(s[1 + ${n} % 24] || s[1 + (${n} / 24) % 24] || s[1 + (${n} / 576) % 24])`;

const load1 = () => loadavg()[0]!.toFixed(1);
const loadAtStart = load1();
const stack = await startRealStack();
/** Removes the seeded records again, so repeated runs do not grow the tables (and every later search's index scans). */
let cleanUp = async () => {};
try {
  const slug = `bench-${randomUUID().slice(0, 8)}`;
  const password = randomUUID();
  const { tenantId, users } = await createTenantWithUsers(stack, { name: 'Search Bench Inc', slug }, [
    { email: `admin@${slug}.test`, name: 'Admin', role: 'TENANT_ADMIN' as const, password },
    ...Array.from({ length: 5 }, (_, i) => ({ email: `rep${i}@${slug}.test`, name: `Rep ${i}`, role: 'SALES_REP' as const, password })),
  ]);
  const [admin, ...reps] = users as [(typeof users)[0], ...typeof users];
  const owners = `ARRAY[${reps.map((rep) => `'${rep.id}'::uuid`).join(',')}]`;
  const { prisma } = stack.subgraphs.customer.subgraph;

  cleanUp = async () => {
    await prisma.$transaction(
      async (tx) => {
        await tx.$executeRaw`SELECT set_config('app.tenant_id', ${tenantId}, true)`;
        for (const table of ['Contact', 'Account', 'Lead']) await tx.$executeRawUnsafe(`DELETE FROM "${table}" WHERE "tenantId" = '${tenantId}'::uuid`);
      },
      { timeout: 600_000 },
    );
  };
  const seedStart = performance.now();
  const accounts = Math.ceil(CONTACTS * 0.02);
  const leads = Math.ceil(CONTACTS * 0.05);
  await prisma.$transaction(
    async (tx) => {
      await tx.$executeRaw`SELECT set_config('app.tenant_id', ${tenantId}, true)`;
      await tx.$executeRawUnsafe(`
        INSERT INTO "Contact" (id, "tenantId", "firstName", "lastName", email, "ownerId")
        SELECT gen_random_uuid(), '${tenantId}'::uuid, f[1 + i % ${FIRST.length}], ${last('(i * 7919)')},
               lower(f[1 + i % ${FIRST.length}] || '.' || ${last('(i * 7919)')} || i || '@mail' || (i % 500) || '.example'), o[1 + i % 5]
        FROM generate_series(0, ${CONTACTS - 1}) i, (SELECT ${sqlList(FIRST)} AS f, ${sqlList(SYLLABLES)} AS s, ${owners} AS o) v`);
      await tx.$executeRawUnsafe(`
        INSERT INTO "Account" (id, "tenantId", name, domain, industry, "ownerId")
        SELECT gen_random_uuid(), '${tenantId}'::uuid, ${last('(i * 104729)')} || ' ' || (ARRAY['Labs','Systems','Holdings','Partners'])[1 + i % 4],
               lower(${last('(i * 104729)')}) || i || '.example', (ARRAY['Software','Retail','Banking','Aerospace','Health'])[1 + i % 5], o[1 + i % 5]
        FROM generate_series(0, ${accounts - 1}) i, (SELECT ${sqlList(SYLLABLES)} AS s, ${owners} AS o) v`);
      await tx.$executeRawUnsafe(`
        INSERT INTO "Lead" (id, "tenantId", name, email, company, source, "ownerId")
        SELECT gen_random_uuid(), '${tenantId}'::uuid, f[1 + i % ${FIRST.length}] || ' ' || ${last('(i * 31)')},
               'lead' || i || '@mail.example', ${last('(i * 613)')} || ' Inc', 'web', o[1 + i % 5]
        FROM generate_series(0, ${leads - 1}) i, (SELECT ${sqlList(FIRST)} AS f, ${sqlList(SYLLABLES)} AS s, ${owners} AS o) v`);
    },
    { timeout: 600_000 },
  );
  const config = stack.subgraphs.customer.database.config;
  if (config.kind === 'postgres') {
    const owner = new URL(config.migrationUrl ?? config.url);
    if (!config.migrationUrl) [owner.username, owner.password] = ['postgres', ''];
    // statistics for the planner, and the GIN pending lists merged (as autovacuum would do soon)
    execFileSync('psql', [owner.toString(), '-q', ...['Contact', 'Account', 'Lead'].flatMap((table) => ['-c', `VACUUM ANALYZE "${table}"`])]);
  }
  console.log(`seeded ${CONTACTS} contacts, ${accounts} accounts, ${leads} leads in ${((performance.now() - seedStart) / 1000).toFixed(1)} s`);

  // queries drawn from the seeded contacts: full names, prefixes, and names with two letters swapped
  const sample = await prisma.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT set_config('app.tenant_id', ${tenantId}, true)`;
    return tx.$queryRaw<{ firstName: string; lastName: string }[]>`SELECT "firstName", "lastName" FROM "Contact" WHERE "tenantId" = ${tenantId}::uuid ORDER BY random() LIMIT 300`;
  });
  const typo = (word: string) => (word.length < 4 ? word : `${word.slice(0, 2)}${word[3]}${word[2]}${word.slice(4)}`);
  const queries = {
    full: sample.map((c) => `${c.firstName} ${c.lastName}`),
    prefix: sample.map((c, i) => (i % 2 ? c.lastName.slice(0, 4) : `${c.firstName} ${c.lastName.slice(0, 3)}`)),
    typo: sample.map((c) => `${c.firstName} ${typo(c.lastName)}`),
  };
  const SEARCH = `query Search($q: String!) { search(query: $q, first: 20) { hits { type score matchedField highlights { start length }
    record { ... on Contact { id name email } ... on Account { id name } ... on Lead { id name } } } } }`;
  const body = (q: string) => JSON.stringify({ query: SEARCH, variables: { q } });

  // the typo queries find what they were made from
  let typoFound = 0;
  for (const [index, q] of queries.typo.slice(0, 50).entries()) {
    const answer = await gql<{ search: { hits: { record: { name?: string } }[] } }>(stack.gatewayUrl, SEARCH, { q }, { token: admin.token });
    const wanted = `${sample[index]!.firstName} ${sample[index]!.lastName}`;
    if (answer.data?.search.hits.some((hit) => hit.record.name === wanted)) typoFound++;
  }

  const kinds = ['full', 'prefix', 'typo'] as const;
  const items = (count: number) =>
    Array.from({ length: count }, (_, i) => {
      const kind = kinds[i % 3]!;
      const token = i % 2 ? admin.token : reps[i % reps.length]!.token;
      return { key: kind, token, body: body(queries[kind][Math.floor(i / 3) % sample.length]!) };
    });

  interface Answer {
    key: string;
    sentAt: number;
    answeredAt: number;
    ok: boolean;
    error?: string;
  }
  const load = (rate: number, durationMs: number) =>
    new Promise<Answer[]>((resolve, reject) => {
      const lanes = [items(Math.ceil((rate * durationMs) / 1000))];
      const worker = new Worker(new URL('./request-worker.mjs', import.meta.url), { workerData: { url: stack.gatewayUrl, lanes, durationMs, rate, timeoutMs: 10_000 } });
      worker.once('message', (result: { records: Answer[] }) => {
        resolve(result.records);
        void worker.terminate();
      });
      worker.once('error', reject);
    });

  await load(RATE, 3000); // warm up (JIT, pools, caches)
  const records = await load(RATE, DURATION_MS);

  // let a backlog from the open loop drain (answers within a second again), at most 30 s
  for (let i = 0; i < 30; i++) {
    const start = performance.now();
    await gql(stack.gatewayUrl, SEARCH, { q: queries.full[0]! }, { token: admin.token });
    if (performance.now() - start < 1000) break;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }

  // the same queries one at a time: through the gateway, and the search statement alone (as an admin)
  const sequential: { kind: string; gateway: number; statement: number }[] = [];
  let sequentialErrors = 0;
  const all = { CONTACT: {}, ACCOUNT: {}, LEAD: {} };
  const recordJson = searchRecords(prisma);
  for (let i = 0; i < 90; i++) {
    const kind = kinds[i % 3]!;
    const q = queries[kind][Math.floor(i / 3)]!;
    let start = performance.now();
    const answer = await gql(stack.gatewayUrl, SEARCH, { q }, { token: admin.token });
    if (answer.errors) sequentialErrors++;
    const gateway = performance.now() - start;
    const sql = searchSql(parseSearchText(q), ['CONTACT', 'ACCOUNT', 'LEAD'], 20, all, true, recordJson);
    start = performance.now();
    await prisma.$transaction([prisma.$executeRaw`SELECT set_config('app.tenant_id', ${tenantId}, true)`, prisma.$queryRaw(sql)]);
    sequential.push({ kind, gateway, statement: performance.now() - start });
  }

  // statements per request, the kinds mixed like the load (background jobs' statements left out)
  const statements = stack.subgraphs.customer.database.statements;
  const SAMPLE = 30;
  const background = /"OutboxEvent"|pg_try_advisory|"ProcessedEvent"|"LeadConversion"|"LeadRuleSet"|"ImportQueue"|customer_decaying/i;
  statements.reset();
  for (let i = 0; i < SAMPLE; i++) {
    const kind = kinds[i % 3]!;
    await gql(stack.gatewayUrl, SEARCH, { q: queries[kind][i]! }, { token: i % 2 ? admin.token : reps[i % reps.length]!.token });
  }
  const recorded = statements.queries;
  const data = recorded.filter((sql) => !background.test(sql));
  const backgroundCount = recorded.length - data.length;
  const searchStatements = data.filter((sql) => sql.includes('websearch_to_tsquery')).length / SAMPLE;
  const perRequest = (n: number) => (n / SAMPLE).toFixed(2);
  if (process.env.BENCH_SHOW_SQL) for (const sql of new Set(data.map((text) => text.replace(/\s+/g, ' ').slice(0, 160)))) console.log(`  ${sql}`);

  const pct = (values: number[], p: number) => {
    const sorted = [...values].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
  };
  const line = (name: string, rows: Answer[]) => {
    const latencies = rows.map((r) => r.answeredAt - r.sentAt);
    const p99 = pct(latencies, 99);
    return `${name.padEnd(14)} ${String(rows.length).padStart(5)} req   p50 ${pct(latencies, 50).toFixed(1).padStart(6)} ms   p99 ${p99.toFixed(1).padStart(6)} ms   errors ${rows.filter((r) => !r.ok).length}`;
  };
  const elapsed = (Math.max(...records.map((r) => r.answeredAt)) - Math.min(...records.map((r) => r.sentAt))) / 1000;
  console.log(`\nsearch: ${CONTACTS} contacts (+ ${accounts} accounts, ${leads} leads), first: 20, open loop ${RATE} req/s for ${DURATION_MS / 1000} s (${(records.length / elapsed).toFixed(1)} req/s achieved), half tenant admin, half Sales Rep`);
  console.log(line('all', records));
  for (const kind of kinds) console.log(line(kind, records.filter((r) => r.key === kind)));
  const p99 = pct(records.map((r) => r.answeredAt - r.sentAt), 99);
  const seq = (pick: (row: (typeof sequential)[0]) => number) =>
    `p50 ${pct(sequential.map(pick), 50).toFixed(1).padStart(6)} ms   p99 ${pct(sequential.map(pick), 99).toFixed(1).padStart(6)} ms`;
  console.log(`sequential, ${sequential.length} requests (${sequentialErrors} errors): through the gateway ${seq((row) => row.gateway)}`);
  console.log(`  the search statement alone (batch transaction: tenant setting + SELECT) ${seq((row) => row.statement)}`);
  console.log(`goal p99 < ${GOAL_P99_MS} ms: ${p99 < GOAL_P99_MS ? 'met' : 'missed'} (${p99.toFixed(1)} ms)`);
  console.log(`typo queries finding their contact: ${typoFound}/50`);
  console.log(
    `customer SQL per request: ${perRequest(data.length)} data statements (search ${searchStatements.toFixed(2)}, record loaders ${perRequest(data.length - searchStatements * SAMPLE)}), ` +
      `${perRequest(statements.transactions)} transactions, ${perRequest(statements.tenantContext)} tenant settings` +
      (backgroundCount ? ` (${backgroundCount} background job statements in the sample left out; transactions include theirs)` : ''),
  );
  console.log(`load average (1 min): ${loadAtStart} at start, ${load1()} at the end (${availableParallelism()} cores)`);
  const failed = records.find((r) => !r.ok);
  if (failed) console.log(`first error: ${failed.error}`);
} finally {
  await cleanUp().catch((error: unknown) => console.error('removing the seeded records failed:', error));
  await stack.stop();
}
process.exit(0);
