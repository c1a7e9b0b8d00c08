/**
 * Configuration of the one-process product (`pnpm start`, end-to-end tests), from the environment.
 * The only place in this package that reads `process.env`.
 *
 * | variable                         | default (embedded)                    |
 * |----------------------------------|---------------------------------------|
 * | DATABASE_URL_<DOMAIN>            | PGlite under `${DATA_DIR}/<domain>`     |
 * | MIGRATION_DATABASE_URL_<DOMAIN>  | DATABASE_URL with user `postgres`     |
 * | DATA_DIR                         | `.data` (attachments in `files/`)     |
 * | KAFKA_BROKERS                    | in-process bus                        |
 * | REDIS_URL                        | in-memory cache                       |
 * | WEB_PORT / GATEWAY_PORT          | 3000 / 4000                           |
 * | SMTP_URL                         | e-mails as `.eml` in `${DATA_DIR}/mail` |
 * | <DOMAIN>_PORT                    | 4001–4005                             |
 * | LOG_LEVEL                        | warn                                  |
 * | GATEWAY_SIGNING_SECRET           | random per process (embedded only)    |
 * | WEBHOOK_SECRET_KEY               | random per process (embedded only)    |
 */
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { readTracingEnvironment, type TracingEnvironment } from '@crm/runtime';
import { DEFAULT_PORTS, DOMAINS, type Domain, type StackConfig } from './config.ts';

export const repoRoot = resolve(fileURLToPath(new URL('../../..', import.meta.url)));

const port = z.coerce.number().int().min(0).max(65535);
const schema = z.object({
  DATA_DIR: z.string().default(join(repoRoot, '.data')),
  KAFKA_BROKERS: z.string().optional(),
  REDIS_URL: z.string().url().optional(),
  SMTP_URL: z.string().regex(/^smtps?:\/\/\S+$/, 'must be an smtp:// or smtps:// URL').optional(),
  GATEWAY_SIGNING_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  WEBHOOK_SECRET_KEY: z
    .string()
    .refine((v) => Buffer.from(v, 'base64').length === 32, 'must be 32 bytes, base64')
    .optional(),
  ALLOW_INSECURE_WEBHOOK_URLS: z.enum(['true', 'false']).optional(),
  GATEWAY_PORT: port.default(DEFAULT_PORTS.gateway),
  WEB_PORT: port.default(DEFAULT_PORTS.web),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('warn'),
  ...Object.fromEntries(DOMAINS.map((d) => [`${d.toUpperCase()}_PORT`, port.default(DEFAULT_PORTS[d])])),
  ...Object.fromEntries(DOMAINS.map((d) => [`DATABASE_URL_${d.toUpperCase()}`, z.string().url().optional()])),
  ...Object.fromEntries(DOMAINS.map((d) => [`MIGRATION_DATABASE_URL_${d.toUpperCase()}`, z.string().url().optional()])),
});

/** Reads the environment; prints every problem at once and exits 1 when it is invalid. */
export function loadStackConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<StackConfig> = {}): StackConfig {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) console.error(`config: ${issue.path.join('.')}: ${issue.message}`);
    process.exit(1);
  }
  const e = parsed.data as Record<string, string | number | undefined>;
  const urlOf = (d: Domain) => e[`DATABASE_URL_${d.toUpperCase()}`] as string | undefined;
  const real = DOMAINS.every((d) => urlOf(d));
  const databases = Object.fromEntries(
    DOMAINS.map((d) => {
      const url = urlOf(d);
      const migrationUrl = e[`MIGRATION_DATABASE_URL_${d.toUpperCase()}`] as string | undefined;
      return [
        d,
        url ? { kind: 'postgres' as const, url, ...(migrationUrl ? { migrationUrl } : {}) } : { kind: 'pglite' as const, dataDir: join(String(e.DATA_DIR), d) },
      ];
    }),
  ) as StackConfig['databases'];
  return {
    mode: real ? 'real' : 'embedded',
    databases,
    kafkaBrokers: e.KAFKA_BROKERS ? String(e.KAFKA_BROKERS).split(',').map((b) => b.trim()).filter(Boolean) : undefined,
    redisUrl: e.REDIS_URL as string | undefined,
    ports: {
      gateway: Number(e.GATEWAY_PORT),
      web: Number(e.WEB_PORT),
      ...(Object.fromEntries(DOMAINS.map((d) => [d, Number(e[`${d.toUpperCase()}_PORT`])])) as Record<Domain, number>),
    },
    signingSecret: (e.GATEWAY_SIGNING_SECRET as string | undefined) ?? randomBytes(32).toString('base64url'),
    webhookSecretKey: e.WEBHOOK_SECRET_KEY ? Buffer.from(String(e.WEBHOOK_SECRET_KEY), 'base64') : randomBytes(32),
    allowInsecureWebhookUrls: e.ALLOW_INSECURE_WEBHOOK_URLS ? e.ALLOW_INSECURE_WEBHOOK_URLS === 'true' : !real,
    logLevel: String(e.LOG_LEVEL),
    supergraphPath: join(repoRoot, 'schema', 'supergraph.graphql'),
    ...(e.SMTP_URL || !real
      ? {
          mail: {
            transport: e.SMTP_URL ? { kind: 'smtp' as const, url: String(e.SMTP_URL) } : { kind: 'file' as const, directory: join(String(e.DATA_DIR), 'mail') },
            appUrl: `http://localhost:${Number(e.WEB_PORT)}`,
          },
        }
      : {}),
    files: { directory: join(String(e.DATA_DIR), 'files') },
    ...overrides,
  };
}

/** OpenTelemetry export (OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_EXPORTER_OTLP_HEADERS, OTEL_SERVICE_NAME); off without an endpoint. */
export const loadTracingEnvironment = (env: NodeJS.ProcessEnv = process.env): TracingEnvironment => readTracingEnvironment(env);
