import { defineConfig } from 'vitest/config';

/** Benchmarks against a real server (TIDEMARK_URL): `npm run bench:first-sync`. They print numbers; they assert no time. */
export default defineConfig({
  test: {
    include: ['test/bench/**/*.bench.test.ts'],
    environment: 'node',
    testTimeout: 3_600_000,
    hookTimeout: 60_000,
    fileParallelism: false,
    disableConsoleIntercept: true,
  },
});
