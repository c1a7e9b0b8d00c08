/**
 * Platform subgraph: tenants, users, teams, invitations, roles, sign-in, API keys and the audit log.
 *
 * Besides GraphQL it serves the public key set that verifies access tokens at
 * `GET /.well-known/jwks.json` (no gateway signature needed), and it consumes the events of every
 * domain into the append-only audit log (consumer group `platform.audit`), and the sales and customer
 * events into users' notifications (consumer group `platform.notifications`).
 *
 * Under `/oidc` it runs the OpenID Connect provider (`modules/oauth`, public; the gateway forwards
 * `/oidc/*` to it): sign-in page, discovery, token, JWKS.
 *
 * Attachments (`modules/files`): `PUT /internal/files/uploads/<token>` and `GET /internal/files/<id>?sig=`
 * behind the gateway's `/files/*` routes (gateway-signed; see `file-routes.ts`).
 *
 * For the gateway: `POST /internal/api-keys/verify` (gateway-signed; see `verify-route.ts`) and
 * `POST /internal/tenants/edge-settings` and `/internal/tenants/origin-allowed` (a tenant's plan limits and
 * CORS allowlist; see `edge-settings-route.ts`),
 * `services.apiKeys.verify(key)` turn a presented API key into the identity it acts as (or null), and `services.membership.isActive(tenantId, userId)` tells whether a token's
 * user is still active.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDatabase, type Database } from '@crm/db';
import { createOutboxRelay, topicOf, type BusSubscription, type EventBus, type OutboxRelay, type ConsumerTuning } from '@crm/events';
import { createSubgraphServer, type Listening, type Logger, type SubgraphServer } from '@crm/runtime';
import { PrismaClient } from './__generated__/prisma/client.ts';
import { createContextFactory, type Context } from './context.ts';
import { subscribeAuditLog } from './modules/audit/services/audit-consumer.ts';
import { createAuditLogService } from './modules/audit/services/audit-log.ts';
import { subscribeNotifications } from './modules/notifications/services/notification-consumer.ts';
import { subscribePlatformPersonalData } from './modules/personal-data/services/personal-data-consumer.ts';
import { createNotificationService } from './modules/notifications/services/notifications.ts';
import { createJwksRoute, JWKS_PATH } from './modules/auth/lib/jwks-route.ts';
import { createApiKeyVerifyRoute } from './modules/api-keys/lib/verify-route.ts';
import { createTeamFactsRoute } from './modules/users/lib/team-facts-route.ts';
import { createTeamMembersRoute } from './modules/users/lib/team-members-route.ts';
import { createEdgeSettingsRoutes } from './modules/tenants/lib/edge-settings-route.ts';
import { createOidcRoute } from './modules/oauth/lib/oidc-route.ts';
import { createOidcService, type OidcService } from './modules/oauth/services/oidc.ts';
import type { OidcOptions } from './modules/oauth/lib/oidc-config.ts';
import { platformModules } from './schema.ts';
import { createEmailDelivery, type EmailDeliveryOptions } from './modules/email/services/email-delivery.ts';
import type { EmailSender } from './modules/email/services/email-sender.ts';
import { createServices, type Services } from './services.ts';
import { createFileRoutes } from './modules/files/lib/file-routes.ts';
import type { FilesOptions } from './modules/files/lib/files-options.ts';

export type { Context } from './context.ts';
export type { Services } from './services.ts';
export type { AuthSession, LoginInput } from './modules/auth/services/auth.ts';
export type { CreateTenantInput } from './modules/tenants/services/tenants.ts';
export type { CreateUserInput } from './modules/users/services/users.ts';
export type { CreateTeamInput } from './modules/users/services/teams.ts';
export type { ApiKeyIdentity, CreateApiKeyInput, CreatedApiKey } from './modules/api-keys/services/api-keys.ts';
export type { ConsumerTuning } from '@crm/events';
export type { NotificationCreatedPayload, NotificationPayload } from './modules/notifications/services/notifications.ts';
export { NOTIFICATION_CREATED, NOTIFICATION_EMAIL_TEMPLATE, NOTIFICATIONS_CONSUMER } from './modules/notifications/services/notifications.ts';
export type { InviteUserInput, AcceptInvitationInput } from './modules/users/services/invitations.ts';
export type { RecordsTransfer, RecordsTransferredPayload } from './modules/users/services/membership.ts';
export { AUDIT_CONSUMER } from './modules/audit/services/audit-log.ts';
export type { Actor } from './lib/events.ts';
export { SYSTEM_ACTOR, userActor, actorOf } from './lib/events.ts';
export { ACCESS_TOKEN } from './modules/auth/lib/access-token.ts';
export { JWKS_PATH } from './modules/auth/lib/jwks-route.ts';
export { API_KEY_VERIFY_PATH, type ApiKeyVerifyAnswer } from './modules/api-keys/lib/verify-route.ts';
export { TEAM_FACTS_PATH, type TeamFacts } from './modules/users/lib/team-facts-route.ts';
export { TEAM_MEMBERS_PATH, type TeamMembers } from './modules/users/lib/team-members-route.ts';
export { EDGE_SETTINGS_PATH, ORIGIN_ALLOWED_PATH } from './modules/tenants/lib/edge-settings-route.ts';
export type { TenantEdgeSettings } from './modules/tenants/services/tenants.ts';
export { PLANS, type PlanName, type PlanLimits } from './modules/tenants/lib/plans.ts';
export { FILES_DEFAULTS, type FilesOptions } from './modules/files/lib/files-options.ts';
export { RECORDS_READABLE_PATH, RECORD_TYPES, type RecordType } from './modules/files/lib/record-access.ts';
export { INTERNAL_UPLOAD_PATH, INTERNAL_DOWNLOAD_PATH } from './modules/files/lib/file-routes.ts';
export type { S3StorageOptions } from './modules/files/lib/s3-storage.ts';
export { OIDC_PATH, API_RESOURCE, API_SCOPE, FIRST_PARTY_CLIENTS, OIDC_DEFAULTS, type OidcOptions } from './modules/oauth/lib/oidc-config.ts';
export type { OidcService } from './modules/oauth/services/oidc.ts';
export type { EmailDeliveryOptions } from './modules/email/services/email-delivery.ts';
export type { EmailSender, DeliveryRun } from './modules/email/services/email-sender.ts';
export type { MailConfig } from './modules/email/services/mail-transport.ts';
export type { CreateOAuthClientInput, CreatedOAuthClient } from './modules/oauth/services/oauth-clients.ts';
export { Role } from './__generated__/prisma/client.ts';
export type { TenantModel, UserModel, TeamModel, ApiKeyModel, AuditEntryModel, InvitationModel, NotificationModel } from './__generated__/prisma/models.ts';

/** Connections of the audit consumer's own pool. */
const AUDIT_POOL_SIZE = 2;

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
  /** Consumer group and retry settings of the audit-log consumer. Default: group `platform.audit`, from the beginning. */
  consumer?: ConsumerTuning;
  /** Consumer group and retry settings of the notifications consumer. Default: group `platform.notifications`, from the latest events. */
  notificationConsumer?: ConsumerTuning;
  /** Consumer of the customer's personal-data erasure requests. Default: group `platform.personal-data`. */
  personalDataConsumer?: ConsumerTuning;
  /** OpenID Connect provider under `/oidc` (issuer, redirect URIs). Defaults: `OIDC_DEFAULTS`; cookies are signed with a key derived from `signingSecret`. */
  oidc?: Omit<OidcOptions, 'cookieSecret'>;
  /** Delivery of the queued e-mails (invitations, notifications) from `start` to `stop`. Without it they stay queued. */
  mail?: EmailDeliveryOptions;
  /** Attachments: storage (local disk by default, S3 when configured), limits, virus scanner, and the gateway that checks records. */
  files?: FilesOptions;
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
  /** The OpenID Connect provider served under `/oidc`. */
  oidc: OidcService;
  /** Resolves once the audit-log and notifications consumers have joined their groups (after `start`). */
  consumerReady: Promise<void>;
  /** The e-mail sender (when `mail` is configured); runs from `start` to `stop`. */
  emailSender: EmailSender | null;
  /** Makes sure a signing key exists, starts the outbox relay and the audit-log and notifications consumers, and listens on `port` (0 = any). */
  start(port: number, host?: string): Promise<Listening>;
  stop(): Promise<void>;
}

