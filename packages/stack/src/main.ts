/**
 * `pnpm start`: the whole product in one process. Embedded defaults unless the environment
 * points at real services (see environment.ts). Seeds the demo tenant on first start.
 */
import { join } from 'node:path';
import { createLogger, startTracingFromEnvironment } from '@crm/runtime';
import { seedDemoTenant, DEMO } from './seed-demo.ts';
import { loadStackConfig, loadTracingEnvironment, repoRoot } from './environment.ts';
import { startStack } from './stack.ts';
import { serveWebApp } from './web.ts';

// the deployable gateway caches board reads by default (RESPONSE_CACHE); so does the whole product in one process
const config = { ...loadStackConfig(), responseCache: {} };

const logger = createLogger('crm', config.logLevel);
// off unless OTEL_EXPORTER_OTLP_ENDPOINT is set; before the stack, so its servers are traced
startTracingFromEnvironment(loadTracingEnvironment(), 'crm');
const stack = await startStack(config, logger);
const seeded = await seedDemoTenant(stack);
const webPort = config.ports.web;
const web = await serveWebApp(join(repoRoot, 'clients/web/dist'), Number(new URL(stack.gatewayUrl).port), webPort);

const lines = [
  '',
  `CRM is running (${config.mode}: ${config.mode === 'embedded' ? 'PGlite under .data/, in-process events, in-memory cache' : 'PostgreSQL, Kafka, Redis'})`,
  `  web app        ${web.url}`,
  `  GraphQL        ${stack.gatewayUrl}`,
  `  subscriptions  ${stack.wsUrl}`,
  ...Object.entries(stack.subgraphs).map(([name, s]) => `  ${name.padEnd(13)}  ${s.url}`),
  '',
  `Demo tenant "${DEMO.tenantName}" (slug ${DEMO.tenantSlug})${seeded ? ' seeded' : ''}:`,
  ...DEMO.users.map((u) => `  ${u.role.padEnd(14)} ${u.email} / ${DEMO.password}`),
  '',
  'Ctrl-C stops everything.',
];
console.log(lines.join('\n'));

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, async () => {
    if (stopping) return;
    stopping = true;
    await web.close();
    await stack.stop();
    process.exit(0);
  });
}
