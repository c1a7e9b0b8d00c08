/**
 * The forecast snapshot job of the sales process: once an hour it takes today's snapshot of every
 * tenant that has none yet (see `takeSnapshot`), so "change since last week" has a snapshot to
 * compare with. A forecast read also takes today's snapshot when the job has not yet.
 */
import { intervalJob, type IntervalJob, type Logger } from '@crm/runtime';
import type { PrismaClient } from '../../../__generated__/prisma/client.ts';
import { snapshotTenants, takeSnapshot } from './forecasting.ts';

/** `start` runs now, then every `intervalMs` until `stop`. */
export interface ForecastSnapshotJob extends IntervalJob {
  /** Takes today's snapshot (or that of the day of `now`) for every tenant lacking one; returns the tenants snapshotted. */
  runOnce(now?: Date): Promise<string[]>;
  /** Takes one tenant's snapshot for the day of `now` unless it exists; true when taken now. */
  take(tenantId: string, now?: Date): Promise<boolean>;
}

export interface ForecastSnapshotJobOptions {
  prisma: PrismaClient;
  logger: Logger;
  /** Default one hour. */
  intervalMs?: number;
}

export function createForecastSnapshotJob(options: ForecastSnapshotJobOptions): ForecastSnapshotJob {
  const { prisma, logger } = options;
  const intervalMs = options.intervalMs ?? 3_600_000;

  const runOnce = async (now = new Date()): Promise<string[]> => {
    const taken: string[] = [];
    for (const tenantId of await snapshotTenants(prisma, now)) {
      try {
        if (await takeSnapshot(prisma, tenantId, now)) taken.push(tenantId);
      } catch (error) {
        logger.warn({ err: error, tenantId }, 'forecast snapshot failed');
      }
    }
    if (taken.length > 0) logger.info({ tenants: taken.length }, 'forecast snapshots taken');
    return taken;
  };

  return {
    ...intervalJob(() => runOnce(), { intervalMs, logger, failure: 'forecast snapshot run failed', immediately: true }),
    runOnce,
    take: (tenantId, now = new Date()) => takeSnapshot(prisma, tenantId, now),
  };
}
