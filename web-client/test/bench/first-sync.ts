/**
 * The first sync of a large scope, measured in Node against a real server: the time until its
 * first rows are in the replica, until it is complete (the handle's `ready`), and the process's
 * peak memory meanwhile. The replica is fake-indexeddb, which keeps every row in the JavaScript heap
 * (a browser's IndexedDB keeps them on disk), so the memory here bounds from above what a page needs.
 */
import 'fake-indexeddb/auto';
import { WebSocket } from 'ws';
import { TidemarkClient, type FetchLike } from '../../src/index.js';

export interface FirstSyncNumbers {
  rows: number;
  pageSize: number;
  pages: number;
  /** The page answers' JSON, all together. */
  pageMiB: number;
  /** Writing the rows on the server (not part of the first sync). */
  makeSeconds: number;
  openMs: number;
  firstRowsMs: number;
  completeMs: number;
  rowsPerSecond: number;
  baselineRssMiB: number;
  peakRssMiB: number;
  peakHeapMiB: number;
}

type Gql = <T>(query: string, variables?: Record<string, unknown>) => Promise<T>;

/** Makes `count` groups named `<p><i>` as an admin, in syncs of `batch` changes. */
export async function makeGroups(gql: Gql, p: string, count: number, batch: number): Promise<void> {
  const now = new Date().toISOString();
  for (let from = 0; from < count; from += batch) {
    const changes = Array.from({ length: Math.min(batch, count - from) }, (_, i) => ({
      uid: crypto.randomUUID(), name: `${p}${from + i}`, baseVersion: null, createdAt: now, updatedAt: now, deletedAt: null,
    }));
    await gql('mutation($input: SyncInput!) { sync(input: $input) { cursor } }', { input: { syncId: crypto.randomUUID(), groups: [{ where: null, changes }] } });
  }
}

/** Makes the rows, then opens a client and adds a scope holding exactly them; returns what it took. */
export async function measureFirstSync(server: string, token: () => Promise<string>, gql: Gql, rows: number, pageSize: number): Promise<FirstSyncNumbers> {
  const p = `bench-${Date.now().toString(36)}-`;
  const limits = (await gql<{ syncSchema: { limits: { maxSyncRows: number } } }>('{ syncSchema { limits { maxSyncRows } } }')).syncSchema.limits;
  const made = performance.now();
  await makeGroups(gql, p, rows, Math.min(10_000, Math.floor(limits.maxSyncRows / 2)));
  const makeSeconds = (performance.now() - made) / 1000;
  const baseline = process.memoryUsage();
  let peakRss = baseline.rss;
  let peakHeap = baseline.heapUsed;
  const sampler = setInterval(() => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  }, 20);
  const dbName = `${p}replica`;
  const opening = performance.now();
  let pages = 0;
  let bytes = 0;
  const counting: FetchLike = async (url, init) => {
    const response = await fetch(url, init);
    if (!init.body.includes('mutation SyncPage')) return response;
    const text = await response.text();
    pages++;
    bytes += text.length;
    return { ok: response.ok, status: response.status, json: async () => JSON.parse(text) as unknown };
  };
  const client = await TidemarkClient.open({ url: server, dbName, token, webSocketImpl: WebSocket, pageSize, requestTimeoutMs: 120_000, fetch: counting });
  const openMs = performance.now() - opening;
  try {
    const started = performance.now();
    const handle = client.scope('Group', { name: { startsWith: p } });
    let firstRowsMs = -1;
    const stop = client.onState((s) => {
      if (firstRowsMs < 0 && (s.progress[handle.id]?.received ?? 0) > 0) firstRowsMs = performance.now() - started;
    });
    await handle.ready;
    const completeMs = performance.now() - started;
    stop();
    const held = await client.replica.db.countFromIndex('Group', '__scopes', handle.id);
    if (held !== rows) throw new Error(`the replica holds ${held} rows of the scope, the server ${rows}`);
    return {
      rows, pageSize, pages, pageMiB: Math.round(bytes / 1024 / 102.4) / 10, makeSeconds, openMs, firstRowsMs, completeMs,
      rowsPerSecond: Math.round(rows / (completeMs / 1000)),
      baselineRssMiB: mib(baseline.rss), peakRssMiB: mib(peakRss), peakHeapMiB: mib(peakHeap),
    };
  } finally {
    clearInterval(sampler);
    await client.close();
    await new Promise<void>((resolve) => {
      const request = indexedDB.deleteDatabase(dbName);
      request.onsuccess = request.onerror = request.onblocked = () => resolve();
    });
  }
}

/** The numbers as the README's table shows them. */
export function describeNumbers(n: FirstSyncNumbers): string {
  return [
    `[first-sync] ${n.rows} rows, pages of ${n.pageSize} (${n.pages} pages, ${n.pageMiB} MiB of JSON); rows made on the server in ${n.makeSeconds.toFixed(1)} s`,
    `[first-sync] open ${n.openMs.toFixed(0)} ms; first rows in the replica after ${n.firstRowsMs.toFixed(0)} ms; complete after ${(n.completeMs / 1000).toFixed(2)} s (${n.rowsPerSecond} rows/s)`,
    `[first-sync] memory: RSS ${n.baselineRssMiB} MiB before, peak ${n.peakRssMiB} MiB; peak heap ${n.peakHeapMiB} MiB`,
  ].join('\n');
}

function mib(bytes: number): number {
  return Math.round(bytes / 1024 / 1024);
}
