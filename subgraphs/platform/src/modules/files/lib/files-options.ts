/**
 * Settings of attachments (the `files` module) and the adapters they choose: local disk or S3
 * storage, the virus scanner, and how a record's readability is checked.
 */
import { randomBytes } from 'node:crypto';
import { createLogger, type Logger } from '@crm/runtime';
import type { PrismaClient } from '../../../__generated__/prisma/client.ts';
import { createAttachmentService, type AttachmentService, type FilesConfig } from '../services/attachments.ts';
import { DEFAULT_ALLOWED_CONTENT_TYPES } from './content-types.ts';
import { gatewayRecordAccess, noRecordAccess, type RecordAccess } from './record-access.ts';
import { createS3Storage, type S3StorageOptions } from './s3-storage.ts';
import { allowAllScanner, createCommandScanner, type VirusScanner } from './scanner.ts';
import { createLocalDiskStorage, type FileStorage } from './storage.ts';

export const FILES_DEFAULTS = {
  maxFileBytes: 25 * 1024 * 1024,
  uploadTtlMs: 15 * 60_000,
  downloadTtlMs: 5 * 60_000,
  directory: '.data/files',
} as const;

export interface FilesOptions {
  /** Local-disk storage directory (used without `s3` and `storage`). Default `.data/files`. */
  directory?: string;
  /** S3-compatible storage instead of the local disk. */
  s3?: S3StorageOptions;
  /** Any other storage (tests). Takes precedence over `s3` and `directory`. */
  storage?: FileStorage;
  /** Largest file, bytes. Default 25 MiB. */
  maxFileBytes?: number;
  /** Accepted media types. Default `DEFAULT_ALLOWED_CONTENT_TYPES`. */
  allowedContentTypes?: readonly string[];
  /** Per-plan storage quota overrides, bytes (`PLAN_STORAGE_BYTES` otherwise). */
  planStorageBytes?: Readonly<Partial<Record<string, number>>>;
  /** A command-line scanner run with the file on stdin (`sh -c`; exit 1 = infected), e.g. `clamdscan --no-summary -`. */
  scanCommand?: string;
  /** Any other scanner (takes precedence over `scanCommand`). Default: every file is clean. */
  scanner?: VirusScanner;
  /** How long an upload URL works, ms. Default 15 minutes. */
  uploadTtlMs?: number;
  /** How long a download URL works, ms. Default 5 minutes. */
  downloadTtlMs?: number;
  /** The gateway (origin) that answers whether a caller may read a record. Without it and `recordAccess`, no upload is allowed. */
  gatewayUrl?: string;
  /** Replaces the gateway check (tests of the platform alone). */
  recordAccess?: RecordAccess;
}

export interface FilesDeps {
  prisma: PrismaClient;
  afterCommit: () => void;
  /** Signs upload and download URLs (a key derived from it) and the gateway calls. Default: random per process. */
  signingSecret?: string;
  logger?: Logger;
  options?: FilesOptions;
}

export function createFiles(deps: FilesDeps): { attachments: AttachmentService; storage: FileStorage; close(): void } {
  const options = deps.options ?? {};
  const signingSecret = deps.signingSecret ?? randomBytes(32).toString('base64url');
  const logger = (deps.logger ?? createLogger('platform', 'silent')).child({ module: 'files' });
  const s3 = !options.storage && options.s3 ? createS3Storage(options.s3) : undefined;
  const storage = options.storage ?? s3 ?? createLocalDiskStorage(options.directory ?? FILES_DEFAULTS.directory);
  const scanner = options.scanner ?? (options.scanCommand ? createCommandScanner({ command: options.scanCommand }) : allowAllScanner);
  const recordAccess = options.recordAccess ?? (options.gatewayUrl ? gatewayRecordAccess({ gatewayUrl: options.gatewayUrl, signingSecret }) : noRecordAccess);
  const config: FilesConfig = {
    maxFileBytes: options.maxFileBytes ?? FILES_DEFAULTS.maxFileBytes,
    allowedContentTypes: options.allowedContentTypes ?? DEFAULT_ALLOWED_CONTENT_TYPES,
    uploadTtlMs: options.uploadTtlMs ?? FILES_DEFAULTS.uploadTtlMs,
    downloadTtlMs: options.downloadTtlMs ?? FILES_DEFAULTS.downloadTtlMs,
    planStorageBytes: options.planStorageBytes ?? {},
  };
  const attachments = createAttachmentService({ prisma: deps.prisma, afterCommit: deps.afterCommit, storage, scanner, recordAccess, signingSecret, config, logger });
  return { attachments, storage, close: () => s3?.close() };
}
