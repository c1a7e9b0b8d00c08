/**
 * The gateway as it is deployed: its own process (`gateway/src/main.ts`, configured from the
 * environment as in k8s), in front of a stack's subgraphs, Kafka and Redis. Benchmarks that
 * measure the gateway use it so the gateway has an event loop of its own (in the stack it shares
 * one thread with the five subgraphs) and its memory can be read apart from theirs.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { DOMAINS, type Stack } from '@crm/stack';

export interface GatewayProcess {
  url: string;
  wsUrl: string;
  pid: number;
  /** Resident memory of the gateway process, bytes (from /proc). */
  rss(): Promise<number>;
  stop(): Promise<void>;
}

const MAIN = fileURLToPath(new URL('../gateway/src/main.ts', import.meta.url));

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/**
 * Starts a gateway process on the stack's subgraphs; `env` adds or overrides its variables (e.g.
 * `PORT`, chosen beforehand when the subgraphs must know the gateway's address, and `<DOMAIN>_URL`
 * for subgraphs that run elsewhere).
 */
export async function startGatewayProcess(stack: Stack, env: Record<string, string> = {}): Promise<GatewayProcess> {
  const port = env.PORT ? Number(env.PORT) : await freePort();
  const origin = new URL(stack.gatewayUrl).origin;
  // e.g. BENCH_GATEWAY_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" to profile the gateway
  const nodeArgs = (process.env.BENCH_GATEWAY_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child: ChildProcess = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', MAIN], {
    env: {
      ...process.env,
      NODE_ENV: process.env.NODE_ENV ?? 'production',
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
      PORT: String(port),
      HOST: '127.0.0.1',
      ...Object.fromEntries(DOMAINS.map((d) => [`${d.toUpperCase()}_URL`, stack.subgraphs[d].url])),
      JWKS_URL: `http://127.0.0.1:${stack.subgraphs.platform.port}/.well-known/jwks.json`,
      OIDC_ISSUER: `${origin}/oidc`,
      GATEWAY_SIGNING_SECRET: stack.config.signingSecret,
      KAFKA_BROKERS: (stack.config.kafkaBrokers ?? []).join(','),
      ...(stack.config.redisUrl ? { REDIS_URL: stack.config.redisUrl } : {}),
      ...env,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-4_000);
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}/graphql`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    const ready = await fetch(`http://127.0.0.1:${port}/ready`).then((r) => r.ok, () => false);
    if (ready) break;
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the gateway process did not become ready (exit ${child.exitCode}): ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    wsUrl: url.replace(/^http/, 'ws'),
    pid: child.pid!,
    async rss() {
      const status = await readFile(`/proc/${child.pid}/status`, 'utf8');
      const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
      return kb * 1024;
    },
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
