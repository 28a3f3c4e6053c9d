import { defineConfig } from 'vitest/config';

/**
 * The demo app in Debian's Chromium (playwright-core), two windows per test, against a real server
 * named by TIDEMARK_URL; DemoBrowserIT starts one (packaged jar, embedded PostgreSQL) and runs this.
 */
export default defineConfig({
  test: {
    include: ['test/browser/**/*.test.ts'],
    environment: 'node',
    testTimeout: 90_000,
    hookTimeout: 60_000,
    fileParallelism: false,
  },
});
