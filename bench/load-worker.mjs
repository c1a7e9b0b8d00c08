// Load generator run in a worker thread (plain JS so the worker needs no TypeScript loader),
// so it does not share the event loop with the servers it measures. Closed loop (N connections,
// as fast as answers come) or open loop (a fixed request rate). POST with `body`, GET without. A
// request counts as an error unless it gets the expected `status` (default 200; 304 for
// conditional GETs) and, with a body, no GraphQL errors. Posts back the latencies.
import { parentPort, workerData } from 'node:worker_threads';

async function once(spec, result) {
  const started = performance.now();
  try {
    const response = await fetch(spec.url, spec.body === undefined ? { headers: spec.headers } : { method: 'POST', headers: spec.headers, body: spec.body });
    const text = await response.text();
    if (response.status !== (spec.status ?? 200) || text.includes('"errors"')) result.errors++;
  } catch {
    result.errors++;
  }
  result.latenciesMs.push(performance.now() - started);
  result.requests++;
}

async function run(spec) {
  const result = { requests: 0, errors: 0, elapsedMs: 0, latenciesMs: [] };
  const start = performance.now();
  const end = start + spec.durationMs;
  if (spec.rate) {
    const interval = 1000 / spec.rate;
    const inflight = [];
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

parentPort.postMessage(await run(workerData));
