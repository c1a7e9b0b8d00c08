/**
 * Attachments in an S3-compatible object store (AWS S3, MinIO, Ceph, R2…), with the AWS SDK.
 * Bodies are streamed with their exact length (known from the upload grant), so nothing is
 * buffered; checksums are only sent where the server requires them, which keeps the plain
 * streaming `PutObject` that every S3-compatible server understands.
 */
import { DeleteObjectCommand, GetObjectCommand, NoSuchKey, PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { Readable } from 'node:stream';
import { assertKey, StoredFileMissing, type FileStorage } from './storage.ts';

export interface S3StorageOptions {
  bucket: string;
  /** e.g. `https://s3.eu-west-1.amazonaws.com` or `http://minio:9000`; absent = AWS for `region`. */
  endpoint?: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** `http://host/bucket/key` instead of `http://bucket.host/key` (MinIO and most self-hosted servers). */
  forcePathStyle?: boolean;
  /** Prepended to every key, e.g. `crm/`. */
  prefix?: string;
}

export function createS3Storage(options: S3StorageOptions): FileStorage & { close(): void } {
  const client = new S3Client({
    region: options.region,
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    forcePathStyle: options.forcePathStyle ?? false,
    credentials: { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  const keyOf = (key: string) => {
    assertKey(key);
    return `${options.prefix ?? ''}${key}`;
  };
  return {
    kind: 's3',
    async put(key, body, info) {
      // the SDK does not watch its body: a body that fails (too many bytes, client gone) aborts the request
      const controller = new AbortController();
      let failure: unknown;
      const onError = (error: unknown) => {
        failure ??= error;
        controller.abort(error);
      };
      body.once('error', onError);
      try {
        await client.send(new PutObjectCommand({ Bucket: options.bucket, Key: keyOf(key), Body: body, ContentLength: info.size, ContentType: info.contentType }), {
          abortSignal: controller.signal,
        });
      } catch (error) {
        throw failure ?? error;
      } finally {
        body.off('error', onError);
      }
    },
    async get(key) {
      try {
        const answer = await client.send(new GetObjectCommand({ Bucket: options.bucket, Key: keyOf(key) }));
        if (!(answer.Body instanceof Readable)) throw new StoredFileMissing(key);
        return answer.Body;
      } catch (error) {
        if (error instanceof NoSuchKey || (error instanceof S3ServiceException && error.$metadata.httpStatusCode === 404)) throw new StoredFileMissing(key);
        throw error;
      }
    },
    async delete(key) {
      await client.send(new DeleteObjectCommand({ Bucket: options.bucket, Key: keyOf(key) }));
    },
    close() {
      client.destroy();
    },
  };
}
