import { pino, type DestinationStream, type Logger } from 'pino';
import { traceFields } from './tracing.ts';

export type { Logger };

/**
 * Attributes never written as they are, wherever a log call puts them (top level or one level
 * down, e.g. `{ input: { password } }`): credentials, tokens, secrets and the headers carrying them.
 * Their values are replaced by `[redacted]`.
 */
export const REDACTED_LOG_PATHS: readonly string[] = [
  ...['password', 'passwordHash', 'token', 'accessToken', 'refreshToken', 'idToken', 'secret', 'clientSecret', 'signingSecret', 'apiKey', 'authorization', 'cookie'].flatMap((name) => [name, `*.${name}`]),
  ...['authorization', 'cookie', '["x-api-key"]', '["x-crm-identity"]'].flatMap((header) => {
    const path = header.startsWith('[') ? `headers${header}` : `headers.${header}`;
    return [path, `*.${path}`];
  }),
];

/** Structured JSON logs; `LOG_LEVEL` picks the level (default info, silent in tests). */
export function createLogger(
  service: string,
  level = process.env.LOG_LEVEL ?? (process.env.VITEST ? 'silent' : 'info'),
  /** Where lines go. Default stdout. */
  destination?: DestinationStream,
): Logger {
  // traceId and spanId of the active span (none when tracing is off)
  const options = { level, base: { service }, mixin: traceFields, redact: { paths: [...REDACTED_LOG_PATHS], censor: '[redacted]' } };
  return destination ? pino(options, destination) : pino(options);
}
