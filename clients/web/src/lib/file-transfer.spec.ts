import { describe, expect, it } from 'vitest';
import { apiFileUrl, datedFileName, downloadFile, exportUrl, fileNameOf, fileRequestError, FileRequestError, uploadCsv, uploadUrl } from './file-transfer.ts';

describe('file URLs', () => {
  it('sit beside the GraphQL endpoint', () => {
    expect(apiFileUrl('https://crm.example/graphql', '/imports/abc/errors.csv')).toBe('https://crm.example/imports/abc/errors.csv');
    expect(apiFileUrl('https://api.example/v1/graphql', '/imports/abc/errors.csv')).toBe('https://api.example/v1/imports/abc/errors.csv');
    expect(uploadUrl('https://crm.example/graphql', 'LEAD', 'trade fair.csv')).toBe('https://crm.example/imports?entity=LEAD&fileName=trade+fair.csv');
  });

  it('carry the list’s filter and order as JSON', () => {
    const url = new URL(exportUrl('https://crm.example/graphql', 'contacts', { and: [{ lifecycleStage: { eq: 'CUSTOMER' } }] }, [{ field: 'EMAIL', direction: 'ASC' }]));
    expect(url.pathname).toBe('/exports/contacts.csv');
    expect(JSON.parse(url.searchParams.get('filter')!)).toEqual({ and: [{ lifecycleStage: { eq: 'CUSTOMER' } }] });
    expect(JSON.parse(url.searchParams.get('orderBy')!)).toEqual([{ field: 'EMAIL', direction: 'ASC' }]);
    expect(exportUrl('https://crm.example/graphql', 'leads', undefined, [])).toBe('https://crm.example/exports/leads.csv');
  });
});

describe('file names', () => {
  it('come from Content-Disposition, else the fallback', () => {
    expect(fileNameOf('attachment; filename="contacts.csv"', 'x.csv')).toBe('contacts.csv');
    expect(fileNameOf("attachment; filename*=UTF-8''M%C3%BCller%20list.csv", 'x.csv')).toBe('Müller list.csv');
    expect(fileNameOf('attachment; filename=../../evil.csv', 'x.csv')).toBe('.._.._evil.csv');
    expect(fileNameOf('attachment', 'x.csv')).toBe('x.csv');
    expect(fileNameOf(null, 'x.csv')).toBe('x.csv');
    expect(datedFileName('accounts', new Date('2026-11-26T17:00:00Z'))).toBe('accounts-2026-11-26.csv');
  });
});

describe('refused requests', () => {
  it('carry the API’s message and code', () => {
    const error = fileRequestError(400, JSON.stringify({ errors: [{ message: 'Row 2, column 2: a quoted field is never closed', extensions: { code: 'BAD_USER_INPUT', field: 'file' } }] }));
    expect(error).toMatchObject({ message: 'Row 2, column 2: a quoted field is never closed', status: 400, code: 'BAD_USER_INPUT', field: 'file' });
  });

  it('say something plain when the body is not the API’s', () => {
    expect(fileRequestError(401, '').message).toMatch(/sign-in has expired/);
    expect(fileRequestError(413, '<html>').message).toMatch(/too large/);
    expect(fileRequestError(502, '<html>').message).toMatch(/status 502/);
  });
});

describe('requests', () => {
  it('upload with the session’s token as text/csv', async () => {
    const seen: Array<{ url: string; init: RequestInit }> = [];
    const fetchStub = (async (url: string, init: RequestInit) => {
      seen.push({ url, init });
      return new Response(JSON.stringify({ id: 'j1', columns: ['a'], delimiter: ',', totalRows: 1 }), { status: 201 });
    }) as unknown as typeof fetch;
    const result = await uploadCsv({ fetch: fetchStub, authorization: 'Bearer t' }, 'https://crm.example/imports?entity=CONTACT', new Blob(['a\n1\n']));
    expect(result).toEqual({ id: 'j1', columns: ['a'], delimiter: ',', totalRows: 1 });
    expect(seen[0]!.init.method).toBe('POST');
    expect(seen[0]!.init.headers).toEqual({ 'content-type': 'text/csv', authorization: 'Bearer t' });
  });

  it('reject with the API’s reason, or a network message', async () => {
    const refused = (async () => new Response(JSON.stringify({ errors: [{ message: 'Not found', extensions: { code: 'NOT_FOUND' } }] }), { status: 404 })) as unknown as typeof fetch;
    await expect(downloadFile({ fetch: refused, authorization: 'Bearer t' }, 'https://x/imports/1/errors.csv', 'e.csv')).rejects.toMatchObject({ message: 'Not found', code: 'NOT_FOUND', status: 404 });
    const offline = (async () => {
      throw new TypeError('Failed to fetch');
    }) as unknown as typeof fetch;
    await expect(downloadFile({ fetch: offline, authorization: 'Bearer t' }, 'https://x/e.csv', 'e.csv')).rejects.toBeInstanceOf(FileRequestError);
  });

  it('download the file under the name the server gives', async () => {
    const ok = (async () => new Response('row,column\n', { status: 200, headers: { 'content-disposition': 'attachment; filename="import-errors.csv"' } })) as unknown as typeof fetch;
    const { blob, fileName } = await downloadFile({ fetch: ok, authorization: 'Bearer t' }, 'https://x/e.csv', 'fallback.csv');
    expect(fileName).toBe('import-errors.csv');
    expect(await blob.text()).toBe('row,column\n');
  });
});
