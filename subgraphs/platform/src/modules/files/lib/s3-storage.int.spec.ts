/**
 * The S3 storage against a real S3-compatible server running in this process (`s3rver`, on the
 * loopback interface, its objects in a temporary directory), with the AWS SDK's own signing.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import S3rver from 's3rver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createS3Storage } from './s3-storage.ts';
import { storageKeyOf, StoredFileMissing } from './storage.ts';
import { UploadMeter, UploadTooLarge } from './upload-meter.ts';

let server: S3rver;
let dir: string;
let storage: ReturnType<typeof createS3Storage>;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'crm-s3-'));
  server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: dir, configureBuckets: [{ name: 'crm-files' }] });
  const { port } = await server.run();
  storage = createS3Storage({
    bucket: 'crm-files',
    endpoint: `http://127.0.0.1:${port}`,
    region: 'us-east-1',
    accessKeyId: 'S3RVER',
    secretAccessKey: 'S3RVER',
    forcePathStyle: true,
    prefix: 'attachments/',
  });
});
afterAll(async () => {
  storage?.close();
  await server?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('S3 storage', () => {
  it('streams an object in, reads the same bytes back and deletes it', async () => {
    const key = storageKeyOf(randomUUID(), randomUUID());
    const bytes = randomBytes(300_000);
    // a stream in several chunks, as an upload arrives
    await storage.put(key, Readable.from([bytes.subarray(0, 100_000), bytes.subarray(100_000)]), { size: bytes.length, contentType: 'application/pdf' });
    const read = await buffer(await storage.get(key));
    expect(read.equals(bytes)).toBe(true);
    await storage.delete(key);
    await expect(storage.get(key)).rejects.toBeInstanceOf(StoredFileMissing);
  });

  it('stores nothing when the body fails midway', async () => {
    const key = storageKeyOf(randomUUID(), randomUUID());
    const failing = new Readable({
      read() {
        this.push(Buffer.alloc(1000, 1));
        this.destroy(new Error('client went away'));
      },
    });
    await expect(storage.put(key, failing, { size: 5000, contentType: 'text/plain' })).rejects.toThrow();
    await expect(storage.get(key)).rejects.toBeInstanceOf(StoredFileMissing);
  });

  it('stores nothing when an upload sends more bytes than granted', async () => {
    const key = storageKeyOf(randomUUID(), randomUUID());
    const meter = new UploadMeter(2000, 'application/pdf');
    const failure = new Promise((resolve) => meter.once('error', resolve));
    Readable.from([Buffer.from('%PDF-1.7 '), Buffer.alloc(1500, 0x41), Buffer.alloc(1500, 0x41)]).pipe(meter);
    await expect(storage.put(key, meter, { size: 2000, contentType: 'application/pdf' })).rejects.toBeInstanceOf(UploadTooLarge);
    expect(await failure).toBeInstanceOf(UploadTooLarge);
    await expect(storage.get(key)).rejects.toBeInstanceOf(StoredFileMissing);
  });

  it('refuses keys that are not <tenant>/<attachment>', async () => {
    await expect(storage.get('../etc/passwd')).rejects.toThrow(/Invalid storage key/);
  });
});
