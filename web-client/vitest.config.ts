import { defineConfig } from 'vitest/config';

/**
 * Unit tests: in-process fakes only (fake-indexeddb; happy-dom for the React bindings'), beside
 * their sources; the fault test's own bookkeeping; the live-reads benchmark at a tiny size; and
 * the type-level tests (`*.test-d.ts`), which tsc checks: a line marked `@ts-expect-error` that
 * compiles fails the run.
 */
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'src/**/*.test.tsx', 'test/faults/*.spec.ts', 'test/bench/*.spec.ts'],
    environment: 'node',
    testTimeout: 10_000,
    typecheck: { enabled: true, include: ['src/**/*.test-d.ts'], tsconfig: './tsconfig.json' },
  },
});
