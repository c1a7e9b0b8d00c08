export * from './identity.ts';
export * from './errors.ts';
export * from './cache.ts';
export * from './logger.ts';
export * from './http.ts';
export * from './subgraph.ts';
export * from './metrics.ts';
export * from './internal-route.ts';
