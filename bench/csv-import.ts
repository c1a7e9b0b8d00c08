/**
 * `pnpm bench` (4/4): CSV import of BENCH_IMPORT_ROWS (default 100,000) generated contacts with
 * 5% duplicates, through the gateway on real PostgreSQL, Redis and Kafka.
 *
 * A first import (not timed) creates the contacts that 2.5% of the rows repeat by e-mail; another
 * 2.5% of the rows repeat an e-mail from earlier in the same file. The timed run uploads the file
 * (`POST /imports`), configures dedup (BENCH_IMPORT_POLICY, default UPDATE), starts it and waits
 * for COMPLETED on the `importProgress` subscription. Prints wall time (upload, processing,
 * total), rows/s, the job's counters and the peak RSS of this process, which runs the whole stack
 * (gateway and every subgraph, the import runner included).
 *
 * BENCH_IMPORT_ENTITY=LEAD or ACCOUNT imports leads (dedup by e-mail; the tenant has a lead
 * scoring rule, so every lead is scored as `createLead` scores it) or accounts (dedup by domain)
 * the same way.
 */
import { randomUUID } from 'node:crypto';
import { createTenantWithUsers } from '@crm/stack';
import { gqlOk, startRealStack, subscribe, subscribersReady } from '@crm/testkit';

const ROWS = Number(process.env.BENCH_IMPORT_ROWS ?? 100_000);
const POLICY = process.env.BENCH_IMPORT_POLICY ?? 'UPDATE';
const ENTITY = (process.env.BENCH_IMPORT_ENTITY ?? 'CONTACT').toUpperCase();
if (!['CONTACT', 'LEAD', 'ACCOUNT'].includes(ENTITY)) throw new Error('BENCH_IMPORT_ENTITY must be CONTACT, LEAD or ACCOUNT');
const DUPLICATE_SHARE = 0.05;

let peakRss = process.memoryUsage().rss;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);

const stack = await startRealStack();
const origin = new URL(stack.gatewayUrl).origin;
const slug = `import-${randomUUID().slice(0, 8)}`;
const { users } = await createTenantWithUsers(stack, { name: 'Import Inc', slug }, [{ email: `admin@${slug}.test`, name: 'Admin', role: 'TENANT_ADMIN', password: randomUUID() }]);
const token = users[0]!.token;

const STAGES = ['subscriber', 'lead', 'customer', 'opportunity'];
const email = (i: number) => `person${i}@${slug}.example.com`;
const SOURCES = ['web', 'fair', 'referral', 'ads'];
const LINES: Record<string, { header: string; line: (i: number, first?: string) => string }> = {
  CONTACT: {
    header: 'First Name,Last Name,Email,Phone,Lifecycle Stage,Tags\r\n',
    line: (i, first = `First${i}`) => `${first},Last${i},${email(i)},+1 555 ${String(i % 10_000).padStart(4, '0')},${STAGES[i % STAGES.length]},tag${i % 7};bench\r\n`,
  },
  LEAD: {
    header: 'Name,Email,Company,Source,Status\r\n',
    line: (i, first = `First${i}`) => `${first} Last${i},${email(i)},Company ${i % 500}${i % 3 === 0 ? ' Corp' : ''},${SOURCES[i % SOURCES.length]},${i % 5 === 0 ? 'contacted' : ''}\r\n`,
  },
  ACCOUNT: {
    header: 'Company Name,Website,Industry,Employees\r\n',
    line: (i, first = `Company${i}`) => `${first} ${i},company${i}.${slug}.example,${STAGES[i % STAGES.length]},${(i % 5000) + 1}\r\n`,
  },
};
const { header: HEADER, line } = LINES[ENTITY]!;

const dbDuplicates = Math.floor((ROWS * DUPLICATE_SHARE) / 2);
const fileDuplicates = Math.floor(ROWS * DUPLICATE_SHARE) - dbDuplicates;
const unique = ROWS - dbDuplicates - fileDuplicates;

