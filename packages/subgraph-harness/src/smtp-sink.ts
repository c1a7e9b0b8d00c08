/**
 * A real SMTP server in the test process (`smtp-server`) that keeps what it receives: tests send
 * e-mail over TCP exactly as production does and read the messages back. `reply` decides the
 * answer to each message (accept, or an SMTP error such as 451 or 550).
 */
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  /** Envelope recipients. */
  recipients: string[];
  /** Header values by lowercased name (folded lines joined). */
  headers: Record<string, string>;
  /** The decoded text body. */
  text: string;
  /** The id this sink gave the message in its 250 reply (`queued as <id>`). */
  queueId: string;
}

/** How the sink answers one message: accept, or refuse with an SMTP reply code. */
export type SinkReply = { accept: true } | { accept: false; code: number; message: string };

export interface SmtpSink {
  url: string;
  port: number;
  received: ReceivedMail[];
  /** Messages refused so far. */
  refused: number;
  /** Decides the reply to the n-th message (0-based, counting refused ones). Default: accept all. */
  reply: (attempt: number, mail: Omit<ReceivedMail, 'queueId'>) => SinkReply;
  close(): Promise<void>;
}

function parseMessage(raw: string): { headers: Record<string, string>; text: string } {
  const split = raw.indexOf('\r\n\r\n');
  const head = split === -1 ? raw : raw.slice(0, split);
  const body = split === -1 ? '' : raw.slice(split + 4);
  const headers: Record<string, string> = {};
  for (const line of head.replace(/\r\n[ \t]+/g, ' ').split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const encoding = headers['content-transfer-encoding']?.toLowerCase();
  let text = body;
  if (encoding === 'quoted-printable') {
    const bytes = Buffer.from(body.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16))), 'latin1');
    text = bytes.toString('utf8');
  } else if (encoding === 'base64') {
    text = Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  }
  return { headers, text: text.replace(/\r\n/g, '\n').replace(/\n$/, '') };
}

export async function startSmtpSink(): Promise<SmtpSink> {
  let attempts = 0;
  const sink: Omit<SmtpSink, 'url' | 'port' | 'close'> = { received: [], refused: 0, reply: () => ({ accept: true }) };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const parsed = parseMessage(Buffer.concat(chunks).toString('latin1'));
        const mail = { recipients: session.envelope.rcptTo.map((rcpt) => rcpt.address), ...parsed };
        const answer = sink.reply(attempts++, mail);
        if (!answer.accept) {
          sink.refused++;
          callback(Object.assign(new Error(answer.message), { responseCode: answer.code }));
          return;
        }
        const queueId = `Q${attempts}${Math.random().toString(36).slice(2, 8).toUpperCase()}`;
        sink.received.push({ ...mail, queueId });
        callback(null, `OK: queued as ${queueId}`);
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return Object.assign(sink as SmtpSink, {
    port,
    url: `smtp://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}
