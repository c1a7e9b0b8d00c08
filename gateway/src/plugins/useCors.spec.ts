import type { IncomingMessage, ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { HttpError } from '@crm/runtime';
import { useCors, type TenantOrigins } from './useCors.ts';

function call(cors: ReturnType<typeof useCors>, method: string, origin?: string, req: Partial<IncomingMessage> = {}) {
  const headers: Record<string, string | number> = {};
  let status = 0;
  let handled = false;
  const res = {
    headersSent: false,
    setHeader: (name: string, value: string) => void (headers[name] = value),
    removeHeader: (name: string) => void delete headers[name],
    writeHead: (code: number, extra: Record<string, string | number>) => {
      status = code;
      Object.assign(headers, extra);
    },
    end: () => {},
  } as unknown as ServerResponse;
  let done!: () => void;
  const finished = new Promise<void>((resolve) => (done = resolve));
  (res as unknown as { end: () => void }).end = () => done();
  const request = Object.assign(req, { method, headers: origin ? { origin } : {} }) as IncomingMessage;
  cors.wrap(() => {
    handled = true;
    done();
  })(request, res);
  return {
    get status() {
      return status;
    },
    headers,
    get handled() {
      return handled;
    },
    finished,
    request,
  };
}

describe('useCors', () => {
  const cors = useCors({ corsOrigins: ['https://app.example.com'] });

  it('answers preflights of allowed origins and refuses others', () => {
    const allowed = call(cors, 'OPTIONS', 'https://app.example.com');
    expect(allowed).toMatchObject({ status: 204, handled: false, headers: { 'access-control-allow-origin': 'https://app.example.com', 'access-control-max-age': '600' } });
    const refused = call(cors, 'OPTIONS', 'https://evil.example');
    expect(refused.status).toBe(403);
    expect(refused.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('adds CORS headers to requests of allowed origins only', () => {
    expect(call(cors, 'POST', 'https://app.example.com').headers['access-control-allow-origin']).toBe('https://app.example.com');
    const other = call(cors, 'POST', 'https://evil.example');
    expect(other.handled).toBe(true);
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('is same-origin only by default', () => {
    expect(call(useCors(), 'OPTIONS', 'https://app.example.com').status).toBe(403);
  });
});

describe('useCors with tenant allowlists', () => {
  const tenantOrigins: TenantOrigins = {
    allowedByAnyTenant: async (origin) => origin === 'https://crm.acme.example',
    allowedForTenant: async (tenantId, origin) => tenantId === 'acme' && origin === 'https://crm.acme.example',
  };
  const cors = useCors({ corsOrigins: ['https://app.example.com'], tenantOrigins });
  const who = (tenantId: string | null) => ({ tenantId, userId: null, roles: [], requestId: 'r' });

  it("answers preflights for any tenant's origins", async () => {
    const tenant = call(cors, 'OPTIONS', 'https://crm.acme.example');
    await tenant.finished;
    expect(tenant).toMatchObject({ status: 204, headers: { 'access-control-allow-origin': 'https://crm.acme.example' } });
    const other = call(cors, 'OPTIONS', 'https://evil.example');
    await other.finished;
    expect(other.status).toBe(403);
  });

  it("holds requests from a tenant's origin to that tenant", async () => {
    const request = call(cors, 'POST', 'https://crm.acme.example');
    await request.finished;
    expect(request.handled).toBe(true);
    expect(request.headers['access-control-allow-origin']).toBe('https://crm.acme.example');
    await expect(cors.checkTenant(request.request, who('acme'))).resolves.toBeUndefined();
    await expect(cors.checkTenant(request.request, who(null))).resolves.toBeUndefined();
    expect(request.headers['access-control-allow-origin']).toBe('https://crm.acme.example');
    const refused = cors.checkTenant(request.request, who('globex'));
    await expect(refused).rejects.toBeInstanceOf(HttpError);
    await expect(refused).rejects.toMatchObject({ status: 403, code: 'FORBIDDEN' });
    // the refusal does not let the page read the answer
    expect(request.headers['access-control-allow-origin']).toBeUndefined();
    expect(request.headers['access-control-allow-credentials']).toBeUndefined();
    expect(request.headers['vary']).toBe('Origin');
  });

  it("never lets a tenant's origin reach the sign-in provider (cookie sessions) with credentials", async () => {
    const preflight = call(cors, 'OPTIONS', 'https://crm.acme.example', { url: '/oidc/token' });
    await preflight.finished;
    expect(preflight.status).toBe(403);
    const request = call(cors, 'GET', 'https://crm.acme.example', { url: '/oidc/auth?client_id=crm-web' });
    await request.finished;
    expect(request.handled).toBe(true);
    expect(request.headers['access-control-allow-origin']).toBeUndefined();
    expect(request.headers['access-control-allow-credentials']).toBeUndefined();
    // the global list still applies there
    const global = call(cors, 'OPTIONS', 'https://app.example.com', { url: '/oidc/token' });
    await global.finished;
    expect(global.status).toBe(204);
  });

  it('allows PUT in preflights (attachment uploads) and exposes the rate-limit and download headers', async () => {
    const preflight = call(cors, 'OPTIONS', 'https://crm.acme.example');
    await preflight.finished;
    expect(preflight.headers['access-control-allow-methods']).toBe('GET, POST, PUT, OPTIONS');
    expect(preflight.headers['access-control-allow-credentials']).toBe('true');
    const request = call(cors, 'GET', 'https://crm.acme.example');
    await request.finished;
    expect(String(request.headers['access-control-expose-headers'])).toMatch(/ratelimit-limit.*etag, content-disposition/);
  });

  it('does not hold globally allowed or unknown origins to a tenant', async () => {
    const global = call(cors, 'POST', 'https://app.example.com');
    await global.finished;
    await expect(cors.checkTenant(global.request, who('globex'))).resolves.toBeUndefined();
    const unknown = call(cors, 'POST', 'https://evil.example');
    await unknown.finished;
    expect(unknown.handled).toBe(true);
    expect(unknown.headers['access-control-allow-origin']).toBeUndefined();
    await expect(cors.checkTenant(unknown.request, who('globex'))).resolves.toBeUndefined();
  });
});