export async function createPlatformSubgraph(deps: PlatformSubgraphDeps): Promise<PlatformSubgraph> {
  const logger = deps.logger.child({ subgraph: 'platform' });
  const prisma = new PrismaClient({ adapter: deps.database.adapter });
  const relay = createOutboxRelay({ db: prisma, bus: deps.bus, topic: topicOf('platform'), logger });
  let relaying = false;
  const services = createServices({ prisma, ...(deps.oidc?.maxAttemptsPerAddress ? { maxSignInFailuresPerAddress: deps.oidc.maxAttemptsPerAddress } : {}), files: { options: deps.files, signingSecret: deps.signingSecret, logger }, afterCommit: () => {
      if (relaying) relay.nudge();
    },
  });

  const jwksRoute = createJwksRoute(services.signingKeys);
  const apiKeyVerifyRoute = createApiKeyVerifyRoute(services.apiKeys, deps.signingSecret);
  const teamFactsRoute = createTeamFactsRoute(prisma, deps.signingSecret);
  const teamMembersRoute = createTeamMembersRoute(prisma, deps.signingSecret);
  const edgeSettingsRoutes = createEdgeSettingsRoutes(services.tenants, deps.signingSecret);
  const oidc = createOidcService({ prisma, signingKeys: services.signingKeys, clients: services.oauthClients, options: { ...deps.oidc, cookieSecret: deps.signingSecret }, logger });
  const fileRoutes = createFileRoutes({ attachments: services.attachments, signingSecret: deps.signingSecret, logger });
  const oidcRoute = createOidcRoute({
    oidc,
    auth: services.auth,
    addressThrottle: services.signInAddresses,
    logger,
  });
  const server = await createSubgraphServer<Context>({
    name: 'platform',
    events: deps.bus,
    modules: platformModules,
    signingSecret: deps.signingSecret,
    createContext: createContextFactory({ prisma, services, logger }),
    ready: async () => {
      await prisma.$queryRaw`SELECT 1`;
      return true;
    },
    routes: async (req, res) => (await jwksRoute(req, res)) || (await apiKeyVerifyRoute(req, res)) || (await teamFactsRoute(req, res)) || (await teamMembersRoute(req, res)) || (await edgeSettingsRoutes(req, res)) || (await fileRoutes(req, res)) || (await oidcRoute(req, res)),
    logger,
  });

  // The audit consumer writes through its own small pool (PostgreSQL), so replaying a backlog of
  // events never takes connections from requests. PGlite has a single session and shares it.
  const consumerDatabase =
    deps.database.config.kind === 'postgres' ? await openDatabase({ ...deps.database.config, poolSize: AUDIT_POOL_SIZE }) : deps.database;
  const consumerPrisma = consumerDatabase === deps.database ? prisma : new PrismaClient({ adapter: consumerDatabase.adapter });
  const auditWriter = consumerPrisma === prisma ? services.auditLog : createAuditLogService({ prisma: consumerPrisma });
  const nudgeRelay = () => {
    if (relaying) relay.nudge();
  };
  const emailSender = deps.mail ? await createEmailDelivery(deps.database, prisma, deps.mail, logger) : null;
  const notificationWriter = consumerPrisma === prisma ? services.notifications : createNotificationService({ prisma: consumerPrisma, afterCommit: nudgeRelay });

  let subscription: BusSubscription | undefined;
  let notificationSubscription: BusSubscription | undefined;
  let personalDataSubscription: BusSubscription | undefined;
  let markReady!: () => void;
  let markFailed!: (error: unknown) => void;
  const consumerReady = new Promise<void>((resolve, reject) => {
    markReady = resolve;
    markFailed = reject;
  });
  consumerReady.catch(() => undefined); // surfaced to whoever awaits it; never an unhandled rejection

  return {
    name: 'platform',
    server,
    prisma,
    services,
    relay,
    jwksPath: JWKS_PATH,
    oidc,
    consumerReady,
    emailSender,
    async start(port, host) {
      await services.signingKeys.active();
      relay.start();
      relaying = true;
      relay.nudge();
      emailSender?.start();
      try {
        subscription = await subscribeAuditLog({ bus: deps.bus, auditLog: auditWriter, logger, ...deps.consumer });
        notificationSubscription = await subscribeNotifications({ bus: deps.bus, notifications: notificationWriter, logger, ...deps.notificationConsumer });
        personalDataSubscription = await subscribePlatformPersonalData({ bus: deps.bus, handler: services.personalData, logger, ...deps.personalDataConsumer });
        Promise.all([subscription.ready, notificationSubscription.ready, personalDataSubscription.ready]).then(() => markReady(), markFailed);
      } catch (error) {
        markFailed(error);
        throw error;
      }
      return server.listen(port, host);
    },
    async stop() {
      relaying = false;
      await subscription?.stop();
      await notificationSubscription?.stop();
      await personalDataSubscription?.stop();
      await server.stop();
      await relay.stop();
      await emailSender?.stop();
      await prisma.$disconnect();
      if (consumerPrisma !== prisma) await consumerPrisma.$disconnect();
      if (consumerDatabase !== deps.database) await consumerDatabase.close();
    },
  };
}
