/**
 * `npm run bench:first-sync`: the first sync of a BENCH_ROWS-row scope (100,000 by default) against
 * the server at TIDEMARK_URL, pages of BENCH_PAGE_SIZE rows (the client's default, 2000); prints
 * the time to the first rows, to completion, and the peak memory. The integration suite runs it at
 * a small size (large-scope.test.ts).
 */
import { expect, test } from 'vitest';
import { admin, gql, SERVER } from '../integration/support.js';
import { describeNumbers, measureFirstSync } from './first-sync.js';

const ROWS = Number(process.env.BENCH_ROWS ?? 100_000);
const PAGE_SIZE = Number(process.env.BENCH_PAGE_SIZE ?? 2000);

test(`the first sync of a ${ROWS}-row scope`, async () => {
  const numbers = await measureFirstSync(SERVER, admin, gql, ROWS, PAGE_SIZE);
  console.log(describeNumbers(numbers));
  expect(numbers.firstRowsMs).toBeGreaterThan(0);
}, 3_600_000);
