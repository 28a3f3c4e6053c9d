/**
 * The web client under faults: seeded random operations of four non-admin devices (one with two
 * tabs on one replica) and of other apps, with network, server, PostgreSQL, tab and token faults,
 * against two packaged server instances (TIDEMARK_JAR) on a PostgreSQL cluster of the test's own.
 *
 *   FAULTS_SEED (20261201), FAULTS_SEEDS (3), FAULTS_OPS (200): the runs (seed, seed+1, ...)
 *   FAULTS_REPLAY=<file>[,<file>...]: runs the operations failing runs recorded (target/client-faults/*.json)
 *   FAULTS_SHRINK_SECONDS (60): time spent shrinking each failing run; 0 prints the full run
 *   FAULTS_KEEP_GOING=1: a run goes on past its findings (to survey them all; nothing is shrunk)
 *   FAULTS_TRACE=<dir>: every sync and answer, WebSocket message and operation, and at a missing row
 *     its change log entries, written to <dir>/trace-*.jsonl (trace.ts)
 */
import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { Cluster } from './cluster.js';
import { opsFor, type Op } from './ops.js';
import { record, summary } from './report.js';
import { runOps, shrink, type RunResult } from './run.js';
import { SchemaFacts } from './schema-facts.js';

const env = process.env;
const FIRST_SEED = Number(env.FAULTS_SEED ?? 20261201);
const SEEDS = Number(env.FAULTS_SEEDS ?? 3);
const OPS = Number(env.FAULTS_OPS ?? 200);
const SHRINK_MS = Number(env.FAULTS_SHRINK_SECONDS ?? 60) * 1000;
const KEEP_GOING = env.FAULTS_KEEP_GOING === '1';

let cluster: Cluster;
let schema: SchemaFacts;
const say = (...lines: string[]): void => { for (const line of lines) console.log(line); };

beforeAll(async () => {
  const started = Date.now();
  cluster = await Cluster.start(2);
  schema = await SchemaFacts.read(cluster);
  say(`[faults] PostgreSQL :${cluster.postgres.port} and instances ${cluster.servers.map((s) => `${s.name} :${s.port}`).join(', ')} up in ${((Date.now() - started) / 1000).toFixed(1)}s`);
});

afterAll(async () => {
  await cluster?.stop();
});

test('the web client keeps its guarantees under network, server, database, tab and token faults', async () => {
  const failures: string[] = [];
  const started = Date.now();
  const check = async (label: string, seed: number | null, ops: Op[], replay: string, name = `seed-${seed}`): Promise<void> => {
    const result = await runOps(cluster, schema, ops, KEEP_GOING);
    say(...summary(label, result));
    if (result.failedAt === null) return;
    say(`  replay the whole run: ${replay}`);
    let minimal: RunResult = result;
    if (!KEEP_GOING && SHRINK_MS > 0) {
      say(`  shrinking for at most ${SHRINK_MS / 1000}s...`);
      minimal = await shrink((list, deadline) => runOps(cluster, schema, list, false, deadline), result, SHRINK_MS, say);
    }
    say(...record(name, seed, minimal));
    failures.push(`${label}: [${result.findings[0]!.invariant}] ${result.findings[0]!.detail}`);
  };
  if (env.FAULTS_REPLAY) {
    for (const file of env.FAULTS_REPLAY.split(',')) {
      const ops = (JSON.parse(readFileSync(file, 'utf8')) as { ops: Op[] }).ops;
      await check(`replay of ${file}`, null, ops, `FAULTS_REPLAY=${file} npm run test:faults`, `replay-${basename(file, '.json')}`);
    }
  } else {
    for (let seed = FIRST_SEED; seed < FIRST_SEED + SEEDS; seed++) {
      await check(`seed=${seed}`, seed, opsFor(seed, OPS), `FAULTS_SEED=${seed} FAULTS_SEEDS=1 FAULTS_OPS=${OPS} npm run test:faults`);
    }
  }
  const runs = env.FAULTS_REPLAY ? 'replays' : `${SEEDS} run(s) of ${OPS} operations`;
  say(`[faults] ${runs} in ${((Date.now() - started) / 1000).toFixed(1)}s: ${failures.length} failed`);
  expect(failures, 'runs whose invariants broke (details above)').toEqual([]);
});
