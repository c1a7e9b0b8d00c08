/**
 * Holds a response body while its ETag is computed: in memory up to a limit, then in a temporary
 * file, so a large CSV export costs bounded memory. The body is then streamed to the client (or
 * dropped for a 304).
 */
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createReadStream } from 'node:fs';
import { mkdtemp, open, rm, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Writable } from 'node:stream';
import { etagOf } from './etag.ts';

export const DEFAULT_SPOOL_MEMORY_BYTES = 8 * 1024 * 1024;

export class Spool {
  private readonly hash = createHash('sha256');
  private chunks: Buffer[] = [];
  private buffered = 0;
  private file: { dir: string; path: string; handle: FileHandle | null } | null = null;
  /** Bytes written so far. */
  size = 0;

  constructor(private readonly memoryBytes = DEFAULT_SPOOL_MEMORY_BYTES) {}

  async write(text: string): Promise<void> {
    const bytes = Buffer.from(text, 'utf8');
    this.hash.update(bytes);
    this.size += bytes.length;
    if (!this.file && this.buffered + bytes.length <= this.memoryBytes) {
      this.chunks.push(bytes);
      this.buffered += bytes.length;
      return;
    }
    if (!this.file) {
      const dir = await mkdtemp(join(tmpdir(), 'crm-bi-'));
      const path = join(dir, 'body');
      this.file = { dir, path, handle: await open(path, 'w', 0o600) };
      for (const chunk of this.chunks) await this.file.handle!.write(chunk);
      this.chunks = [];
      this.buffered = 0;
    }
    await this.file.handle!.write(bytes);
  }

  /** The strong ETag of everything written; call once, after the last write. */
  etag(): string {
    return etagOf(this.hash);
  }

  /** Streams the body into `out` (without ending it when it is still in memory and empty). */
  async pipeTo(out: Writable): Promise<void> {
    if (this.file) {
      await this.file.handle?.close();
      this.file.handle = null;
      await pipeline(createReadStream(this.file.path), out);
      return;
    }
    for (const chunk of this.chunks) {
      if (!out.write(chunk)) await once(out, 'drain');
    }
    out.end();
  }

  /** Frees the memory and removes the temporary file, if any. */
  async dispose(): Promise<void> {
    this.chunks = [];
    if (!this.file) return;
    await this.file.handle?.close().catch(() => undefined);
    await rm(this.file.dir, { recursive: true, force: true });
    this.file = null;
  }
}
