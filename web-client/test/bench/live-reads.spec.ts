import { expect, test } from 'vitest';
import { describeLiveReads, measureLiveReads } from './live-reads.js';

test('the live-reads benchmark runs (at 200 rows: its numbers measure nothing)', async () => {
  const numbers = await measureLiveReads(200, 3);
  expect(describeLiveReads(numbers)).toContain('live list of 200 rows');
  expect(numbers.newObjectsPerChange).toBe(1);
  expect(numbers.readsForOtherTable).toBe(0);
});
