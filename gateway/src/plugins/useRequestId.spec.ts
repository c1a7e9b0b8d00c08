import type { IncomingMessage, ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { useRequestId } from './useRequestId.ts';

const request = (id?: string) => ({ headers: id === undefined ? {} : { 'x-request-id': id } }) as IncomingMessage;

describe('useRequestId', () => {
  const ids = useRequestId({ generate: () => 'generated' });

  it('keeps a sane incoming id', () => {
    expect(ids.resolve(request('abc-123-DEF'))).toBe('abc-123-DEF');
    expect(ids.resolve(request('a'.repeat(64)))).toBe('a'.repeat(64));
  });

  it('replaces missing, long or unsafe ids', () => {
    expect(ids.resolve(request())).toBe('generated');
    expect(ids.resolve(request('a'.repeat(65)))).toBe('generated');
    expect(ids.resolve(request('id with spaces'))).toBe('generated');
    expect(ids.resolve(request('id\r\nx-injected: 1'))).toBe('generated');
  });

  it('sets the id on the request and echoes it on the response', () => {
    const headers: Record<string, string> = {};
    const res = { setHeader: (name: string, value: string) => void (headers[name] = value) } as unknown as ServerResponse;
    const req = request('bad id');
    let seen: string | undefined;
    ids.wrap((r) => void (seen = r.headers['x-request-id'] as string))(req, res);
    expect(seen).toBe('generated');
    expect(headers['x-request-id']).toBe('generated');
  });
});
