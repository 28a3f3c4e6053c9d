import { defineConfig } from 'vitest/config';

/** Unit tests: in-process fakes only (fake-indexeddb), beside their sources; and the fault test's own bookkeeping. */
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/faults/*.spec.ts'],
    environment: 'node',
    testTimeout: 10_000,
  },
});
