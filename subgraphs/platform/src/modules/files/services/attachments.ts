/**
 * Attachments: files on records of other subgraphs (contacts, accounts, leads, deals, activities).
 *
 * 1. `createUpload` (as the caller): checks through the gateway that the caller may read the
 *    record, checks name, type, size and the tenant's storage quota (plan limit, pending uploads
 *    included, one tenant at a time), writes a PENDING attachment and signs a single-use upload URL.
 * 2. `receive` (the gateway's `PUT /files/uploads/<token>`): claims the attachment once
 *    (PENDING → UPLOADING), streams the body to storage through `UploadMeter` (exact size, type
 *    sniffing, SHA-256), runs the virus scanner, and ends AVAILABLE, INFECTED or REJECTED.
 *    Refused or flagged bytes are deleted.
 * 3. `openDownload` (the gateway's `GET /files/<id>?sig=`): an AVAILABLE attachment's bytes.
 *
 * Events (outbox, same transaction): `platform.attachment.uploaded`, `platform.attachment.infected`,
 * `platform.attachment.deleted`.
 */
import type { Readable } from 'node:stream';
import { z } from 'zod';
import { can, hasAdminRole, principalOf } from '@crm/authz';
import { withTenantTransaction, type TxClient } from '@crm/db';
import { appendOutbox, createEvent } from '@crm/events';
import { AppError, ErrorCode, HttpError, forbidden, notFound, type Identity, type Logger } from '@crm/runtime';
import type { Prisma, PrismaClient } from '../../../__generated__/prisma/client.ts';
import type { AttachmentModel } from '../../../__generated__/prisma/models.ts';
import type { TenantDb } from '../../../context.ts';
import { isUuid, parseInput, recordId as parseRecordId } from '../../../lib/arguments.ts';
import { actorOf, SYSTEM_ACTOR, type Actor } from '../../../lib/events.ts';
import { storageBytesOf } from '../../tenants/lib/plan-storage.ts';
import { baseContentType } from '../lib/content-types.ts';
import { RECORD_TYPES, RecordAccessUnavailable, type RecordAccess, type RecordType } from '../lib/record-access.ts';
import type { VirusScanner } from '../lib/scanner.ts';
import { fileKey, signDownload, signUploadToken, verifyDownload, verifyUploadToken } from '../lib/signed-urls.ts';
import { storageKeyOf, type FileStorage } from '../lib/storage.ts';
import { UploadIncomplete, UploadMeter, UploadTooLarge, UploadTypeMismatch } from '../lib/upload-meter.ts';

export const UPLOAD_ROUTE = '/files/uploads/';
export const DOWNLOAD_ROUTE = '/files/';

export interface FilesConfig {
  /** Largest file, bytes. */
  maxFileBytes: number;
  /** Accepted media types (lower-case, without parameters). */
  allowedContentTypes: readonly string[];
  /** How long an upload URL works, ms. */
  uploadTtlMs: number;
  /** How long a download URL works, ms. */
  downloadTtlMs: number;
  /** Per-plan overrides of the storage quota, bytes (`PLAN_STORAGE_BYTES` otherwise). */
  planStorageBytes: Readonly<Partial<Record<string, number>>>;
}

export interface CreateUploadInput {
  recordType: RecordType;
  recordId: string;
  fileName: string;
  contentType: string;
  size: number;
}

export interface AttachmentUpload {
  attachment: AttachmentModel;
  /** Path on the API's origin (the gateway): `PUT` the bytes there, exactly `size` of them. */
  uploadUrl: string;
  expiresAt: Date;
}

/** What the upload route answers. */
export interface ReceivedUpload {
  attachment: AttachmentModel;
}

export interface DownloadFile {
  attachment: AttachmentModel;
  body: Readable;
}

/** Attachment ids to store-keys removed in a transaction; delete the bytes once it commits. */
export type RemovedFiles = string[];

