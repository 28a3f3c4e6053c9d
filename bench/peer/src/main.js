/**
 * Tidemark side by side with PostGraphile 4 (@graphile/pg-pubsub) and a graphql-ws floor, in one
 * run, on one PostgreSQL, with one load generator: `npm run bench` in bench/peer (see its README).
 * Starts everything, loads the data, measures the lists and the subscriptions, prints one table
 * with the versions and the load average, writes it with the raw numbers to target/peer-bench/,
 * and stops everything it started.
 */
import os from 'node:os';
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { Cluster } from './postgres.js';
import { Tidemark } from './tidemark.js';
import { nodeType, Peer } from './peers.js';
import { createNotifyTrigger, loadData, Writer } from './data.js';
import { listQueries, measureLists } from './queries.js';
import { floorSubscription, postgraphileSubscription, tidemarkSubscription } from './subscribers.js';
import { measureRealtime, shapes } from './realtime.js';
import { table } from './report.js';
import { runSize } from './size.js';
import { versions } from './versions.js';

const REPOSITORY = resolve(new URL('../../..', import.meta.url).pathname);
const OUTPUT = join(REPOSITORY, 'target', 'peer-bench');

const started = performance.now();
const log = (line) => console.log(`[${((performance.now() - started) / 1000).toFixed(1).padStart(6)} s] ${line}`);
const load = (values) => values.map((v) => v.toFixed(2)).join(' ');

async function main() {
  const size = runSize();
  const loadAtStart = os.loadavg();
  mkdirSync(OUTPUT, { recursive: true });
  log(`Peer benchmark at ${size.smoke ? 'SMOKE size (BENCH_SIZE=smoke): it proves the harness runs; its numbers measure nothing' : 'full size'}`);
  log(`load average at start: ${load(loadAtStart)} (${os.cpus().length} cores); logs in ${OUTPUT}`);
  const cleanup = [];
  const stopAll = async () => {
    while (cleanup.length > 0) await cleanup.pop()().catch((e) => console.error(`cleanup: ${e.message}`));
  };
  for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => stopAll().finally(() => process.exit(1)));
  try {
    const cluster = await Cluster.create();
    cleanup.push(async () => cluster.drop());
    const sql = await connect(cluster, cleanup);
    log('starting Tidemark (its Flyway migrations create the schema)');
    const tidemark = await Tidemark.start({ repository: REPOSITORY, jdbcUrl: cluster.jdbcUrl, logDir: OUTPUT });
    cleanup.push(() => tidemark.stop());
    log(`loading ${size.scopeRows} users, their groups and memberships`);
    const data = await loadData(sql, size);
    log('starting PostGraphile and the floor');
    const postgraphile = await Peer.start('PostGraphile', 'postgraphile-server.js', cluster.url, OUTPUT);
    cleanup.push(() => postgraphile.stop());
    await createNotifyTrigger(sql, await nodeType(postgraphile));
    const floor = await Peer.start('floor', 'floor-server.js', cluster.url, OUTPUT);
    cleanup.push(() => floor.stop());
    const info = await versions(sql, REPOSITORY, tidemark.jar);

    log('lists (one request at a time, the servers taking turns)');
    const queries = listQueries(data, size);
    const adminToken = tidemark.token(randomUUID(), true);
    const lists = await measureLists(queries, [
      { name: 'postgraphile', kind: 'postgraphile', url: postgraphile.httpUrl },
      { name: 'tidemark-user', kind: 'tidemark', url: tidemark.httpUrl, token: tidemark.token(data.owner) },
      { name: 'tidemark-admin', kind: 'tidemark', url: tidemark.httpUrl, token: adminToken },
    ], log);

    const writer = new Writer(await connect(cluster, cleanup));
    const servers = [
      { name: 'tidemark', wsUrl: tidemark.wsUrl, pid: tidemark.pid, memory: () => tidemark.memory(), subscription: tidemarkSubscription(adminToken) },
      { name: 'postgraphile', wsUrl: postgraphile.wsUrl, pid: postgraphile.pid, memory: () => postgraphile.memory(), subscription: postgraphileSubscription() },
      { name: 'floor', wsUrl: floor.wsUrl, pid: floor.pid, memory: () => floor.memory(), subscription: floorSubscription() },
    ];
    const realtime = {};
    for (const shape of shapes(size)) {
      log(`realtime: ${shape.title}`);
      realtime[shape.key] = {};
      for (const server of servers) {
        realtime[shape.key][server.name] = await measureRealtime(server, shape, { writer, postmasterPid: cluster.postmasterPid(), size, log });
      }
    }
    const loadAtEnd = os.loadavg();
    const report = [
      `Peer benchmark (${size.smoke ? 'SMOKE size: its numbers measure nothing' : 'full size'}), ${new Date().toISOString()}`,
      `load average at start ${load(loadAtStart)}, at end ${load(loadAtEnd)} (${os.cpus().length} cores)`,
      `versions: node ${info.node}; PostgreSQL ${info.postgresql}; postgraphile ${info.postgraphile} with @graphile/pg-pubsub ${info.pgPubsub}`
        + ` (graphql ${info.graphql}, its graphql-ws ${info.postgraphileGraphqlWs}); floor and clients graphql-ws ${info.graphqlWs};`
        + ` ${info.java}; Tidemark ${info.tidemark}`,
      'lists: Tidemark as the scope\'s owner (user token, row policy applied) / as an admin (admin token); PostGraphile without'
        + ' authentication. Subscriptions: Tidemark with an admin token. Ratio > 1: Tidemark takes more (time, memory) or delivers more (per second).',
      '',
      table({ lists, queries, realtime, shapes: shapes(size) }),
    ].join('\n');
    console.log(`\n${report}\n`);
    writeFileSync(join(OUTPUT, 'report.md'), report + '\n');
    writeFileSync(join(OUTPUT, 'results.json'), JSON.stringify({ size, loadAtStart, loadAtEnd, versions: info, lists, realtime }, null, 1));
  } finally {
    await stopAll();
    log('stopped everything it started');
  }
}

async function connect(cluster, cleanup) {
  const client = new pg.Client(cluster.connection);
  await client.connect();
  cleanup.push(() => client.end());
  return client;
}

main().catch((e) => {
  console.error(e.stack ?? String(e));
  process.exitCode = 1;
});
