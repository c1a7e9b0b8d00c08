// Board subscribers run in a worker thread (plain JS so the worker needs no TypeScript loader), so
// they do not share the event loop with the gateway they measure. Each opens one graphql-ws
// (graphql-transport-ws) connection with one pipelineBoard subscription, and records when each
// deal event arrives (epoch ms, sub-millisecond). Posts 'ready' once every connection is
// acknowledged and its subscription sent (the caller then waits for the gateway to register them
// all), how many events arrived so far when asked ('count'), and the receipts when told to 'stop'.
import { createRequire } from 'node:module';
import { parentPort, workerData } from 'node:worker_threads';

const WebSocket = createRequire(new URL('../gateway/package.json', import.meta.url))('ws');
const now = () => performance.timeOrigin + performance.now();

/** @type {{ wsUrl: string, query: string, subscribers: Array<{ token: string, pipelineId: string, tenant: number }> }} */
const spec = workerData;
const receipts = spec.subscribers.map(() => []);
const closes = [];
const sockets = [];

function open(subscriber, index) {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(spec.wsUrl, 'graphql-transport-ws');
    sockets.push(socket);
    let ready = false;
    socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${subscriber.token}` } })));
    socket.on('message', (data) => {
      const message = JSON.parse(String(data));
      if (message.type === 'connection_ack') {
        socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: spec.query, variables: { pipelineId: subscriber.pipelineId } } }));
        ready = true;
        resolve();
      } else if (message.type === 'next') {
        const event = message.payload?.data?.pipelineBoard;
        if (event) receipts[index].push([event.dealId, now()]);
      } else if (message.type === 'error') {
        reject(new Error(JSON.stringify(message.payload)));
      }
    });
    socket.on('close', (code) => {
      if (!ready) reject(new Error(`closed ${code} before subscribing`));
      else closes.push(code);
    });
    socket.on('error', () => {});
  });
}

// open in small batches so the handshakes do not all land in the same tick
for (let i = 0; i < spec.subscribers.length; i += 25) {
  await Promise.all(spec.subscribers.slice(i, i + 25).map((s, j) => open(s, i + j)));
}
parentPort.postMessage({ type: 'ready' });
parentPort.on('message', (message) => {
  if (message === 'count') {
    parentPort.postMessage({ type: 'count', received: receipts.reduce((n, r) => n + r.length, 0) });
    return;
  }
  if (message !== 'stop') return;
  const unexpectedCloses = closes.length;
  for (const socket of sockets) socket.close(1000);
  parentPort.postMessage({ type: 'receipts', receipts, unexpectedCloses });
});
