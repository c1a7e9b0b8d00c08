/**
 * Configuration of the standalone platform deployable, validated at start-up.
 * Every problem is reported at once; the process exits 1 on bad configuration.
 */
import { z } from 'zod';
import { kafkaConsumerGroupEnvironment, readTracingEnvironment, type TracingEnvironment } from '@crm/runtime';

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
  /** Consumer group suffix and where new groups start (KAFKA_GROUP_SUFFIX, KAFKA_NEW_GROUPS_START). */
  ...kafkaConsumerGroupEnvironment,
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

const mail = z.object({
  /** SMTP server for outgoing e-mail, e.g. smtp://127.0.0.1:2525 or smtps://user:pass@smtp.example.com. Without it e-mails are written as .eml files to MAIL_DIR. */
  SMTP_URL: z.url({ protocol: /^smtps?$/, error: 'must be an smtp:// or smtps:// URL' }).optional(),
  MAIL_DIR: z.string().min(1).default('.data/mail'),
  /** From address of outgoing e-mail. */
  MAIL_FROM: z.string().min(3).default('CRM <no-reply@crm.localhost>'),
  /** Public URL of the web app, for links in e-mails. */
  APP_URL: z.url({ protocol: /^https?$/ }).default('http://localhost:3000'),
});

const files = z.object({
  /** Where attachments are stored on the local disk (without FILES_S3_BUCKET). */
  FILES_DIR: z.string().min(1).default('.data/platform/files'),
  /** Largest attachment, bytes. Default 25 MiB. */
  FILES_MAX_BYTES: z.coerce.number().int().min(1).default(25 * 1024 * 1024),
  /** Comma-separated media types accepted; default: documents, spreadsheets, presentations, images, text. */
  FILES_ALLOWED_TYPES: z
    .string()
    .optional()
    .transform((value) => value?.split(',').map((type) => type.trim().toLowerCase()).filter(Boolean)),
  /** A virus scanner run with each upload on stdin (`sh -c`; exit 0 clean, 1 infected), e.g. `clamdscan --no-summary -`. */
  FILES_SCAN_COMMAND: z.string().min(1).optional(),
  /** The gateway (internal address), asked whether a caller may read a record before an upload. */
  GATEWAY_INTERNAL_URL: z.url({ protocol: /^https?$/ }).optional(),
  /** S3-compatible storage instead of the local disk: bucket, region, keys; endpoint for non-AWS servers. */
  FILES_S3_BUCKET: z.string().min(3).optional(),
  FILES_S3_REGION: z.string().min(1).default('us-east-1'),
  FILES_S3_ENDPOINT: z.url({ protocol: /^https?$/ }).optional(),
  FILES_S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  FILES_S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  FILES_S3_FORCE_PATH_STYLE: z.enum(['true', 'false']).default('false').transform((value) => value === 'true'),
  FILES_S3_PREFIX: z.string().default(''),
});

const schema = z
  .object({ ...server.shape, ...database.shape, ...events.shape, ...security.shape, ...oidc.shape, ...mail.shape, ...files.shape })
  .superRefine((value, ctx) => {
    if (value.FILES_S3_BUCKET && !(value.FILES_S3_ACCESS_KEY_ID && value.FILES_S3_SECRET_ACCESS_KEY)) {
      ctx.addIssue({ code: 'custom', path: ['FILES_S3_ACCESS_KEY_ID'], message: 'FILES_S3_BUCKET needs FILES_S3_ACCESS_KEY_ID and FILES_S3_SECRET_ACCESS_KEY' });
    }
  });

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

/** OpenTelemetry export (OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_EXPORTER_OTLP_HEADERS, OTEL_SERVICE_NAME); off without an endpoint. */
export const loadTracingEnvironment = (): TracingEnvironment => readTracingEnvironment(process.env);
