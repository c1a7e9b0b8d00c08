/**
 * Where sent e-mails go: an SMTP server (`SMTP_URL`, through nodemailer), or, on the embedded
 * default, `.eml` files in a folder (one file per e-mail, readable by any mail client), so the
 * product works on a bare machine.
 *
 * Every message carries the Message-ID `<outbound e-mail id@domain of the sender>`: should a
 * sender die after the server accepted a message but before recording it, the retry carries the
 * same id, and receiving servers and clients treat the two as one message.
 */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import nodemailer from 'nodemailer';

export type MailConfig =
  /** An SMTP server, e.g. `smtp://127.0.0.1:2525`, `smtps://user:pass@smtp.example.com`. */
  | { kind: 'smtp'; url: string }
  /** `.eml` files in `directory` (created when missing). */
  | { kind: 'file'; directory: string };

export interface OutgoingEmail {
  /** The `OutboundEmail` id (becomes the Message-ID). */
  id: string;
  from: string;
  to: string;
  subject: string;
  text: string;
}

export interface MailTransport {
  /** Hands the message over; resolves with the id the receiving side gave it. Rejects with nodemailer's errors (`responseCode`, `code`). */
  send(email: OutgoingEmail): Promise<{ providerMessageId: string }>;
  close(): void;
}

/** Connection, greeting and socket timeouts: a hung server fails the attempt well within a sender's lease. */
const SMTP_TIMEOUTS = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 };

export function messageIdOf(email: Pick<OutgoingEmail, 'id' | 'from'>): string {
  const domain = /@([^\s>]+)>?\s*$/.exec(email.from)?.[1] ?? 'crm.invalid';
  return `<${email.id}@${domain}>`;
}

/** The server's queue id in its 250 reply (`250 OK: queued as 1A2B3C`, `250 2.0.0 Ok: queued as 1A2B3C`, `250 Ok id=…`). */
export function queueIdOf(response: string): string | null {
  return /queued as\s+<?([^\s>]+)>?/i.exec(response)?.[1] ?? /\bid=<?([^\s>]+)>?/i.exec(response)?.[1] ?? null;
}

export function createMailTransport(config: MailConfig): MailTransport {
  return config.kind === 'smtp' ? smtpTransport(config.url) : fileTransport(config.directory);
}

function smtpTransport(url: string): MailTransport {
  const parsed = new URL(url);
  const transporter = nodemailer.createTransport({ url, ...SMTP_TIMEOUTS, ...(parsed.searchParams.get('pool') === 'true' ? { pool: true } : {}) });
  return {
    async send(email) {
      const messageId = messageIdOf(email);
      const info = await transporter.sendMail({ from: email.from, to: email.to, subject: email.subject, text: email.text, messageId });
      return { providerMessageId: queueIdOf(info.response) ?? info.messageId ?? messageId };
    },
    close: () => transporter.close(),
  };
}

function fileTransport(directory: string): MailTransport {
  const transporter = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  let ready: Promise<unknown> | null = null;
  return {
    async send(email) {
      ready ??= mkdir(directory, { recursive: true });
      await ready;
      const messageId = messageIdOf(email);
      const info = await transporter.sendMail({ from: email.from, to: email.to, subject: email.subject, text: email.text, messageId });
      const file = join(directory, `${email.id}.eml`);
      // Written whole, then renamed: a reader never sees half a message.
      await writeFile(`${file}.tmp`, info.message as Buffer);
      await rename(`${file}.tmp`, file);
      return { providerMessageId: messageId };
    },
    close: () => transporter.close(),
  };
}
