export * from './client.ts';
export * from './stack.ts';
export * from './seed.ts';
