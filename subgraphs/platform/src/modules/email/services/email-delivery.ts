/**
 * E-mail delivery as the platform process runs it: the sender on a database pool of its own (one
 * connection on PostgreSQL; PGlite has a single session and shares it), so delivering a backlog
 * never takes connections from requests.
 */
import { openDatabase, type Database } from '@crm/db';
import type { Logger } from '@crm/runtime';
import { PrismaClient } from '../../../__generated__/prisma/client.ts';
import { createEmailSender, type EmailSender, type EmailSenderOptions } from './email-sender.ts';
import { createMailTransport, type MailConfig } from './mail-transport.ts';

export interface EmailDeliveryOptions extends Partial<Pick<EmailSenderOptions, 'intervalMs' | 'batchSize' | 'maxAttempts' | 'backoff' | 'leaseMs'>> {
  /** SMTP server or `.eml` folder. */
  transport: MailConfig;
  /** Public URL of the web app, for the links in e-mails. */
  appUrl: string;
  /** Default `CRM <no-reply@crm.localhost>`. */
  from?: string;
}

export const DEFAULT_MAIL_FROM = 'CRM <no-reply@crm.localhost>';

/** `shared`: the process's client of `database`, used as is on PGlite (one session, one client). */
export async function createEmailDelivery(database: Database, shared: PrismaClient, options: EmailDeliveryOptions, logger: Logger): Promise<EmailSender> {
  const own: Database | null = database.config.kind === 'postgres' ? await openDatabase({ ...database.config, poolSize: 1 }) : null;
  const prisma = own ? new PrismaClient({ adapter: own.adapter }) : shared;
  const { transport, appUrl, from, ...tuning } = options;
  const sender = createEmailSender({
    ...tuning,
    prisma,
    transport: createMailTransport(transport),
    logger: logger.child({ component: 'email-sender' }),
    from: from ?? DEFAULT_MAIL_FROM,
    appUrl,
  });
  return {
    ...sender,
    async stop() {
      await sender.stop();
      if (own) {
        await prisma.$disconnect();
        await own.close();
      }
    },
  };
}
