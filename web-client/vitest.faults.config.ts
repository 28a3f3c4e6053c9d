import { defineConfig } from 'vitest/config';

/**
 * The client fault test (test/faults/): real clients (fake-indexeddb, ws) against two packaged
 * server instances (TIDEMARK_JAR) on a PostgreSQL cluster of its own, under seeded random faults.
 * Runs, seeds and replays are set by FAULTS_* variables (README, "Fault test").
 */
export default defineConfig({
  test: {
    include: ['test/faults/**/*.test.ts'],
    environment: 'node',
    testTimeout: 0,
    hookTimeout: 300_000,
    fileParallelism: false,
    // One process, as a browser holds its tabs: the tabs of one replica share fake-indexeddb's factory.
    pool: 'forks',
    // Progress lines as they happen: a long run takes hours.
    disableConsoleIntercept: true,
  },
});
