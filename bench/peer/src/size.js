/**
 * The size of one run: full by default, tiny with BENCH_SIZE=smoke (what `./mvnw verify` runs, to
 * prove the harness still runs; its numbers measure nothing). Each value can be overridden by an
 * environment variable named after it, e.g. BENCH_SCOPE_ROWS=100000 or BENCH_SECONDS=60.
 */
const FULL = {
  scopeRows: 10_000, // users of the scoped list (members of one group, seen by its owner)
  eqRows: 9_000, // of them, the rows sharing one email (the list by `eq` on an indexed column)
  listWarmup: 10,
  listRuns: 100,
  lookupWarmup: 100,
  lookupRuns: 1_000,
  oneScopeSubscribers: 1_000,
  oneScopeWritesPerSecond: 10,
  distinctSubscribers: 5_000,
  distinctWritesPerSecond: 200,
  warmupSeconds: 5,
  seconds: 20,
  drainSeconds: 15,
  quietSeconds: 60, // at most, after a measurement, for the server to work off what it still does
};

const SMOKE = {
  scopeRows: 50,
  eqRows: 45,
  listWarmup: 1,
  listRuns: 5,
  lookupWarmup: 1,
  lookupRuns: 10,
  oneScopeSubscribers: 5,
  oneScopeWritesPerSecond: 5,
  distinctSubscribers: 10,
  distinctWritesPerSecond: 10,
  warmupSeconds: 1,
  seconds: 1,
  drainSeconds: 5,
  quietSeconds: 3,
};

/** BENCH_FOO_BAR for fooBar. */
function variable(key) {
  return 'BENCH_' + key.replace(/[A-Z]/g, (c) => '_' + c).toUpperCase();
}

/** The sizes of this run, with `smoke` true for the tiny one. */
export function runSize(env = process.env) {
  const smoke = env.BENCH_SIZE === 'smoke';
  if (env.BENCH_SIZE && !['smoke', 'full'].includes(env.BENCH_SIZE)) {
    throw new Error(`BENCH_SIZE must be smoke or full; got '${env.BENCH_SIZE}'`);
  }
  const size = { ...(smoke ? SMOKE : FULL) };
  for (const key of Object.keys(size)) {
    const text = env[variable(key)];
    if (text === undefined) continue;
    const value = Number(text);
    if (!Number.isInteger(value) || value < 0) throw new Error(`${variable(key)} must be a whole number; got '${text}'`);
    size[key] = value;
  }
  if (size.eqRows >= size.scopeRows) throw new Error('BENCH_EQ_ROWS must be below BENCH_SCOPE_ROWS (the scope owner is not one of them)');
  return { ...size, smoke };
}
