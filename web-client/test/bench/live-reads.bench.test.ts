/**
 * `npm run bench:live-reads`: a live list of BENCH_ROWS User rows (10,000 by default) on a local
 * replica (no server); prints how long a one-row change takes to reach the list, how many rows it
 * hands back as new objects, and how many reads writes to another table start. It asserts no time.
 */
import { expect, test } from 'vitest';
import { describeLiveReads, measureLiveReads } from './live-reads.js';

const ROWS = Number(process.env.BENCH_ROWS ?? 10_000);
const CHANGES = Number(process.env.BENCH_CHANGES ?? 20);

test(`a live list of ${ROWS} rows`, async () => {
  const numbers = await measureLiveReads(ROWS, CHANGES);
  console.log(describeLiveReads(numbers));
  expect(numbers.readsForOtherTable).toBe(0);
}, 600_000);
