/**
 * The five subgraphs as they are deployed: each its own process (`subgraphs/<domain>/src/main.ts`,
 * configured from the environment as in k8s), on real PostgreSQL (`DATABASE_URL_<DOMAIN>` and
 * `MIGRATION_DATABASE_URL_<DOMAIN>`, from scripts/lib/real-env.sh) and Kafka. Their consumer groups
 * carry a suffix of this run and start at the end of their topics, so a broker shared with other
 * runs is not replayed. Benchmarks use it to measure the deployed topology: every subgraph has an
 * event loop of its own, and each one's memory can be read apart.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DOMAINS, type Domain } from '@crm/stack';
import { freePort } from './gateway-process.ts';

export interface DeployablesOptions {
  /** HMAC secret shared with the gateway (the one the seeding stack used, so its tokens stay valid). */
  signingSecret: string;
  /** Key that encrypts webhook secrets at rest (integration); 32 bytes. */
  webhookSecretKey: Buffer;
  kafkaBrokers: string[];
  /** The gateway's origin as the subgraphs reach it (records checks, attachment checks). */
  gatewayOrigin: string;
  /** Public OpenID Connect issuer (the gateway's origin + `/oidc`). */
  oidcIssuer: string;
  /** Where `DATABASE_URL_<DOMAIN>` and `MIGRATION_DATABASE_URL_<DOMAIN>` are read. Default `process.env`. */
  source?: NodeJS.ProcessEnv;
}

export interface Deployables {
  /** Each subgraph's GraphQL url. */
  urls: Record<Domain, string>;
  ports: Record<Domain, number>;
  /** Suffix of this run's Kafka consumer groups. */
  groupSuffix: string;
  /** Resident memory of each subgraph process, bytes (from /proc). */
  rss(): Promise<Record<Domain, number>>;
  /** SIGTERM to every process, then waits for them to exit (SIGKILL after 10 s). */
  stop(): Promise<void>;
}

const mainOf = (domain: Domain) => fileURLToPath(new URL(`../subgraphs/${domain}/src/main.ts`, import.meta.url));

async function rssOf(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) * 1024;
}

export async function startDeployables(options: DeployablesOptions): Promise<Deployables> {
  const source = options.source ?? process.env;
  const missing = DOMAINS.flatMap((d) => [`DATABASE_URL_${d.toUpperCase()}`, `MIGRATION_DATABASE_URL_${d.toUpperCase()}`]).filter((name) => !source[name]);
  if (missing.length > 0) throw new Error(`set ${missing.join(', ')} (source scripts/lib/real-env.sh)`);
  const groupSuffix = `.bench-${randomBytes(4).toString('hex')}`;
  const scratch = await mkdtemp(join(tmpdir(), 'crm-deployables-'));
  const ports = Object.fromEntries(await Promise.all(DOMAINS.map(async (d) => [d, await freePort()] as const))) as Record<Domain, number>;
  const urls = Object.fromEntries(DOMAINS.map((d) => [d, `http://127.0.0.1:${ports[d]}/graphql`])) as Record<Domain, string>;
  // e.g. BENCH_SUBGRAPH_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" to profile the subgraphs
  const nodeArgs = (process.env.BENCH_SUBGRAPH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  // e.g. BENCH_SUBGRAPH_LOG_DIR=/tmp/logs (with LOG_LEVEL=warn): each subgraph's log in <dir>/<domain>.log
  const logDir = process.env.BENCH_SUBGRAPH_LOG_DIR;

  function environmentOf(domain: Domain): NodeJS.ProcessEnv {
    const upper = domain.toUpperCase();
    const common: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_ENV: process.env.NODE_ENV ?? 'production',
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
      PORT: String(ports[domain]),
      HOST: '127.0.0.1',
      DATABASE_URL: source[`DATABASE_URL_${upper}`],
      MIGRATION_DATABASE_URL: source[`MIGRATION_DATABASE_URL_${upper}`],
      KAFKA_BROKERS: options.kafkaBrokers.join(','),
      KAFKA_GROUP_SUFFIX: groupSuffix,
      KAFKA_NEW_GROUPS_START: 'latest',
      GATEWAY_SIGNING_SECRET: options.signingSecret,
    };
    switch (domain) {
      case 'platform':
        return {
          ...common,
          OIDC_ISSUER: options.oidcIssuer,
          GATEWAY_INTERNAL_URL: options.gatewayOrigin,
          MAIL_DIR: join(scratch, 'mail'),
          FILES_DIR: join(scratch, 'files'),
          DATA_DIR: join(scratch, 'platform'),
        };
      case 'sales':
        return { ...common, PLATFORM_URL: urls.platform, GATEWAY_INTERNAL_URL: options.gatewayOrigin, DATA_DIR: join(scratch, 'sales') };
      case 'analytics':
        return { ...common, DATA_DIR: join(scratch, 'analytics') };
      case 'integration':
        return { ...common, WEBHOOK_SECRET_KEY: options.webhookSecretKey.toString('base64'), ALLOW_INSECURE_WEBHOOK_URLS: 'true' };
      case 'customer':
        return common;
    }
  }

  const environments = Object.fromEntries(DOMAINS.map((d) => [d, environmentOf(d)] as const)) as Record<Domain, NodeJS.ProcessEnv>;
  const children = new Map<Domain, { child: ChildProcess; exited: Promise<unknown>; stderr: () => string }>();
  for (const domain of DOMAINS) {
    const log = logDir ? openSync(join(logDir, `${domain}.log`), 'a') : 'ignore';
    const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', mainOf(domain)], { env: environments[domain], stdio: ['ignore', log, 'pipe'] });
    if (typeof log === 'number') closeSync(log); // the child has its own copy
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-4_000);
    });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    children.set(domain, { child, exited, stderr: () => stderr });
  }

  async function stop(): Promise<void> {
    await Promise.all(
      [...children.values()].map(async ({ child, exited }) => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }),
    );
    await rm(scratch, { recursive: true, force: true });
  }

  try {
    await Promise.all(
      DOMAINS.map(async (domain) => {
        const { child, stderr } = children.get(domain)!;
        const deadline = Date.now() + 120_000;
        for (;;) {
          const ready = await fetch(`http://127.0.0.1:${ports[domain]}/ready`).then((r) => r.ok, () => false);
          if (ready) return;
          if (child.exitCode !== null || Date.now() > deadline) {
            throw new Error(`the ${domain} subgraph process did not become ready (exit ${child.exitCode}): ${stderr()}`);
          }
          await new Promise((r) => setTimeout(r, 200));
        }
      }),
    );
  } catch (error) {
    await stop();
    throw error;
  }

  return {
    urls,
    ports,
    groupSuffix,
    async rss() {
      const entries = await Promise.all(DOMAINS.map(async (d) => [d, await rssOf(children.get(d)!.child.pid!)] as const));
      return Object.fromEntries(entries) as Record<Domain, number>;
    },
    stop,
  };
}
