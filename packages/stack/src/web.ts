/**
 * Serves the built web app (clients/web/dist) and forwards `/graphql` (HTTP and WebSocket), the BI routes `/bi/*`
 * and the CSV routes `/imports`, `/imports/*`, `/exports/*` to the gateway, so the browser talks to one origin.
 * The OpenID Connect provider `/oidc/*` too: it builds its endpoint URLs from the host the browser used (the
 * gateway passes it on as `x-forwarded-host`), so sign-in, its cookies and the token requests all stay on the web
 * app's origin; the issuer its tokens carry is unchanged.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { request, type IncomingMessage, type ServerResponse } from 'node:http';
import { connect } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { listen, type Listening } from '@crm/runtime';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.ico': 'image/x-icon',
};

/** The gateway's CSV routes: `POST /imports`, `GET /imports/<id>/errors.csv`, `GET /exports/<list>.csv`. */
function isFileRoute(pathname: string): boolean {
  return pathname === '/imports' || pathname.startsWith('/imports/') || pathname.startsWith('/exports/');
}

/** The OpenID Connect provider's public paths. */
function isOidcRoute(pathname: string): boolean {
  return pathname === '/oidc' || pathname.startsWith('/oidc/');
}

/**
 * `gatewayPort` may be a function read on each request, for a web server started before the gateway
 * (its URL is then known when the platform's `crm-web` redirect URIs are configured).
 */
export async function serveWebApp(distDir: string, gatewayPort: number | (() => number), port: number): Promise<Listening> {
  const gateway = typeof gatewayPort === 'function' ? gatewayPort : () => gatewayPort;
  const proxy = (req: IncomingMessage, res: ServerResponse) => {
    const upstream = request(
      { host: '127.0.0.1', port: gateway(), path: req.url, method: req.method, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ errors: [{ message: 'Gateway unavailable', extensions: { code: 'BAD_GATEWAY' } }] }));
    });
    req.pipe(upstream);
  };

  const listening = await listen(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === '/graphql' || url.pathname.startsWith('/bi/') || isFileRoute(url.pathname) || isOidcRoute(url.pathname)) return proxy(req, res);
    const relative = normalize(decodeURIComponent(url.pathname)).replace(/^(\.\.[/\\])+/, '');
    let file = join(distDir, relative);
    const info = await stat(file).catch(() => null);
    if (!info || info.isDirectory()) file = join(distDir, 'index.html'); // single-page app routes
    const exists = await stat(file).catch(() => null);
    if (!exists) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      return res.end('The web app is not built: run `pnpm --filter @crm/web build`.');
    }
    res.writeHead(200, {
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      'cache-control': file.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
    });
    createReadStream(file).pipe(res);
  }, port);

  // WebSocket upgrades on /graphql are piped to the gateway untouched.
  listening.server.on('upgrade', (req, socket, head) => {
    const upstream = connect(gateway(), '127.0.0.1', () => {
      const headers = Object.entries(req.headers).map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(', ') : v}`);
      upstream.write(`${req.method} ${req.url} HTTP/1.1\r\n${headers.join('\r\n')}\r\n\r\n`);
      if (head.length) upstream.write(head);
      upstream.pipe(socket).pipe(upstream);
    });
    upstream.on('error', () => socket.destroy());
    socket.on('error', () => upstream.destroy());
  });
  return listening;
}