export interface AttachmentService {
  readonly config: FilesConfig;
  createUpload(identity: Identity, input: CreateUploadInput): Promise<AttachmentUpload>;
  /** Refusals throw `FileRefusal` (status, code and extensions for the route). */
  receive(token: string, body: Readable, contentLength: number | null): Promise<ReceivedUpload>;
  /** Listed attachments of each `<recordType>:<recordId>` key, newest first (one query). */
  listForRecords(db: TenantDb, keys: readonly string[]): Promise<AttachmentModel[][]>;
  /** A signed download path for an AVAILABLE attachment, else null. */
  downloadUrl(attachment: AttachmentModel): string | null;
  /** Refusals throw `FileRefusal`. */
  openDownload(attachmentId: string, sig: string): Promise<DownloadFile>;
  delete(identity: Identity, id: string): Promise<AttachmentModel>;
  /** Removes a record's attachment rows in `tx` (personal-data erasure); returns the storage keys to delete after commit. */
  removeForRecord(tx: TxClient<PrismaClient>, recordType: RecordType, recordId: string): Promise<RemovedFiles>;
  /** Deletes stored bytes (after the transaction that removed their rows committed). */
  deleteStored(keys: RemovedFiles): Promise<void>;
  /** Bytes the tenant stores or has reserved for uploads in progress. */
  usedBytes(tenantId: string): Promise<number>;
}

export interface AttachmentServiceDeps {
  prisma: PrismaClient;
  afterCommit: () => void;
  storage: FileStorage;
  scanner: VirusScanner;
  recordAccess: RecordAccess;
  signingSecret: string;
  config: FilesConfig;
  logger: Logger;
  clock?: () => Date;
}

/** Events of the files module. */
export const ATTACHMENT_UPLOADED = 'platform.attachment.uploaded';
export const ATTACHMENT_INFECTED = 'platform.attachment.infected';
export const ATTACHMENT_DELETED = 'platform.attachment.deleted';

export interface AttachmentEventPayload extends Record<string, unknown> {
  attachmentId: string;
  recordType: RecordType;
  recordId: string;
  fileName: string;
  contentType: string;
  size: number;
  status: string;
}

const payloadOf = (row: AttachmentModel): AttachmentEventPayload => ({
  attachmentId: row.id,
  recordType: row.recordType,
  recordId: row.recordId,
  fileName: row.fileName,
  contentType: row.contentType,
  size: row.size,
  status: row.status,
});

const RESOURCE_OF = { CONTACT: 'contact', ACCOUNT: 'account', LEAD: 'lead', DEAL: 'deal', ACTIVITY: 'activity' } as const satisfies Record<RecordType, string>;

/** Control characters and path separators become `_`; at most 255 characters. */
export function cleanFileName(name: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what a stored file name must not keep
  return name.normalize('NFC').replace(/[\u0000-\u001f\u007f/\\]/g, '_').trim().slice(0, 255);
}

/** A refusal of the upload or download route: HTTP status, error code and extensions for the answer. */
export class FileRefusal extends HttpError {
  constructor(
    status: number,
    code: string,
    message: string,
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(status, code, message);
    this.name = 'FileRefusal';
  }
}

const refused = (status: number, code: string, message: string, extensions: Record<string, unknown> = {}) => new FileRefusal(status, code, message, extensions);

