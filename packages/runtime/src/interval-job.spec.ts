import { afterEach, describe, expect, it, vi } from 'vitest';
import { intervalJob } from './interval-job.ts';

const logger = { warn: vi.fn() } as unknown as Parameters<typeof intervalJob>[1]['logger'];

afterEach(() => {
  vi.useRealTimers();
});

describe('intervalJob', () => {
  it('runs on every tick, never two runs at once, and keeps going after a failure', async () => {
    vi.useFakeTimers();
    let release!: () => void;
    const calls: number[] = [];
    const run = vi.fn(async () => {
      calls.push(calls.length);
      if (calls.length === 1) await new Promise<void>((resolve) => (release = resolve));
      if (calls.length === 2) throw new Error('boom');
    });
    const job = intervalJob(run, { intervalMs: 100, logger, failure: 'run failed' });
    job.start();
    job.start();
    await vi.advanceTimersByTimeAsync(350);
    expect(run).toHaveBeenCalledTimes(1); // the first run is still going: later ticks are skipped
    release();
    await vi.advanceTimersByTimeAsync(100);
    expect(run).toHaveBeenCalledTimes(2);
    expect(logger.warn).toHaveBeenCalledWith(expect.objectContaining({ err: expect.any(Error) }), 'run failed');
    await vi.advanceTimersByTimeAsync(100);
    expect(run).toHaveBeenCalledTimes(3);
    await job.stop();
    await vi.advanceTimersByTimeAsync(500);
    expect(run).toHaveBeenCalledTimes(3);
  });

  it('runs at start when asked', async () => {
    const run = vi.fn(async () => undefined);
    const job = intervalJob(run, { intervalMs: 60_000, logger, failure: 'run failed', immediately: true });
    job.start();
    await job.stop();
    expect(run).toHaveBeenCalledTimes(1);
  });
});
