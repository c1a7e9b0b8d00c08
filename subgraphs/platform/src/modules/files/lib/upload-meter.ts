/**
 * The stream an upload passes through on its way to storage: counts bytes (never more than the
 * granted size), hashes them, and holds the first bytes back until they match the declared type.
 */
import { createHash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { sniffMismatch, SNIFF_BYTES } from './content-types.ts';

export class UploadTooLarge extends Error {
  constructor(readonly limit: number) {
    super(`The upload is larger than the ${limit} bytes it was granted`);
    this.name = 'UploadTooLarge';
  }
}

export class UploadIncomplete extends Error {
  constructor(
    readonly received: number,
    readonly expected: number,
  ) {
    super(`The upload ended after ${received} of ${expected} bytes`);
    this.name = 'UploadIncomplete';
  }
}

export class UploadTypeMismatch extends Error {
  constructor(reason: string) {
    super(`The file was refused: ${reason}`);
    this.name = 'UploadTypeMismatch';
  }
}

export class UploadMeter extends Transform {
  bytes = 0;
  private readonly hash = createHash('sha256');
  private head: Buffer[] = [];
  private headBytes = 0;
  private released = false;

  constructor(
    private readonly size: number,
    private readonly contentType: string,
  ) {
    super();
  }

  /** SHA-256 (hex) of everything that passed; call once the stream has ended. */
  digest(): string {
    return this.hash.digest('hex');
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.size) return callback(new UploadTooLarge(this.size));
    this.hash.update(chunk);
    if (this.released) return callback(null, chunk);
    this.head.push(chunk);
    this.headBytes += chunk.length;
    if (this.headBytes < SNIFF_BYTES) return callback();
    callback(this.release());
  }

  override _flush(callback: TransformCallback): void {
    const refused = this.released ? null : this.release();
    if (refused) return callback(refused);
    if (this.bytes < this.size) return callback(new UploadIncomplete(this.bytes, this.size));
    callback();
  }

  private release(): Error | null {
    const head = Buffer.concat(this.head);
    this.head = [];
    this.released = true;
    const mismatch = sniffMismatch(this.contentType, head.subarray(0, SNIFF_BYTES));
    if (mismatch) return new UploadTypeMismatch(mismatch);
    this.push(head);
    return null;
  }
}