export function createAttachmentService(deps: AttachmentServiceDeps): AttachmentService {
  const { prisma, storage, scanner, config, logger } = deps;
  const clock = deps.clock ?? (() => new Date());
  const key = fileKey(deps.signingSecret);
  const allowed = new Set(config.allowedContentTypes.map(baseContentType));

  const input = z.object({
    recordType: z.enum(RECORD_TYPES, { message: `recordType must be one of ${RECORD_TYPES.join(', ')}` }),
    recordId: z.string(),
    fileName: z
      .string()
      .transform(cleanFileName)
      .pipe(z.string().min(1, 'fileName must not be empty').max(255)),
    contentType: z
      .string()
      .max(200)
      .transform(baseContentType)
      .refine((type) => allowed.has(type), { message: `contentType is not accepted; accepted types: ${[...allowed].join(', ')}` }),
    size: z.number().int('size must be a whole number of bytes').min(1, 'size must be at least 1 byte'),
  });

  /** Sizes of attachments holding storage or reserved by an unexpired upload URL. */
  async function usedIn(tx: TxClient<PrismaClient>, tenantId: string): Promise<number> {
    const used = await tx.attachment.aggregate({
      _sum: { size: true },
      where: { tenantId, OR: [{ status: { in: ['UPLOADING', 'AVAILABLE'] } }, { status: 'PENDING', uploadExpiresAt: { gt: clock() } }] },
    });
    return used._sum.size ?? 0;
  }

  async function canRead(identity: Identity, recordType: RecordType, recordId: string): Promise<boolean> {
    try {
      return await deps.recordAccess.canRead(identity, recordType, recordId);
    } catch (error) {
      if (error instanceof RecordAccessUnavailable) {
        logger.warn({ err: error }, 'record access check failed');
        throw new AppError(ErrorCode.INTERNAL_SERVER_ERROR, 'The record could not be checked; retry shortly');
      }
      throw error;
    }
  }

  async function finish(tenantId: string, id: string, data: Prisma.AttachmentUpdateManyMutationInput, event?: string): Promise<AttachmentModel | null> {
    const row = await withTenantTransaction(prisma, tenantId, async (tx) => {
      const { count } = await tx.attachment.updateMany({ where: { id, status: 'UPLOADING' }, data });
      if (!count) return null;
      const updated = await tx.attachment.findUniqueOrThrow({ where: { id } });
      if (event) await appendOutbox(tx, createEvent<AttachmentEventPayload>({ type: event, tenantId, actor: updated.uploadedById ? { userId: updated.uploadedById, kind: 'user' } : SYSTEM_ACTOR, aggregateId: id, payload: payloadOf(updated) }));
      return updated;
    });
    if (row && event) deps.afterCommit();
    return row;
  }

  return {
    config,

    async createUpload(identity, raw) {
      if (!identity.tenantId) throw new AppError(ErrorCode.UNAUTHENTICATED, 'Authentication required');
      const tenantId = identity.tenantId;
      const data = parseInput(input, raw);
      const recordId = parseRecordId(data.recordId, 'recordId');
      if (data.size > config.maxFileBytes) {
        throw new AppError(ErrorCode.PAYLOAD_TOO_LARGE, `The file is larger than the ${config.maxFileBytes} bytes allowed`, { field: 'size', maxBytes: config.maxFileBytes });
      }
      // the record's own subgraph decides, through the gateway, as the caller; unreadable and unknown look the same
      if (!(await canRead(identity, data.recordType, recordId))) throw notFound(`${data.recordType.charAt(0)}${data.recordType.slice(1).toLowerCase()}`, recordId);

      const now = clock();
      const expiresAt = new Date(now.getTime() + config.uploadTtlMs);
      const attachment = await withTenantTransaction(prisma, tenantId, async (tx) => {
        // one quota decision at a time per tenant, so concurrent uploads cannot overshoot it
        await tx.$queryRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`attachments:${tenantId}`}::text, 0))::text`;
        const tenant = await tx.tenant.findUnique({ where: { id: tenantId }, select: { plan: true } });
        const quota = storageBytesOf(tenant?.plan ?? 'free', config.planStorageBytes);
        const used = await usedIn(tx, tenantId);
        if (used + data.size > quota) {
          throw new AppError(ErrorCode.QUOTA_EXCEEDED, `The tenant's storage quota (${quota} bytes, ${used} used) has no room for ${data.size} more bytes`, {
            quotaBytes: quota,
            usedBytes: used,
          });
        }
        const id = crypto.randomUUID();
        return tx.attachment.create({
          data: {
            id,
            tenantId,
            recordType: data.recordType,
            recordId,
            fileName: data.fileName,
            contentType: data.contentType,
            size: data.size,
            storageKey: storageKeyOf(tenantId, id),
            uploadedById: identity.userId && isUuid(identity.userId) ? identity.userId : null,
            uploadExpiresAt: expiresAt,
          },
        });
      });
      const token = signUploadToken(
        { attachmentId: attachment.id, tenantId, userId: attachment.uploadedById, size: attachment.size, contentType: attachment.contentType, expiresAt: expiresAt.getTime() },
        key,
      );
      return { attachment, uploadUrl: `${UPLOAD_ROUTE}${token}`, expiresAt };
    },

    async receive(token, body, contentLength) {
      const check = verifyUploadToken(token, key, clock().getTime());
      if (!check.ok) throw refused(403, ErrorCode.FORBIDDEN, check.reason === 'expired' ? 'This upload URL has expired; ask for a new one' : 'This upload URL is not valid');
      const grant = check.value;
      if (contentLength !== null && contentLength > grant.size) {
        throw refused(413, ErrorCode.PAYLOAD_TOO_LARGE, `The upload must be exactly ${grant.size} bytes, not ${contentLength}`, { maxBytes: grant.size });
      }
      if (contentLength !== null && contentLength < grant.size) {
        throw refused(400, ErrorCode.BAD_USER_INPUT, `The upload must be exactly ${grant.size} bytes, not ${contentLength}`);
      }
      const claimed = await withTenantTransaction(prisma, grant.tenantId, async (tx) => {
        const { count } = await tx.attachment.updateMany({ where: { id: grant.attachmentId, status: 'PENDING', uploadExpiresAt: { gt: clock() } }, data: { status: 'UPLOADING' } });
        return { count, row: await tx.attachment.findUnique({ where: { id: grant.attachmentId } }) };
      });
      if (!claimed.row) throw refused(404, ErrorCode.NOT_FOUND, 'The attachment no longer exists');
      if (!claimed.count) {
        if (claimed.row.status !== 'PENDING') throw refused(409, ErrorCode.CONFLICT, 'This upload URL has already been used');
        throw refused(403, ErrorCode.FORBIDDEN, 'This upload URL has expired; ask for a new one');
      }
      const row = claimed.row;
      const meter = new UploadMeter(row.size, row.contentType);
      // the first failure wins: the meter's refusal, or the body breaking off (the request itself
      // stays open, so the route can still answer)
      let failure: unknown;
      meter.on('error', (error) => {
        failure ??= error;
      });
      const brokeOff = () => {
        if (!body.readableEnded) meter.destroy(new UploadIncomplete(meter.bytes, row.size));
      };
      body.once('close', brokeOff);
      body.once('error', brokeOff);
      body.pipe(meter);
      try {
        await storage.put(row.storageKey, meter, { size: row.size, contentType: row.contentType });
      } catch (error) {
        body.unpipe(meter);
        const cause = failure ?? error;
        await storage.delete(row.storageKey).catch(() => undefined);
        const reason = cause instanceof Error ? cause.message : 'upload failed';
        await finish(grant.tenantId, row.id, { status: 'REJECTED', statusReason: reason.slice(0, 500) });
        if (cause instanceof UploadTooLarge) throw refused(413, ErrorCode.PAYLOAD_TOO_LARGE, cause.message, { maxBytes: row.size, status: 'REJECTED' });
        if (cause instanceof UploadTypeMismatch) throw refused(415, ErrorCode.BAD_USER_INPUT, cause.message, { status: 'REJECTED' });
        if (cause instanceof UploadIncomplete) throw refused(400, ErrorCode.BAD_USER_INPUT, cause.message, { status: 'REJECTED' });
        throw cause;
      } finally {
        body.off('close', brokeOff);
        body.off('error', brokeOff);
      }
      const sha256 = meter.digest();

      let verdict;
      try {
        verdict = await scanner.scan({ fileName: row.fileName, contentType: row.contentType, size: row.size, open: () => storage.get(row.storageKey) });
      } catch (error) {
        logger.error({ err: error, attachmentId: row.id }, 'virus scan failed; upload refused');
        await storage.delete(row.storageKey).catch(() => undefined);
        await finish(grant.tenantId, row.id, { status: 'REJECTED', sha256, statusReason: 'the virus scan could not run' });
        throw refused(503, 'SCAN_UNAVAILABLE', 'The file could not be scanned for viruses; upload it again later', { status: 'REJECTED' });
      }
      if (!verdict.clean) {
        await storage.delete(row.storageKey);
        const infected = await finish(grant.tenantId, row.id, { status: 'INFECTED', sha256, statusReason: verdict.detail }, ATTACHMENT_INFECTED);
        logger.warn({ attachmentId: row.id, tenantId: grant.tenantId, detail: verdict.detail }, 'upload flagged by the virus scanner');
        throw refused(422, ErrorCode.BAD_USER_INPUT, 'The file was flagged by the virus scanner and deleted', { status: infected?.status ?? 'INFECTED' });
      }
      const available = await finish(grant.tenantId, row.id, { status: 'AVAILABLE', sha256, statusReason: null }, ATTACHMENT_UPLOADED);
      if (!available) {
        // deleted while it was arriving
        await storage.delete(row.storageKey);
        throw refused(404, ErrorCode.NOT_FOUND, 'The attachment no longer exists');
      }
      return { attachment: available };
    },

    async listForRecords(db, keys) {
      const pairs = keys.map((k) => k.split(':') as [RecordType, string]);
      const ids = [...new Set(pairs.map(([, id]) => id).filter(isUuid).map((id) => id.toLowerCase()))];
      if (!ids.length) return keys.map(() => []);
      const rows = await db.attachment.findMany({
        where: { recordId: { in: ids }, OR: [{ status: { in: ['UPLOADING', 'AVAILABLE', 'INFECTED'] } }, { status: 'PENDING', uploadExpiresAt: { gt: clock() } }] },
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      });
      return pairs.map(([type, id]) => rows.filter((row) => row.recordType === type && row.recordId === id.toLowerCase()));
    },

    downloadUrl(attachment) {
      if (attachment.status !== 'AVAILABLE') return null;
      const expiresAt = clock().getTime() + config.downloadTtlMs;
      return `${DOWNLOAD_ROUTE}${attachment.id}?sig=${signDownload(attachment.id, attachment.tenantId, expiresAt, key)}`;
    },

    async openDownload(attachmentId, sig) {
      if (!isUuid(attachmentId)) throw refused(404, ErrorCode.NOT_FOUND, 'No such file');
      const id = attachmentId.toLowerCase();
      const check = verifyDownload(id, sig, key, clock().getTime());
      if (!check.ok) throw refused(403, ErrorCode.FORBIDDEN, check.reason === 'expired' ? 'This download URL has expired' : 'This download URL is not valid');
      const row = await withTenantTransaction(prisma, check.value.tenantId, (tx) => tx.attachment.findUnique({ where: { id } }));
      if (!row || row.tenantId !== check.value.tenantId) throw refused(404, ErrorCode.NOT_FOUND, 'No such file');
      if (row.status !== 'AVAILABLE') throw refused(404, ErrorCode.NOT_FOUND, `The file is not available (${row.status})`, { status: row.status });
      return { attachment: row, body: await storage.get(row.storageKey) };
    },

    async delete(identity, id) {
      if (!identity.tenantId) throw new AppError(ErrorCode.UNAUTHENTICATED, 'Authentication required');
      const tenantId = identity.tenantId;
      const attachmentId = parseRecordId(id);
      const row = await withTenantTransaction(prisma, tenantId, (tx) => tx.attachment.findUnique({ where: { id: attachmentId } }));
      if (!row) throw notFound('Attachment', attachmentId);
      const admin = hasAdminRole(identity.roles);
      const owner = identity.userId !== null && row.uploadedById === identity.userId;
      if (!admin && !owner) {
        const mayUpdate = can(principalOf({ ...identity, tenantId }), RESOURCE_OF[row.recordType], 'update');
        // an attachment of a record the caller cannot read does not exist for them
        if (!(await canRead(identity, row.recordType, row.recordId))) throw notFound('Attachment', attachmentId);
        if (!mayUpdate) throw forbidden(`Only the uploader, a tenant admin or someone who may update the ${RESOURCE_OF[row.recordType]} may delete its attachments`);
      }
      const actor: Actor = actorOf(identity);
      const removed = await withTenantTransaction(prisma, tenantId, async (tx) => {
        const { count } = await tx.attachment.deleteMany({ where: { id: attachmentId } });
        if (!count) return null;
        await appendOutbox(tx, createEvent<AttachmentEventPayload>({ type: ATTACHMENT_DELETED, tenantId, actor, aggregateId: attachmentId, payload: { ...payloadOf(row), status: 'DELETED' } }));
        return row;
      });
      if (!removed) throw notFound('Attachment', attachmentId);
      deps.afterCommit();
      await storage.delete(row.storageKey).catch((error: unknown) => logger.warn({ err: error, attachmentId }, 'stored file of a deleted attachment not removed'));
      return removed;
    },

    async removeForRecord(tx, recordType, recordId) {
      const rows = await tx.attachment.findMany({ where: { recordType, recordId }, select: { storageKey: true } });
      await tx.attachment.deleteMany({ where: { recordType, recordId } });
      return rows.map((row) => row.storageKey);
    },

    async deleteStored(keys) {
      for (const storageKey of keys) {
        await storage.delete(storageKey).catch((error: unknown) => logger.warn({ err: error, storageKey }, 'stored file not removed'));
      }
    },

    async usedBytes(tenantId) {
      return withTenantTransaction(prisma, tenantId, (tx) => usedIn(tx, tenantId));
    },
  };
}
