// GraphQL requests sent from a worker thread, so the load generator does not share the event loop
// with the gateway. Every request gives up after `timeoutMs` (default 10 s, counted as an error),
// so an overloaded run still ends in bounded time. Lanes run side by side; each lane sends its requests one after the
// other, cycling through them. Closed loop: every lane as fast as answers come. Open loop: the
// requests of all lanes interleaved at a fixed rate, each sent once. Posts back, per request,
// when it was sent and answered (epoch ms), and the error of a failed one.
import { parentPort, workerData } from 'node:worker_threads';

const now = () => performance.timeOrigin + performance.now();

/** @type {{ url: string, lanes: Array<Array<{ body: string, token: string, key: string }>>, durationMs: number, rate?: number, timeoutMs?: number }} */
const spec = workerData;
const records = [];

async function send(item) {
  const sentAt = now();
  let ok;
  let error;
  try {
    const response = await fetch(spec.url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${item.token}` }, body: item.body, signal: globalThis.AbortSignal.timeout(spec.timeoutMs ?? 10_000) });
    const text = await response.text();
    ok = response.status === 200 && !text.includes('"errors"');
    if (!ok) error = `${response.status} ${text.slice(0, 300)}`;
  } catch (failure) {
    ok = false;
    error = String(failure);
  }
  records.push({ key: item.key, sentAt, answeredAt: now(), ok, ...(error ? { error } : {}) });
}

const start = performance.now();
const end = start + spec.durationMs;
if (spec.rate) {
  const items = [];
  for (let i = 0; items.length < spec.lanes.reduce((n, lane) => n + lane.length, 0); i++) {
    for (const lane of spec.lanes) if (lane[i]) items.push(lane[i]);
  }
  const interval = 1000 / spec.rate;
  const inflight = [];
  for (let i = 0; i < items.length; i++) {
    const due = start + i * interval;
    if (due >= end) break;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    inflight.push(send(items[i]));
  }
  await Promise.all(inflight);
} else {
  await Promise.all(
    spec.lanes.map(async (lane) => {
      for (let i = 0; performance.now() < end; i++) await send(lane[i % lane.length]);
    }),
  );
}
parentPort.postMessage({ records, elapsedMs: performance.now() - start });