async function upload(csv: string): Promise<string> {
  const response = await fetch(`${origin}/imports?entity=${ENTITY}&fileName=bench.csv`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' }, body: csv });
  const body = (await response.json()) as { id?: string; errors?: unknown };
  if (response.status !== 201 || !body.id) throw new Error(`upload answered ${response.status}: ${JSON.stringify(body)}`);
  return body.id;
}

interface Progress {
  importProgress: { status: string; processedRows: number; createdCount: number; updatedCount: number; skippedCount: number; failedCount: number; failure: string | null };
}
async function runImport(id: string, policy: string): Promise<Progress['importProgress']> {
  await gqlOk(stack.gatewayUrl, 'mutation ($id: ID!, $p: ImportDedupPolicy) { configureImport(id: $id, input: { dedupPolicy: $p }) { id } }', { id, p: policy }, { token });
  const live = subscribe<Progress>(
    stack.wsUrl,
    token,
    'subscription ($id: ID!) { importProgress(id: $id) { status processedRows createdCount updatedCount skippedCount failedCount failure } }',
    { id },
  );
  try {
    await subscribersReady(stack.gateway, 1);
    await gqlOk(stack.gatewayUrl, 'mutation ($id: ID!) { startImport(id: $id) { id } }', { id }, { token });
    const done = await live.next((payload) => ['COMPLETED', 'FAILED'].includes(payload.data?.importProgress.status ?? ''), 600_000);
    return done.data!.importProgress;
  } finally {
    await live.close();
  }
}

if (ENTITY === 'LEAD') {
  await gqlOk(
    stack.gatewayUrl,
    'mutation ($input: LeadScoringRulesInput!) { setLeadScoringRules(input: $input) { fieldRules { label } } }',
    { input: { fieldRules: [{ label: 'Big company', points: 15, field: 'COMPANY', operator: 'CONTAINS', value: 'corp' }], eventRules: [] } },
    { token },
  );
}

// records that part of the timed file repeats (created by a first, untimed import)
let seed = HEADER;
for (let i = 0; i < dbDuplicates; i++) seed += line(unique + i, 'Existing');
await runImport(await upload(seed), 'SKIP');

let csv = HEADER;
for (let i = 0; i < unique; i++) csv += line(i);
for (let i = 0; i < dbDuplicates; i++) csv += line(unique + i, 'Updated');
for (let i = 0; i < fileDuplicates; i++) csv += line(i * 7 % unique, 'Again');
const bytes = Buffer.byteLength(csv);

const started = performance.now();
const id = await upload(csv);
const uploaded = performance.now();
const result = await runImport(id, POLICY);
const finished = performance.now();
clearInterval(sampler);

const seconds = (finished - started) / 1000;
console.log(`\ncsv import (${ENTITY}): ${ROWS.toLocaleString('en-US')} rows (${(bytes / 1024 / 1024).toFixed(1)} MiB), ${dbDuplicates} repeat existing records, ${fileDuplicates} repeat earlier rows; dedup ${POLICY}`);
console.log(`  status ${result.status}: created ${result.createdCount}, updated ${result.updatedCount}, skipped ${result.skippedCount}, failed ${result.failedCount}${result.failure ? ` (${result.failure})` : ''}`);
console.log(`  upload + check + store: ${((uploaded - started) / 1000).toFixed(2)} s`);
console.log(`  processing (start -> COMPLETED on the subscription): ${((finished - uploaded) / 1000).toFixed(2)} s`);
console.log(`  wall time ${seconds.toFixed(2)} s, ${Math.round(ROWS / seconds).toLocaleString('en-US')} rows/s`);
console.log(`  peak RSS of the stack process: ${Math.round(peakRss / 1024 / 1024)} MiB`);
await stack.stop();
process.exit(result.status === 'COMPLETED' ? 0 : 1);
