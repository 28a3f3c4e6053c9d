import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/**
 * Integration tests against a real server (real PostgreSQL, real graphql-transport-ws socket).
 * TIDEMARK_URL names it (http://localhost:PORT); WebClientIT starts one and runs this suite.
 */
export default defineConfig({
  // The tutorial's snippets import the package by its name, as an app does; here it is the sources.
  resolve: {
    alias: {
      '@tidemark/web-client/react': fileURLToPath(new URL('./src/react/index.ts', import.meta.url)),
      '@tidemark/web-client': fileURLToPath(new URL('./src/index.ts', import.meta.url)),
    },
  },
  test: {
    include: ['test/integration/**/*.test.ts', 'test/integration/**/*.test.tsx'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    fileParallelism: false,
  },
});
