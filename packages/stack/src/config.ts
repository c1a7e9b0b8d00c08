/**
 * How the whole product is wired in one process: which database each subgraph uses, which
 * event bus and cache, and which ports. `embedded` needs nothing installed (PGlite, in-process
 * bus, memory cache); `real` uses PostgreSQL, Kafka and Redis.
 */
import type { DatabaseConfig } from '@crm/db';
import type { GatewayOptions } from '@crm/gateway';
import type { EmailDeliveryOptions } from '@crm/subgraph-platform';
import type { FilesOptions } from '@crm/subgraph-platform';

export const DOMAINS = ['platform', 'customer', 'sales', 'analytics', 'integration'] as const;
export type Domain = (typeof DOMAINS)[number];

export interface StackConfig {
  mode: 'embedded' | 'real';
  databases: Record<Domain, DatabaseConfig>;
  /** Kafka brokers; absent = in-process bus. */
  kafkaBrokers?: string[];
  /** Redis URL; absent = in-memory cache. */
  redisUrl?: string;
  /** Ports to listen on; 0 picks a free port. */
  ports: Record<Domain | 'gateway' | 'web', number>;
  /** pino level for the whole process. */
  logLevel: string;
  /** HMAC secret for the gateway's identity header (≥ 32 chars). */
  signingSecret: string;
  /** AES-256 key for webhook secrets (32 bytes). */
  webhookSecretKey: Buffer;
  /** Allow http:// and private webhook URLs (local development and tests). */
  allowInsecureWebhookUrls: boolean;
  supergraphPath: string;
  /**
   * Kafka consumer groups for read models and sagas (e.g. `customer.lead-conversion`,
   * `sales.lead-conversion`). Production: one group per consumer, starting from the retained
   * history. Test stacks sharing one broker use their own groups, starting at the end.
   */
  consumers?: { groupSuffix: string; fromBeginning: boolean };
  /**
   * Redirect URIs of the web app's OpenID Connect client `crm-web` (its `/auth/callback` on each
   * origin it is served from). Default when the web port is fixed: `http://localhost:<web port>/auth/callback`,
   * the same for the Vite dev server (port 5173), each also on 127.0.0.1; else the platform's default.
   */
  webRedirectUris?: string[];
  /** Refused sign-ins allowed per client address within 15 minutes (GraphQL `login` and the sign-in form together); the platform's default (100) when absent. */
  maxSignInFailuresPerAddress?: number;
  /** Settings of the gateway's public web-to-lead endpoint (rate limits, minimum fill time); defaults when absent. */
  leadForms?: GatewayOptions['leadForms'];
  /** The gateway's response cache of board reads (dropped by domain events and mutations). Default off; `npm start` turns it on. */
  responseCache?: GatewayOptions['responseCache'];
  /**
   * Delivery of the platform's queued e-mails: to `SMTP_URL` when set, else (embedded) as `.eml`
   * files under `${DATA_DIR}/mail`. Absent (real services without `SMTP_URL`): e-mails stay queued.
   */
  mail?: EmailDeliveryOptions;
  /**
   * Attachments (platform `files`): local-disk directory (default `${DATA_DIR}/files`), S3, limits,
   * virus scanner. The platform checks records through this stack's gateway unless `gatewayUrl` says otherwise.
   */
  files?: FilesOptions;
}

export const DEFAULT_PORTS: StackConfig['ports'] = {
  web: 3000,
  gateway: 4000,
  platform: 4001,
  customer: 4002,
  sales: 4003,
  analytics: 4004,
  integration: 4005,
};
