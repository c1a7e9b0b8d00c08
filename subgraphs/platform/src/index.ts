/**
 * Platform subgraph: tenants, users, teams, roles and sign-in.
 *
 * Besides GraphQL it serves the public key set that verifies access tokens at
 * `GET /.well-known/jwks.json` (no gateway signature needed).
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Database } from '@crm/db';
import { createOutboxRelay, topicOf, type EventBus, type OutboxRelay } from '@crm/events';
import { createSubgraphServer, type Listening, type Logger, type SubgraphServer } from '@crm/runtime';
import { PrismaClient } from './__generated__/prisma/client.ts';
import { createContextFactory, type Context } from './context.ts';
import { createJwksRoute, JWKS_PATH } from './modules/auth/lib/jwks-route.ts';
import { platformModules } from './schema.ts';
import { createServices, type Services } from './services.ts';

export type { Context } from './context.ts';
export type { Services } from './services.ts';
export type { AuthSession, LoginInput } from './modules/auth/services/auth.ts';
export type { CreateTenantInput } from './modules/tenants/services/tenants.ts';
export type { CreateUserInput } from './modules/users/services/users.ts';
export type { CreateTeamInput } from './modules/users/services/teams.ts';
export type { Actor } from './lib/events.ts';
export { SYSTEM_ACTOR, userActor } from './lib/events.ts';
export { ACCESS_TOKEN } from './modules/auth/lib/access-token.ts';
export { JWKS_PATH } from './modules/auth/lib/jwks-route.ts';
export { Role } from './__generated__/prisma/client.ts';
export type { TenantModel, UserModel, TeamModel } from './__generated__/prisma/models.ts';

const packageRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Where this subgraph's Prisma schema and migrations live (absolute paths). */
export const platformPaths: { schemaPath: string; migrationsDir: string } = {
  schemaPath: join(packageRoot, 'prisma', 'schema.prisma'),
  migrationsDir: join(packageRoot, 'prisma', 'migrations'),
};

export interface PlatformSubgraphDeps {
  /** From `openDatabase()`, already migrated with `platformPaths`. */
  database: Database;
  bus: EventBus;
  /** Secret the gateway signs identity headers with. */
  signingSecret: string;
  logger: Logger;
}

export interface PlatformSubgraph {
  name: 'platform';
  server: SubgraphServer;
  prisma: PrismaClient;
  /** Domain services, e.g. to provision tenants and users in tests and the demo seed. */
  services: Services;
  /** Publishes the outbox to the bus (topic `crm.platform.events`) once started. */
  relay: OutboxRelay;
  /** Path of the public JWKS on this subgraph's HTTP server. */
  jwksPath: string;
  /** Makes sure a signing key exists, starts the outbox relay and listens on `port` (0 = any). */
  start(port: number, host?: string): Promise<Listening>;
  stop(): Promise<void>;
}

export async function createPlatformSubgraph(deps: PlatformSubgraphDeps): Promise<PlatformSubgraph> {
  const logger = deps.logger.child({ subgraph: 'platform' });
  const prisma = new PrismaClient({ adapter: deps.database.adapter });
  const relay = createOutboxRelay({ db: prisma, bus: deps.bus, topic: topicOf('platform'), logger });
  let relaying = false;
  const services = createServices({ prisma, afterCommit: () => {
      if (relaying) relay.nudge();
    },
  });

  const server = await createSubgraphServer<Context>({
    name: 'platform',
    modules: platformModules,
    signingSecret: deps.signingSecret,
    createContext: createContextFactory({ prisma, services, logger }),
    ready: async () => {
      await prisma.$queryRaw`SELECT 1`;
      return true;
    },
    routes: createJwksRoute(services.signingKeys),
    logger,
  });

  return {
    name: 'platform',
    server,
    prisma,
    services,
    relay,
    jwksPath: JWKS_PATH,
    async start(port, host) {
      await services.signingKeys.active();
      relay.start();
      relaying = true;
      relay.nudge();
      return server.listen(port, host);
    },
    async stop() {
      relaying = false;
      await server.stop();
      await relay.stop();
      await prisma.$disconnect();
    },
  };
}
