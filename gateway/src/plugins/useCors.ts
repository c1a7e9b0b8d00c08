/**
 * Cross-origin access to the GraphQL endpoint: only the origins in `corsOrigins` (exact
 * `scheme://host[:port]`, or `*` for any) get CORS headers; everyone else is same-origin only,
 * which is also the default. Preflights (`OPTIONS`) are answered here: 204 for an allowed origin,
 * 403 otherwise. CSRF prevention (Apollo's, on) still refuses simple cross-site requests.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';

export interface CorsOptions {
  /** Origins allowed to call the API from a browser. Default none (same origin only). */
  corsOrigins?: string[];
  /** How long browsers may cache a preflight, seconds. Default 600. */
  maxAgeSeconds?: number;
}

const ALLOWED_HEADERS = 'authorization, content-type, x-request-id, apollo-require-preflight, x-apollo-operation-name';
const EXPOSED_HEADERS = 'x-request-id, retry-after, ratelimit-limit, ratelimit-remaining, ratelimit-reset, ratelimit-policy';

export function useCors(options: CorsOptions = {}) {
  const origins = new Set(options.corsOrigins ?? []);
  const allowed = (origin: string | undefined): origin is string => !!origin && (origins.has('*') || origins.has(origin));
  const maxAge = String(options.maxAgeSeconds ?? 600);

  return {
    allowed,
    /** Wraps a handler: answers preflights, adds CORS headers for allowed origins. */
    wrap(handler: RequestListener): RequestListener {
      return (req: IncomingMessage, res: ServerResponse) => {
        const origin = req.headers.origin;
        if (req.method === 'OPTIONS') {
          if (!allowed(origin)) {
            res.writeHead(403, { vary: 'Origin', 'content-length': 0 });
            return res.end();
          }
          res.writeHead(204, {
            vary: 'Origin',
            'access-control-allow-origin': origin,
            'access-control-allow-methods': 'GET, POST, OPTIONS',
            'access-control-allow-headers': ALLOWED_HEADERS,
            'access-control-allow-credentials': 'true',
            'access-control-max-age': maxAge,
            'content-length': 0,
          });
          return res.end();
        }
        res.setHeader('vary', 'Origin');
        if (allowed(origin)) {
          res.setHeader('access-control-allow-origin', origin);
          res.setHeader('access-control-allow-credentials', 'true');
          res.setHeader('access-control-expose-headers', EXPOSED_HEADERS);
        }
        return handler(req, res);
      };
    },
  };
}
