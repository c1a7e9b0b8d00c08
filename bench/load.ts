/**
 * A small HTTP load generator run in a worker thread, so it does not share the event loop
 * with the servers it measures. Closed loop (N connections, as fast as answers come) or
 * open loop (a fixed request rate). Prints nothing; returns latencies.
 */
import { parentPort, workerData } from 'node:worker_threads';

export interface LoadSpec {
  url: string;
  body: string;
  headers: Record<string, string>;
  durationMs: number;
  /** Closed loop: concurrent connections. */
  connections?: number;
  /** Open loop: requests per second. */
  rate?: number;
}

export interface LoadResult {
  requests: number;
  errors: number;
  elapsedMs: number;
  latenciesMs: number[];
}

async function once(spec: LoadSpec, result: LoadResult) {
  const started = performance.now();
  try {
    const response = await fetch(spec.url, { method: 'POST', headers: spec.headers, body: spec.body });
    const text = await response.text();
    if (response.status !== 200 || text.includes('"errors"')) result.errors++;
  } catch {
    result.errors++;
  }
  result.latenciesMs.push(performance.now() - started);
  result.requests++;
}

async function run(spec: LoadSpec): Promise<LoadResult> {
  const result: LoadResult = { requests: 0, errors: 0, elapsedMs: 0, latenciesMs: [] };
  const start = performance.now();
  const end = start + spec.durationMs;
  if (spec.rate) {
    const interval = 1000 / spec.rate;
    const inflight: Promise<void>[] = [];
    for (let i = 0; ; i++) {
      const due = start + i * interval;
      if (due >= end) break;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      inflight.push(once(spec, result));
    }
    await Promise.all(inflight);
  } else {
    await Promise.all(
      Array.from({ length: spec.connections ?? 16 }, async () => {
        while (performance.now() < end) await once(spec, result);
      }),
    );
  }
  result.elapsedMs = performance.now() - start;
  return result;
}

if (parentPort && workerData) {
  parentPort.postMessage(await run(workerData as LoadSpec));
}
