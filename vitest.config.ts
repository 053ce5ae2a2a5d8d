import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Unit tests run the catalog and the runtime from source, so a node edited a
// moment ago is the one the runtime executes (and NodeError is one class, not
// dist's and src's). Node tests reach the runtime through its test entry,
// @pipewright/server/testing (server/package.json), which is built for tsc and
// read from source here. The package's subpath entries (the studio's
// descriptions, the contracts) come before the catalog's: an alias also
// matches the paths below its name.
const fromSource = {
  '@pipewright/nodes/descriptions': fileURLToPath(new URL('./nodes/descriptions.ts', import.meta.url)),
  '@pipewright/nodes/contracts': fileURLToPath(new URL('./nodes/contracts/index.ts', import.meta.url)),
  '@pipewright/nodes': fileURLToPath(new URL('./nodes/index.ts', import.meta.url)),
  '@pipewright/server/testing': fileURLToPath(new URL('./server/src/runtime/testing.ts', import.meta.url)),
};

// Three projects: fast units beside the code, integration against a real
// PostgreSQL + worker, and browser tests against the built studio.
export default defineConfig({
  test: {
    projects: [
      {
        resolve: { alias: fromSource },
        test: {
          name: 'unit',
          include: ['nodes/**/*.test.ts', 'server/src/**/*.test.ts', 'studio/src/**/*.test.ts'],
          exclude: ['**/node_modules/**', '**/dist/**'],
          testTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          testTimeout: 180_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          testTimeout: 300_000,
          hookTimeout: 300_000,
          fileParallelism: false,
          // What a page shows settles within a second on a quiet machine; CI's two busy cores once took longer
          // to lay out the opened example (expect.poll's own default is 1 s).
          expect: { poll: { timeout: 10_000 } },
        },
      },
    ],
  },
});
