export * from './config.ts';
export * from './stack.ts';
export * from './environment.ts';
export * from './seed-demo.ts';
export * from './seed.ts';
export * from './extra-gateway.ts';
