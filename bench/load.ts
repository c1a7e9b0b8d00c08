/** Types of the load generator in `load-worker.mjs`. */
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
