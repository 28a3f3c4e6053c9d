/**
 * The one-row lookup only, for A/B work on Tidemark's per-request path: `npm run bench:lookup` in
 * bench/peer. Starts one PostgreSQL, PostGraphile and one Tidemark per jar of LOOKUP_JARS
 * (`name=path,name=path`; default: the repository's packaged jar), loads the data of the peer
 * benchmark, then asks every server for one row by its uid, the servers taking turns in every
 * round, and prints p50/p99/mean per server with the load average. With LOOKUP_STATEMENTS=n it first
 * logs every statement PostgreSQL runs (log_statement=all) while each Tidemark answers n lookups,
 * and prints them grouped, per lookup. LOOKUP_AS=owner asks Tidemark as the scope's owner (a user token, the
 * row policy applied) instead of an admin; LOOKUP_FLOOR=1 asks every server `{ __typename }` instead.
 */
import os from 'node:os';
import { randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { Cluster } from './postgres.js';
import { Tidemark } from './tidemark.js';
import { Peer } from './peers.js';
import { loadData } from './data.js';
import { listQueries } from './queries.js';
import { percentile, sleep } from './stats.js';
import { cpuSeconds } from './proc.js';

const REPOSITORY = resolve(new URL('../../..', import.meta.url).pathname);
const OUTPUT = join(REPOSITORY, 'target', 'peer-bench-lookup');
const env = process.env;
const rounds = Number(env.LOOKUP_RUNS ?? 2000);
const warmup = Number(env.LOOKUP_WARMUP ?? 300);
const statements = Number(env.LOOKUP_STATEMENTS ?? 0);
const load = () => os.loadavg().map((v) => v.toFixed(2)).join(' ');

async function main() {
  mkdirSync(OUTPUT, { recursive: true });
  const jars = (env.LOOKUP_JARS ?? 'main=target/quarkus-app/quarkus-run.jar').split(',').map((s) => s.split('='));
  const cleanup = [];
  try {
    const cluster = await Cluster.create();
    cleanup.push(async () => cluster.drop());
    const sql = new pg.Client(cluster.connection);
    await sql.connect();
    cleanup.push(() => sql.end());
    const targets = [];
    for (const [name, jar] of jars) {
      env.TIDEMARK_JAR = jar;
      mkdirSync(join(OUTPUT, name), { recursive: true });
      const server = await Tidemark.start({ repository: REPOSITORY, jdbcUrl: cluster.jdbcUrl, logDir: join(OUTPUT, name) });
      cleanup.push(() => server.stop());
      targets.push({ name, kind: 'tidemark', pid: server.pid, url: server.httpUrl, server });
    }
    const data = await loadData(sql, { scopeRows: Number(env.BENCH_SCOPE_ROWS ?? 10_000), eqRows: Number(env.BENCH_EQ_ROWS ?? 9_000) });
    // LOOKUP_AS=owner: Tidemark asked as the scope's owner (a user token: the row policy applies), else as an admin
    for (const t of targets) t.token = env.LOOKUP_AS === 'owner' ? t.server.token(data.owner) : t.server.token(randomUUID(), true);
    if (env.LOOKUP_POSTGRAPHILE !== '0') {
      const postgraphile = await Peer.start('PostGraphile', 'postgraphile-server.js', cluster.url, OUTPUT);
      cleanup.push(() => postgraphile.stop());
      targets.unshift({ name: 'postgraphile', kind: 'postgraphile', pid: postgraphile.pid, url: postgraphile.httpUrl });
    }
    // LOOKUP_FLOOR=1: the same request path answering `{ __typename }`, no data fetched: what a request costs before any row
    const floor = { query: '{ __typename }', variables: () => ({}), rows: (d) => (d.__typename ? [d] : []) };
    const lookup = env.LOOKUP_FLOOR === '1' ? { tidemark: floor, postgraphile: floor }
      : listQueries(data, { scopeRows: 0, eqRows: 0 }).find((q) => q.key === 'lookup');
    for (let i = 0; i < 50; i++) for (const t of targets) await ask(t, lookup[t.kind], i);
    if (statements > 0) await logStatements(sql, cluster, targets.filter((t) => t.kind === 'tidemark'), lookup);
    console.log(`load average before: ${load()}`);
    const times = Object.fromEntries(targets.map((t) => [t.name, []]));
    const cpu = {};
    for (let i = 0; i < warmup + rounds; i++) {
      if (i === warmup) for (const t of targets) (cpu[t.name] = cpuSeconds(t.pid)), (t.threads = threadTicks(t.pid));
      // a different order each round, so no server always follows the same one
      const order = i % 2 === 0 ? targets : [...targets].reverse();
      for (const t of order) {
        const ms = await ask(t, lookup[t.kind], i);
        if (i >= warmup) times[t.name].push(ms);
      }
    }
    console.log(`load average after: ${load()}; ${rounds} lookups per server after ${warmup} warm-up rounds`);
    for (const t of targets) {
      const v = times[t.name];
      const mean = v.reduce((a, b) => a + b, 0) / v.length;
      const cpuMs = ((cpuSeconds(t.pid) - cpu[t.name]) * 1000) / rounds;
      console.log(`${t.name.padEnd(14)} p50 ${percentile(v, 0.5).toFixed(2)} ms  p90 ${percentile(v, 0.9).toFixed(2)} ms`
        + `  p99 ${percentile(v, 0.99).toFixed(2)} ms  mean ${mean.toFixed(2)} ms  server CPU ${cpuMs.toFixed(2)} ms per lookup`);
      if (env.LOOKUP_THREADS) {
        const now = threadTicks(t.pid);
        const per = new Map();
        for (const [id, { name, ticks }] of now) {
          const key = name.replace(/\d+/g, 'N');
          per.set(key, (per.get(key) ?? 0) + ticks - (t.threads.get(id)?.ticks ?? 0));
        }
        for (const [k, ticks] of [...per].sort((a, b) => b[1] - a[1]).slice(0, 12)) {
          if (ticks > 0) console.log(`    ${((ticks * 10) / rounds).toFixed(3)} ms per lookup  ${k}`);
        }
      }
    }
  } finally {
    while (cleanup.length > 0) await cleanup.pop()().catch((e) => console.error(`cleanup: ${e.message}`));
  }
}

/** CPU ticks of each thread of a process, by thread id. */
function threadTicks(pid) {
  const result = new Map();
  for (const id of readdirSync(`/proc/${pid}/task`)) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${id}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ').map(Number);
      result.set(id, { name: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')), ticks: fields[11] + fields[12] });
    } catch {
      // ended
    }
  }
  return result;
}

async function ask(target, spec, i) {
  const headers = { 'content-type': 'application/json' };
  if (target.token) headers.authorization = `Bearer ${target.token}`;
  const body = JSON.stringify({ query: spec.query, variables: spec.variables(i) });
  const start = performance.now();
  const response = await fetch(target.url, { method: 'POST', headers, body });
  const text = await response.text();
  const ms = performance.now() - start;
  const rows = spec.rows(JSON.parse(text).data ?? {});
  if (rows.length !== 1) throw new Error(`${target.name} answered ${response.status}: ${text.slice(0, 300)}`);
  return ms;
}

/** Logs every statement while each target answers `statements` lookups; prints them per lookup. */
async function logStatements(sql, cluster, targets, lookup) {
  const logFile = `/var/log/postgresql/postgresql-${cluster.version}-${cluster.name}.log`;
  await sql.query("alter system set log_statement = 'all'");
  await sql.query("alter system set log_line_prefix = '%m [%p] '");
  await sql.query('select pg_reload_conf()');
  await sleep(500);
  for (const t of targets) {
    const from = statSync(logFile).size;
    for (let i = 0; i < statements; i++) await ask(t, lookup[t.kind], i);
    await sleep(200);
    const lines = readFileSync(logFile, 'utf8').slice(from).split('\n')
      .filter((l) => /LOG: {2}(statement|execute)/.test(l))
      .map((l) => l.replace(/^\S+ \S+ \S+ /, '').replace(/'[0-9a-f-]{36}'/g, '<uuid>'));
    const counts = new Map();
    for (const l of lines) counts.set(l.replace(/\[\d+\]/, ''), (counts.get(l.replace(/\[\d+\]/, '')) ?? 0) + 1);
    console.log(`${t.name}: ${lines.length} statements logged during ${statements} lookups (the tailer's polls included):`);
    for (const [l, n] of [...counts].sort((a, b) => b[1] - a[1])) console.log(`  ${(n / statements).toFixed(2)} per lookup  ${l.slice(0, 200)}`);
  }
  await sql.query('alter system reset log_statement');
  await sql.query('select pg_reload_conf()');
}

main().catch((e) => {
  console.error(e.stack ?? String(e));
  process.exitCode = 1;
});
