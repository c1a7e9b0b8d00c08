import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createMailTransport, messageIdOf, queueIdOf } from './mail-transport.ts';

let directory: string | null = null;
afterEach(async () => {
  if (directory) await rm(directory, { recursive: true, force: true });
});

describe('file transport (embedded default)', () => {
  it('writes each e-mail as an .eml file named after it', async () => {
    directory = join(await mkdtemp(join(tmpdir(), 'crm-mail-')), 'mail');
    const transport = createMailTransport({ kind: 'file', directory });
    const email = { id: '6f1c2f8e-2a43-4c2c-9a59-0b8c3c1d2e3f', from: 'CRM <no-reply@crm.localhost>', to: 'ivy@example.com', subject: 'Hello', text: 'Accept: https://crm.test/x' };
    expect(await transport.send(email)).toEqual({ providerMessageId: `<${email.id}@crm.localhost>` });
    expect(await readdir(directory)).toEqual([`${email.id}.eml`]);
    const eml = await readFile(join(directory, `${email.id}.eml`), 'utf8');
    expect(eml).toContain('To: ivy@example.com');
    expect(eml).toContain('Subject: Hello');
    expect(eml).toContain(`Message-ID: <${email.id}@crm.localhost>`);
    expect(eml).toContain('Accept: https://crm.test/x');
    transport.close();
  });
});

describe('message ids', () => {
  it('derive the Message-ID from the e-mail and read the queue id from a 250 reply', () => {
    expect(messageIdOf({ id: 'e1', from: 'CRM <no-reply@mail.example.com>' })).toBe('<e1@mail.example.com>');
    expect(messageIdOf({ id: 'e1', from: 'no-reply@example.org' })).toBe('<e1@example.org>');
    expect(queueIdOf('250 2.0.0 Ok: queued as 4BQ1X52kqz')).toBe('4BQ1X52kqz');
    expect(queueIdOf('250 Ok 0100018c-aaaa id=<abc@email.amazonses.com>')).toBe('abc@email.amazonses.com');
    expect(queueIdOf('250 OK')).toBeNull();
  });
});
