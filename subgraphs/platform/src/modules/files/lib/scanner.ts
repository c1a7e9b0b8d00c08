/**
 * The virus-scan hook: every upload is scanned after it is stored and before it becomes
 * AVAILABLE. The default lets everything through; `createCommandScanner` runs a command-line
 * scanner (e.g. `clamdscan --no-summary -` against a clamd daemon) with the file on its stdin.
 */
import { spawn } from 'node:child_process';
import type { Readable } from 'node:stream';

export type ScanVerdict = { clean: true } | { clean: false; detail: string };

export interface ScannedFile {
  fileName: string;
  contentType: string;
  size: number;
  /** A fresh stream of the stored bytes. */
  open(): Promise<Readable>;
}

export interface VirusScanner {
  /** The verdict; rejects when the scan itself fails (the upload is then refused, never let through). */
  scan(file: ScannedFile): Promise<ScanVerdict>;
}

export const allowAllScanner: VirusScanner = {
  scan: async () => ({ clean: true }),
};

export interface CommandScannerOptions {
  /** Run with `sh -c`; the file arrives on stdin. Exit 0 = clean, 1 = infected (clamdscan's convention), anything else = the scan failed. */
  command: string;
  /** Longest scan, ms. Default 60 000. */
  timeoutMs?: number;
}

const DETAIL_LIMIT = 500;

export function createCommandScanner(options: CommandScannerOptions): VirusScanner {
  const timeoutMs = options.timeoutMs ?? 60_000;
  return {
    async scan(file) {
      const input = await file.open();
      return new Promise<ScanVerdict>((resolve, reject) => {
        const child = spawn('sh', ['-c', options.command], { stdio: ['pipe', 'pipe', 'pipe'], timeout: timeoutMs });
        let output = '';
        const collect = (chunk: Buffer) => {
          if (output.length < DETAIL_LIMIT) output += chunk.toString('utf8');
        };
        child.stdout.on('data', collect);
        child.stderr.on('data', collect);
        // a scanner that stops reading early (it has seen enough) is not an error
        child.stdin.on('error', () => undefined);
        input.on('error', (error) => child.kill() && reject(error));
        input.pipe(child.stdin);
        child.on('error', reject);
        child.on('close', (code, signal) => {
          input.destroy();
          if (code === 0) resolve({ clean: true });
          else if (code === 1) resolve({ clean: false, detail: output.trim().slice(0, DETAIL_LIMIT) || 'flagged by the virus scanner' });
          else reject(new Error(`virus scanner exited with ${code ?? signal}: ${output.trim().slice(0, DETAIL_LIMIT)}`));
        });
      });
    },
  };
}
