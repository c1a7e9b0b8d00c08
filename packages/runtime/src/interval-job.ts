/**
 * A background job that runs every `intervalMs` in this process: runs never overlap (a tick while
 * one is running is skipped), a failed run is logged and the next tick tries again, the timer never
 * keeps the process alive, and `stop` waits for the run in progress.
 */
import type { Logger } from './logger.ts';

export interface IntervalJob {
  /** Starts the timer (and, with `immediately`, a first run now). Starting twice changes nothing. */
  start(): void;
  /** Stops the timer and waits for the run in progress. */
  stop(): Promise<void>;
}

export interface IntervalJobOptions {
  intervalMs: number;
  logger: Logger;
  /** Log message of a failed run, e.g. `activity reminder run failed`. */
  failure: string;
  /** Run once at `start` too. Default false. */
  immediately?: boolean;
}

export function intervalJob(run: () => Promise<unknown>, { intervalMs, logger, failure, immediately = false }: IntervalJobOptions): IntervalJob {
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<unknown> | null = null;
  const tick = () => {
    if (running) return;
    running = run()
      .catch((error: unknown) => logger.warn({ err: error }, failure))
      .finally(() => {
        running = null;
      });
  };
  return {
    start() {
      if (timer) return;
      if (immediately) tick();
      timer = setInterval(tick, intervalMs);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = null;
      await running;
    },
  };
}
