/**
 * Configuration of the standalone platform deployable, validated at start-up.
 * Every problem is reported at once; the process exits 1 on bad configuration.
 */
import { z } from 'zod';

const postgresUrl = z.url({ protocol: /^postgres(ql)?$/, error: 'must be a postgres:// or postgresql:// URL' });

const server = z.object({
  PORT: z.coerce.number().int().min(0).max(65_535).default(4001),
  // Listen address: all interfaces for a container; 127.0.0.1 keeps a local run private.
  HOST: z.string().min(1).default('0.0.0.0'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

const database = z.object({
  /** PostgreSQL as the application role (no BYPASSRLS). Without it, embedded PGlite under DATA_DIR. */
  DATABASE_URL: postgresUrl.optional(),
  /** Owner connection used only to migrate; defaults to DATABASE_URL with user `postgres`. */
  MIGRATION_DATABASE_URL: postgresUrl.optional(),
  DATA_DIR: z.string().min(1).default('.data/platform'),
});

const events = z.object({
  /** Comma-separated Kafka brokers; without it events go through an in-process bus. */
  KAFKA_BROKERS: z
    .string()
    .optional()
    .transform((value) => value?.split(',').map((broker) => broker.trim()).filter(Boolean) ?? [])
    .pipe(z.array(z.string().regex(/^[^\s:]+:\d+$/, 'brokers are host:port'))),
});

const security = z.object({
  /** Shared with the gateway, which signs the identity header of every request. */
  GATEWAY_SIGNING_SECRET: z.string().min(32, 'must be at least 32 characters'),
});

const uriList = z
  .string()
  .optional()
  .transform((value) => value?.split(',').map((uri) => uri.trim()).filter(Boolean) ?? [])
  .pipe(z.array(z.string().regex(/^[a-z][a-z0-9+.-]*:[^\s]+$/i, 'must be absolute URIs, comma-separated')));

const oidc = z.object({
  /** Public issuer of the OpenID Connect provider (the gateway forwards `/oidc/*` here). Default http://localhost:4000/oidc. */
  OIDC_ISSUER: z.url({ protocol: /^https?$/ }).optional(),
  /** Comma-separated redirect URIs of the web app's client `crm-web`. */
  OIDC_WEB_REDIRECT_URIS: uriList,
  /** Comma-separated redirect URIs of the mobile apps' client `crm-mobile`. */
  OIDC_MOBILE_REDIRECT_URIS: uriList,
});

const schema = z.object({ ...server.shape, ...database.shape, ...events.shape, ...security.shape, ...oidc.shape });

export type Environment = z.output<typeof schema>;

function load(source: NodeJS.ProcessEnv): Environment {
  const result = schema.safeParse(source);
  if (result.success) return result.data;
  for (const issue of result.error.issues) {
    console.error(`Invalid configuration: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  process.exit(1);
}

export const env: Environment = load(process.env);
