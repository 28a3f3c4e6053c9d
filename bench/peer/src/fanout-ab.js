/**
 * The fan-out on distinct scopes only, for A/B work on Tidemark's realtime path: `npm run bench:fanout`
 * in bench/peer (see its README). Starts one PostgreSQL and one Tidemark per jar of FANOUT_JARS
 * (`name=path,name=path`; default: the repository's packaged jar), with FANOUT_PEER=1 PostGraphile
 * too, loads the data of the peer benchmark, then measures the distinct-scope shape (its size from the
 * BENCH_* variables, as `npm run bench`) FANOUT_ROUNDS times per server, the servers taking turns in a
 * different order each round, and prints p50/p99/cores per round and server with the load average.
 * FANOUT_DELAY_MS=d puts a proxy between every Tidemark and PostgreSQL that holds each chunk d ms in
 * each direction, like a database on another host (PostGraphile, when asked for, connects directly).
 */
import os from 'node:os';
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import pg from 'pg';
import net from 'node:net';
import { Cluster } from './postgres.js';
import { Tidemark } from './tidemark.js';
import { nodeType, Peer } from './peers.js';
import { createNotifyTrigger, loadData, Writer } from './data.js';
import { postgraphileSubscription, tidemarkSubscription } from './subscribers.js';
import { measureRealtime, shapes } from './realtime.js';
import { runSize } from './size.js';

const REPOSITORY = resolve(new URL('../../..', import.meta.url).pathname);
const OUTPUT = join(REPOSITORY, 'target', 'peer-bench-fanout');
const env = process.env;
const started = performance.now();
const log = (l) => console.log(`[${((performance.now() - started) / 1000).toFixed(1).padStart(6)} s] ${l}`);
const load = () => os.loadavg().map((v) => v.toFixed(2)).join(' ');

async function main() {
  mkdirSync(OUTPUT, { recursive: true });
  const size = runSize();
  const jars = (env.FANOUT_JARS ?? 'main=target/quarkus-app/quarkus-run.jar').split(',').map((s) => s.split('='));
  const cleanup = [];
  try {
    const cluster = await Cluster.create();
    cleanup.push(async () => cluster.drop());
    const sql = new pg.Client(cluster.connection);
    await sql.connect();
    cleanup.push(() => sql.end());
    const servers = [];
    const delay = Number(env.FANOUT_DELAY_MS ?? 0);
    let jdbcUrl = cluster.jdbcUrl;
    if (delay > 0) {
      // A database `delay` ms away each way: every chunk is held that long in each direction.
      const proxy = net.createServer((client) => {
        const upstream = net.connect(cluster.port, '127.0.0.1');
        client.setNoDelay(true);
        upstream.setNoDelay(true);
        const relay = (from, to) => from.on('data', (chunk) => setTimeout(() => to.write(chunk), delay));
        relay(client, upstream);
        relay(upstream, client);
        const end = () => { client.destroy(); upstream.destroy(); };
        client.on('error', end); upstream.on('error', end); client.on('close', end); upstream.on('close', end);
      });
      await new Promise((r) => proxy.listen(0, '127.0.0.1', r));
      cleanup.push(async () => proxy.close());
      jdbcUrl = cluster.jdbcUrl.replace(`:${cluster.port}/`, `:${proxy.address().port}/`);
      log(`Tidemark reaches PostgreSQL through a proxy holding each chunk ${delay} ms each way: ${jdbcUrl}`);
    }
    for (const [name, jar] of jars) {
      env.TIDEMARK_JAR = jar;
      mkdirSync(join(OUTPUT, name), { recursive: true });
      const t = await Tidemark.start({ repository: REPOSITORY, jdbcUrl, logDir: join(OUTPUT, name) });
      cleanup.push(() => t.stop());
      servers.push({ name, wsUrl: t.wsUrl, pid: t.pid, memory: () => t.memory(), subscription: tidemarkSubscription(t.token(randomUUID(), true)) });
    }
    const data = await loadData(sql, size);
    if (env.FANOUT_PEER === '1') {
      const p = await Peer.start('PostGraphile', 'postgraphile-server.js', cluster.url, OUTPUT);
      cleanup.push(() => p.stop());
      await createNotifyTrigger(sql, await nodeType(p));
      servers.push({ name: 'postgraphile', wsUrl: p.wsUrl, pid: p.pid, memory: () => p.memory(), subscription: postgraphileSubscription() });
    }
    const w = new pg.Client(cluster.connection);
    await w.connect();
    cleanup.push(() => w.end());
    const writer = new Writer(w);
    const shape = shapes(size).find((s) => s.key === 'distinct');
    const rounds = Number(env.FANOUT_ROUNDS ?? 2);
    const all = {};
    log(`load average at start ${load()}`);
    for (let r = 0; r < rounds; r++) {
      const order = r % 2 === 0 ? servers : [...servers].reverse();
      for (const s of order) {
        const res = await measureRealtime(s, shape, { writer, postmasterPid: cluster.postmasterPid(), size, log });
        (all[s.name] ??= []).push(res);
        log(`round ${r + 1} ${s.name}: p50 ${res.p50.toFixed(2)} p99 ${res.p99.toFixed(2)} cores ${res.cpu.server.toFixed(2)} pg ${res.cpu.postgres.toFixed(2)} load ${load()}`);
      }
    }
    log(`load average at end ${load()}; ${shape.title}, ${rounds} rounds; per round p50 / p99 ms / server cores (PostgreSQL cores)`);
    for (const [n, rs] of Object.entries(all)) {
      console.log(`${n.padEnd(14)} ` + rs.map((x) => `${x.p50.toFixed(2)} / ${x.p99.toFixed(1)} / ${x.cpu.server.toFixed(2)} (${x.cpu.postgres.toFixed(2)})`).join('   '));
    }
  } finally {
    while (cleanup.length) await cleanup.pop()().catch((e) => console.error(e.message));
  }
}
main().catch((e) => { console.error(e.stack ?? String(e)); process.exitCode = 1; });
