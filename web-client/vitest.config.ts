import { defineConfig } from 'vitest/config';

/** Unit tests: in-process fakes only (fake-indexeddb), beside their sources. */
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
    testTimeout: 10_000,
  },
});
