import type { IncomingMessage, ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { useCors } from './useCors.ts';

function call(cors: ReturnType<typeof useCors>, method: string, origin?: string) {
  const headers: Record<string, string | number> = {};
  let status = 0;
  let handled = false;
  const res = {
    setHeader: (name: string, value: string) => void (headers[name] = value),
    writeHead: (code: number, extra: Record<string, string | number>) => {
      status = code;
      Object.assign(headers, extra);
    },
    end: () => {},
  } as unknown as ServerResponse;
  cors.wrap(() => void (handled = true))({ method, headers: origin ? { origin } : {} } as IncomingMessage, res);
  return { status, headers, handled };
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
