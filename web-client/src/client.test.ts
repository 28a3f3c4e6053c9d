import { afterEach, describe, expect, it, vi } from 'vitest';
import { openDB } from 'idb';
import { TidemarkClient } from './client.js';
import type { Row } from './replica/types.js';
import type { FetchLike } from './transport/graphql-http.js';
import { demoSchema } from './test-support/demo-schema.js';
import { freshName } from './test-support/replica-fixture.js';
import { insecureCrypto } from './test-support/insecure-crypto.js';

async function until(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

const open = (dbName: string) =>
  TidemarkClient.open({ url: 'http://localhost:1', connect: false, dbName, schema: demoSchema, scopes: [{ table: 'User' }, { table: 'Group' }, { table: 'UserGroup' }] });

describe('reactive reads', () => {
  it('should call a watcher back when its result changes, not for unrelated writes', async () => {
    const client = await open(freshName());
    const seen: string[][] = [];
    client.watchList('Group', { where: { name: { startsWith: 'R' } } }, (rows: Row[]) => seen.push(rows.map((r) => r.name as string)));
    await until(() => seen.length === 1);
    const red = await client.save('Group', { name: 'Red' });
    await until(() => seen.length === 2);
    await client.save('User', { name: 'Ann' }); // the result does not change: no callback
    await client.delete('Group', red.uid);
    await until(() => seen.length === 3);
    expect(seen).toEqual([[], ['Red'], []]);
    expect(client.state.pending).toBe(2);
    await client.close();
  });

  it('should call back a watcher of another tab on the same replica', async () => {
    const name = freshName();
    const tab1 = await open(name);
    const tab2 = await open(name);
    const seen: number[] = [];
    tab2.watchList('User', {}, (rows) => seen.push(rows.length));
    await until(() => seen.length === 1);
    await tab1.save('User', { name: 'From tab 1' });
    await until(() => seen.length === 2);
    expect(seen).toEqual([0, 1]);
    expect([tab1.state.leader, tab2.state.leader]).toEqual([true, false]);
    await tab1.close();
    await tab2.close();
  });
});

afterEach(() => vi.unstubAllGlobals());

const scopes = [{ table: 'User' }, { table: 'Group' }, { table: 'UserGroup' }];

/** A server that never answers (a captive portal, a dead link): requests hang until aborted. */
const hanging: FetchLike = (_url, init) => new Promise((_resolve, reject) => init.signal?.addEventListener('abort', () => reject(new Error('aborted'))));

/** A server that refuses every token with HTTP 401, as for an expired one. */
const refusing: FetchLike = async () => ({ ok: false, status: 401, json: async () => null });

/** A WebSocket that never connects. */
class SilentSocket {
  static CONNECTING = 0; static OPEN = 1; static CLOSING = 2; static CLOSED = 3;
  readyState = 0;
  protocol = 'graphql-transport-ws';
  onclose: ((e: unknown) => void) | null = null;
  onerror: ((e: unknown) => void) | null = null;
  onopen: (() => void) | null = null;
  onmessage: ((e: unknown) => void) | null = null;
  close(): void { this.readyState = 3; }
  send(): void {}
}

describe('opening a replica', () => {
  it('should open from the stored schema at once when the server does not answer, and show local rows', async () => {
    const dbName = freshName();
    const first = await open(dbName);
    const saved = await first.save('Group', { name: 'Made earlier' });
    await first.close();
    const again = await TidemarkClient.open({ url: 'http://localhost:1', dbName, scopes, fetch: hanging, webSocketImpl: SilentSocket, pongTimeoutMs: 60_000 });
    expect(await again.get('Group', saved.uid)).toMatchObject({ name: 'Made earlier' });
    await again.close();
  });

  it('should check the server\'s schema in the background and keep a newer one for the next opening', async () => {
    const dbName = freshName();
    await (await open(dbName)).close();
    const newer = { ...demoSchema, version: 'a newer release' };
    const answering: FetchLike = async () => ({ ok: true, status: 200, json: async () => ({ data: { syncSchema: newer } }) });
    const client = await TidemarkClient.open({ url: 'http://localhost:1', dbName, scopes, fetch: answering, webSocketImpl: SilentSocket, pongTimeoutMs: 60_000 });
    const told: string[] = [];
    client.onSchemaChange((v) => told.push(v));
    await until(() => told.length > 0);
    expect(told).toEqual(['a newer release']);
    expect(client.replica.schema.schema.version).toBe(demoSchema.version); // this instance keeps its schema...
    await client.close();
    const reopened = await TidemarkClient.open({ url: 'http://localhost:1', dbName, scopes, connect: false });
    expect(reopened.migration).toMatchObject({ from: demoSchema.version, to: 'a newer release' }); // ...the next opening migrates
    await reopened.close();
  });

  it('should open and keep reads and writes working when the server refuses the token (HTTP 401)', async () => {
    const dbName = freshName();
    await (await open(dbName)).close();
    const client = await TidemarkClient.open({ url: 'http://localhost:1', dbName, scopes, fetch: refusing, token: 'expired', webSocketImpl: SilentSocket, pongTimeoutMs: 60_000 });
    const made = await client.save('Group', { name: 'Written with an expired token' });
    expect((await client.list('Group')).map((g) => g.uid)).toEqual([made.uid]);
    expect(client.state.pending).toBe(1);
    await client.close();
  });

  it('should open and make uids in an insecure context (http://<LAN address>: no crypto.randomUUID)', async () => {
    vi.stubGlobal('crypto', insecureCrypto());
    const client = await open(freshName());
    const group = await client.save('Group', { name: 'From a phone on the LAN' });
    expect(group.uid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    await client.close();
  });
});

describe('rejection records', () => {
  it('should list kept rejections and forget an acknowledged one, in every tab', async () => {
    const dbName = freshName();
    const tab1 = await open(dbName);
    const tab2 = await open(dbName);
    const db = await openDB(dbName);
    await db.put('__rejections', { id: 'r1', table: 'Group', uid: 'u', reason: 'CONFLICT_LOST', field: null, message: null, serverRow: null,
      local: { uid: 'u' }, baseVersion: 3, status: 'open', at: '2026-01-01T00:00:00.000Z', syncId: 's' });
    db.close();
    expect((await tab2.rejections()).map((r) => r.id)).toEqual(['r1']);
    expect(await tab1.acknowledge('r1')).toBe(true);
    expect(await tab2.rejections()).toEqual([]);
    await until(() => tab1.state.rejections === 0);
    await tab1.close();
    await tab2.close();
  });
});
