/**
 * Test projects, chosen by file suffix (HOUSE-STYLE.md):
 * - unit:  `*.spec.ts` beside the code, no services needed
 * - int:   `*.int.spec.ts` against real PostgreSQL, Redis and Kafka
 * - e2e:   `*.e2e.spec.ts` through the running gateway (whole product started in-process)
 * - fault: `*.fault.spec.ts` restarts shared services (Kafka), so it runs alone, last
 */
import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const exclude = ['**/node_modules/**', '**/.data/**', '**/__generated__/**'];

export default defineConfig({
  // One graphql-js for everyone: Apollo and graphql-ws load its CommonJS build, so source files must too
  // (two copies reject each other's schemas and errors).
  resolve: { alias: [{ find: /^graphql$/, replacement: createRequire(import.meta.url).resolve('graphql') }] },
  test: {
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    projects: [
      { extends: true, test: { name: 'unit', include: ['**/*.spec.ts'], exclude: [...exclude, '**/*.int.spec.ts', '**/*.e2e.spec.ts', '**/*.fault.spec.ts'] } },
      { extends: true, test: { name: 'int', include: ['**/*.int.spec.ts'], exclude } },
      { extends: true, test: { name: 'e2e', include: ['**/*.e2e.spec.ts'], exclude } },
      { extends: true, test: { name: 'fault', include: ['**/*.fault.spec.ts'], exclude, fileParallelism: false } },
    ],
  },
});
