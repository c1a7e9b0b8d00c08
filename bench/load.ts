/** Types of the load generator in `load-worker.mjs`. */
export interface LoadSpec {
  url: string;
  /** POSTed; without it, a GET. */
  body?: string;
  headers: Record<string, string>;
  /** The status every answer must have. Default 200 (304 for conditional GETs). */
  status?: number;
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
