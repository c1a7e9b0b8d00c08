/**
 * Embedded PostgreSQL (PGlite) for the one-command start: one instance per data folder, shared by every
 * client in the process (PGlite cannot open a folder twice), plus a driver adapter factory fit for
 * Prisma Client and the schema engine.
 */
import { mkdir, readdir } from 'node:fs/promises';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import {
  DriverAdapterError,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
} from '@prisma/driver-adapter-utils';
import { PrismaPGlite } from 'pglite-prisma-adapter';

interface SharedInstance {
  pglite: Promise<PGlite>;
  users: number;
}

const instances = new Map<string, SharedInstance>();

let pristine: Promise<Blob> | undefined;

/**
 * A snapshot of a freshly initialised cluster, taken once per process. Creating a database normally
 * runs `initdb` (seconds); restoring this snapshot takes well under a second, which keeps shadow
 * databases, tests and the first embedded start fast.
 */
function pristineCluster(): Promise<Blob> {
  pristine ??= (async () => {
    const pglite = await PGlite.create('memory://');
    try {
      return await pglite.dumpDataDir('none');
    } finally {
      await pglite.close();
    }
  })();
  pristine.catch(() => {
    pristine = undefined;
  });
  return pristine;
}

/** A fresh, empty in-memory database. */
export async function createMemoryPglite(): Promise<PGlite> {
  return PGlite.create('memory://', { loadDataDir: await pristineCluster() });
}

async function openFolder(dataDir: string): Promise<PGlite> {
  await mkdir(dataDir, { recursive: true });
  const empty = (await readdir(dataDir)).length === 0;
  return empty ? PGlite.create(dataDir, { loadDataDir: await pristineCluster() }) : PGlite.create(dataDir);
}

/** `memory://` (optionally `memory://<name>`) is a fresh in-memory database on every call. */
export function isMemoryDataDir(dataDir: string): boolean {
  return dataDir.startsWith('memory://');
}

/** Opens (or joins) the PGlite instance of `dataDir`; release it with the returned function. */
export async function acquirePglite(dataDir: string): Promise<{ pglite: PGlite; release: () => Promise<void> }> {
  if (isMemoryDataDir(dataDir)) {
    const pglite = await createMemoryPglite();
    return { pglite, release: () => pglite.close() };
  }
  const key = path.resolve(dataDir);
  let shared = instances.get(key);
  if (!shared) {
    const opening = openFolder(key);
    shared = { pglite: opening, users: 0 };
    instances.set(key, shared);
    opening.catch(() => instances.delete(key));
  }
  shared.users += 1;
  const entry = shared;
  const pglite = await entry.pglite;
  let released = false;
  return {
    pglite,
    release: async () => {
      if (released) return;
      released = true;
      entry.users -= 1;
      if (entry.users === 0 && instances.get(key) === entry) {
        instances.delete(key);
        await pglite.close();
      }
    },
  };
}

function toDriverError(error: unknown): unknown {
  if (error instanceof Error && 'severity' in error && typeof (error as { code?: unknown }).code === 'string') {
    const pg = error as Error & { code: string; severity: string; detail?: string; column?: string; hint?: string };
    return new DriverAdapterError({
      kind: 'postgres',
      code: pg.code,
      severity: pg.severity,
      message: pg.message,
      detail: pg.detail,
      column: pg.column,
      hint: pg.hint,
      originalCode: pg.code,
      originalMessage: pg.message,
    });
  }
  return error;
}

/**
 * The published adapter starts `executeScript` without awaiting it (errors would surface as unhandled
 * rejections and migrations would race ahead), and never closes its shadow databases. This fixes both.
 */
function withAwaitedScripts(inner: SqlDriverAdapter, pglite: PGlite, onDispose?: () => Promise<void>): SqlDriverAdapter {
  const adapter: SqlDriverAdapter = {
    provider: inner.provider,
    adapterName: inner.adapterName,
    queryRaw: (query) => inner.queryRaw(query),
    executeRaw: (query) => inner.executeRaw(query),
    executeScript: async (script) => {
      try {
        await pglite.exec(script);
      } catch (error) {
        throw toDriverError(error);
      }
    },
    startTransaction: (isolationLevel) => inner.startTransaction(isolationLevel),
    dispose: async () => {
      await inner.dispose();
      await onDispose?.();
    },
  };
  if (inner.getConnectionInfo) adapter.getConnectionInfo = inner.getConnectionInfo.bind(inner);
  return adapter;
}

/** Driver adapter factory over one PGlite instance; each shadow database is a new in-memory PGlite. */
export function pgliteAdapterFactory(pglite: PGlite): SqlMigrationAwareDriverAdapterFactory {
  const inner = new PrismaPGlite(pglite);
  return {
    provider: inner.provider,
    adapterName: inner.adapterName,
    connect: async () => withAwaitedScripts(await inner.connect(), pglite),
    connectToShadowDb: async () => {
      const shadow = await createMemoryPglite();
      return withAwaitedScripts(await new PrismaPGlite(shadow).connect(), shadow, () => shadow.close());
    },
  };
}
