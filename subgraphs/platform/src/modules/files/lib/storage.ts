/**
 * Where attachment bytes live. Keys are `<tenantId>/<attachmentId>` (checked, never a path a
 * caller chose). `put` streams: it never holds a whole file in memory, and a body that fails
 * midway (too many bytes, client gone) leaves nothing behind.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export interface FileStorage {
  /** `local` or `s3`, for logs and the README's wording. */
  readonly kind: string;
  /** Stores `body` under `key`; rejects (storing nothing) when the body errors. */
  put(key: string, body: Readable, info: { size: number; contentType: string }): Promise<void>;
  /** The stored bytes; rejects with `StoredFileMissing` when there are none. */
  get(key: string): Promise<Readable>;
  /** Removes the bytes; no error when there are none. */
  delete(key: string): Promise<void>;
}

export class StoredFileMissing extends Error {
  constructor(key: string) {
    super(`No stored file ${key}`);
    this.name = 'StoredFileMissing';
  }
}

const KEY = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function storageKeyOf(tenantId: string, attachmentId: string): string {
  const key = `${tenantId}/${attachmentId}`;
  assertKey(key);
  return key;
}

export function assertKey(key: string): void {
  if (!KEY.test(key)) throw new Error(`Invalid storage key ${JSON.stringify(key)}`);
}

/** Files under `directory` (created when missing), written to a `.partial` file and renamed once whole. */
export function createLocalDiskStorage(directory: string): FileStorage {
  const root = resolve(directory);
  const pathOf = (key: string) => {
    assertKey(key);
    return join(root, key);
  };
  return {
    kind: 'local',
    async put(key, body) {
      const path = pathOf(key);
      await mkdir(dirname(path), { recursive: true });
      const partial = `${path}.partial`;
      try {
        await pipeline(body, createWriteStream(partial, { flags: 'w', mode: 0o600 }));
        await rename(partial, path);
      } catch (error) {
        await rm(partial, { force: true });
        throw error;
      }
    },
    async get(key) {
      const path = pathOf(key);
      try {
        await stat(path);
      } catch {
        throw new StoredFileMissing(key);
      }
      return createReadStream(path);
    },
    async delete(key) {
      await rm(pathOf(key), { force: true });
    },
  };
}
