import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { etagOfText } from './etag.ts';
import { Spool } from './spool.ts';

async function drain(spool: Spool): Promise<string> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (chunk: Buffer) => chunks.push(chunk));
  await spool.pipeTo(out);
  return Buffer.concat(chunks).toString('utf8');
}

describe('Spool', () => {
  it('keeps small bodies in memory and tags the whole body', async () => {
    const spool = new Spool(1024);
    await spool.write('a,b\r\n');
    await spool.write('1,2\r\n');
    expect(spool.etag()).toBe(etagOfText('a,b\r\n1,2\r\n'));
    expect(spool.size).toBe(10);
    expect(await drain(spool)).toBe('a,b\r\n1,2\r\n');
    await spool.dispose();
  });

  it('moves to a temporary file past its memory limit and gives the same bytes back', async () => {
    const spool = new Spool(16);
    const parts = ['header\r\n', 'é'.repeat(10), '\r\n', 'x'.repeat(100)];
    for (const part of parts) await spool.write(part);
    expect(spool.etag()).toBe(etagOfText(parts.join('')));
    expect(spool.size).toBe(Buffer.byteLength(parts.join('')));
    expect(await drain(spool)).toBe(parts.join(''));
    await spool.dispose();
  });
});
