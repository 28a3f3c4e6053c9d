/**
 * A live list of `rows` User rows on a local replica (fake-indexeddb, no server): how long a
 * one-row change takes to reach the list's callback, how many reads writes to another table start,
 * how many delivered rows are new objects. `bench:live-reads` prints it at 10,000 rows; the unit
 * tests run it at a small size (live-reads.spec.ts) so that it cannot break unnoticed.
 */
import 'fake-indexeddb/auto';
import { TidemarkClient } from '../../src/index.js';
import type { Row } from '../../src/replica/types.js';
import { demoSchema } from '../../src/test-support/demo-schema.js';

export interface LiveReadNumbers {
  rows: number;
  changes: number;
  firstMs: number;
  /** Milliseconds from a one-row save to the list's callback, sorted. */
  latencies: number[];
  newObjectsPerChange: number;
  readsForOtherTable: number;
}

export async function measureLiveReads(rows: number, changes: number): Promise<LiveReadNumbers> {
  const client = await TidemarkClient.open({ url: 'http://localhost:1', connect: false, dbName: `bench-live-${Date.now()}`, schema: demoSchema,
    scopes: [{ table: 'User' }, { table: 'Group' }] });
  try {
    await storeUsers(client, rows);
    let reads = 0;
    const list = client.replica.list.bind(client.replica);
    client.replica.list = (table, options) => { reads++; return list(table, options); };
    let last: Row[] = [];
    let delivered: (rows: Row[]) => void = () => undefined;
    const firstStart = performance.now();
    await new Promise<void>((resolve) => client.watchList('User', {}, (result) => { last = result; delivered(result); resolve(); }));
    const firstMs = performance.now() - firstStart;
    const latencies: number[] = [];
    let newObjects = 0;
    for (let i = 0; i < changes; i++) {
      const before = last;
      const start = performance.now();
      const next = new Promise<Row[]>((resolve) => { delivered = resolve; });
      await client.save('User', { uid: before[(i * 7919) % rows]!.uid, name: `renamed ${i}` });
      const result = await next;
      latencies.push(performance.now() - start);
      const previous = new Set(before);
      newObjects += result.filter((r) => !previous.has(r)).length;
    }
    const readsBefore = reads;
    for (let i = 0; i < changes; i++) await client.save('Group', { name: `group ${i}` });
    return { rows, changes, firstMs, latencies: latencies.sort((a, b) => a - b), newObjectsPerChange: newObjects / changes, readsForOtherTable: reads - readsBefore };
  } finally {
    await client.close();
  }
}

/** The rows a sync's first page would store, in one transaction. */
async function storeUsers(client: TidemarkClient, rows: number): Promise<void> {
  const scope = client.replica.scopesOf('User')[0]!;
  const tx = client.replica.transaction('readwrite');
  for (let i = 0; i < rows; i++) {
    const uid = `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
    const at = new Date(Date.UTC(2026, 0, 1, 0, 0, 0, i)).toISOString();
    void tx.objectStore('User').put({ uid, name: `user ${i}`, email: null, createdAt: at, updatedAt: at, deletedAt: null, version: 1, __scopes: [scope.id] });
  }
  await tx.done;
}

export function describeLiveReads(n: LiveReadNumbers): string {
  const at = (q: number): string => n.latencies[Math.min(n.latencies.length - 1, Math.floor(q * n.latencies.length))]!.toFixed(0);
  return [
    `live list of ${n.rows} rows (fake-indexeddb, Node ${process.version}):`,
    `  first result: ${n.firstMs.toFixed(0)} ms`,
    `  one row changed -> callback: p50 ${at(0.5)} ms, p95 ${at(0.95)} ms, max ${at(1)} ms over ${n.changes} changes`,
    `  new row objects delivered per change: ${n.newObjectsPerChange.toFixed(2)} (the others are the previous result's objects)`,
    `  reads started by ${n.changes} writes to another table: ${n.readsForOtherTable}`,
  ].join('\n');
}
