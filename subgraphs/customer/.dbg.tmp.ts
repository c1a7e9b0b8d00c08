import { openDatabase } from '@crm/db';
import { createInProcessBus } from '@crm/events';
import { createLogger } from '@crm/runtime';
import { createCustomerSubgraph, customerPaths } from './src/index.ts';
const t = (l: string) => console.log(new Date().toISOString(), l);
const database = await openDatabase({ kind: 'pglite', dataDir: 'memory://' });
await database.migrate(customerPaths.migrationsDir, customerPaths.schemaPath);
const bus = createInProcessBus();
const sg = await createCustomerSubgraph({ database, bus, signingSecret: 'x'.repeat(40), logger: createLogger('c', 'silent') });

await new Promise((r) => setTimeout(r, 500));
const port = (await sg.start(0)).port; for (const p of ['/health','/ready']) console.log(await (await fetch('http://127.0.0.1:'+port+p)).text());
t('server.stop'); await sg.server.stop();
t('relay.stop'); await sg.relay.stop();
t('prisma'); await sg.prisma.$disconnect();
t('bus'); await bus.close();
t('db'); await database.close();
t('done');
