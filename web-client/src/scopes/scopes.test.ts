import { afterEach, describe, expect, it } from 'vitest';
import { openDB } from 'idb';
import { TidemarkClient } from '../client.js';
import { REJECTIONS } from '../replica/replica-db.js';
import { WhereError } from '../replica/where-check.js';
import { applyEvent } from '../sync/sync-apply.js';
import { demoSchema } from '../test-support/demo-schema.js';
import { freshName, serverRow, uid } from '../test-support/replica-fixture.js';
import type { ScopeHandle } from './scope-claims.js';

async function until(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met in time: ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const opened: TidemarkClient[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((c) => c.close()));
});

/** A tab of a local-only replica (no server): scopes, the union and eviction all work without one. */
async function tab(dbName: string, leaseMs = 3000, releasedScopeTtlMs?: number): Promise<TidemarkClient> {
  const client = await TidemarkClient.open({ url: 'http://localhost:1', connect: false, dbName, schema: demoSchema, leaseMs, releasedScopeTtlMs, scopes: [{ table: 'User' }] });
  opened.push(client);
  return client;
}

/** Stores a server row as an UPSERT event of the scope would. */
async function arrive(client: TidemarkClient, scope: ScopeHandle, row: ReturnType<typeof serverRow>): Promise<void> {
  await applyEvent(client.replica, { id: scope.id, table: scope.table, where: scope.where }, { operation: 'UPSERT', uid: row.uid, version: row.version, cursor: '1@2026-01-01T00:00:00Z', row });
}

const ids = (client: TidemarkClient): string[] => client.replica.scopes.map((s) => s.id).sort();

describe('scopes added and removed at runtime', () => {
  it('should return the same handle for the same scope, whatever its keys\' order, and release it after as many removes', async () => {
    const client = await tab(freshName());
    const first = client.scope('Group', { name: { startsWith: 'R' }, version: { gt: 1 } });
    const again = client.scope('Group', { version: { gt: 1 }, name: { startsWith: 'R' } });
    expect(again).toBe(first);
    expect(ids(client)).toContain(first.id);
    first.remove();
    expect(ids(client)).toContain(first.id); // one use left
    again.remove();
    expect(ids(client)).not.toContain(first.id);
    await expect(first.ready).rejects.toThrow(/removed before it was ready/);
    const named = client.scope('Group', { name: { eq: 'Red' } }, { id: 'red-group' });
    expect(named.id).toBe('red-group');
  });

  it('should resolve ready at once for a scope the leader already synced (another tab holds it)', async () => {
    const client = await tab(freshName());
    const id = 'Group:{"name":{"eq":"Red"}}';
    (client as unknown as { states: { set(patch: object): void } }).states.set({ progress: { [id]: { table: 'Group', received: 1, total: 1, ready: true } } });
    const handle = client.scope('Group', { name: { eq: 'Red' } });
    expect(handle.id).toBe(id);
    const settled = await Promise.race([handle.ready.then(() => 'ready'), new Promise((r) => setTimeout(() => r('still waiting'), 200))]);
    expect(settled).toBe('ready');
  });

  it('should refuse a where naming an unknown column or operator when the scope or the read is made', async () => {
    const client = await tab(freshName());
    const thrown = (make: () => unknown): unknown => { try { make(); } catch (e) { return e; } return 'nothing thrown'; };
    expect(() => client.scope('Group', { nmae: { eq: 'Red' } })).toThrow(WhereError);
    expect(thrown(() => client.scope('Group', { memberships: { some: { userUid: { like: 'a%' } } } })))
      .toMatchObject({ code: 'BAD_USER_INPUT', field: 'where.memberships.some.userUid.like' });
    expect(thrown(() => client.scope('Groups'))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'table', message: expect.stringMatching(/no table 'Groups'.*Group/) });
    await expect(client.list('Group', { where: { name: { equals: 'Red' } } })).rejects.toMatchObject({ field: 'where.name.equals' });
    await expect(client.list('Groups')).rejects.toMatchObject({ code: 'BAD_USER_INPUT', field: 'table' });
    expect(() => client.watchList('Group', { where: { colour: { eq: 'red' } } }, () => undefined)).toThrow(/Group has no column or relation 'colour'/);
    expect(thrown(() => client.watchList('Groups', {}, () => undefined))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'table' });
    expect(client.state.lastError).toBeNull(); // refused at once, not later in lastError
    await expect(TidemarkClient.open({ url: 'http://localhost:1', connect: false, dbName: freshName(), schema: demoSchema, scopes: [{ table: 'Group', where: { name: { eqq: 'x' } } }] }))
      .rejects.toMatchObject({ field: 'scopes[0].where.name.eqq' });
    await expect(TidemarkClient.open({ url: 'http://localhost:1', connect: false, dbName: freshName(), schema: demoSchema, scopes: [{ table: 'Grop' }] }))
      .rejects.toMatchObject({ code: 'BAD_USER_INPUT', field: 'scopes[0].table' });
  });

  it('should evict the rows no other scope holds, but never a row with a pending change or an open rejection', async () => {
    const client = await tab(freshName());
    const rs = client.scope('Group', { name: { startsWith: 'R' } });
    const red = client.scope('Group', { name: { eq: 'Red' } });
    const rows = { red: serverRow({ uid: uid(1), version: 5, name: 'Red' }), ruby: serverRow({ uid: uid(2), version: 6, name: 'Ruby' }),
      rose: serverRow({ uid: uid(3), version: 7, name: 'Rose' }), roux: serverRow({ uid: uid(4), version: 8, name: 'Roux' }) };
    for (const row of Object.values(rows)) await arrive(client, rs, row);
    await arrive(client, red, rows.red);
    await client.save('Group', { uid: rows.rose.uid, name: 'Rose, renamed here' }); // pending
    const db = await openDB(client.replica.db.name);
    await db.put(REJECTIONS, { id: 'r1', table: 'Group', uid: rows.roux.uid, reason: 'CONFLICT_LOST', field: null, message: null, serverRow: rows.roux,
      local: { ...rows.roux, name: 'Mine' }, baseVersion: 8, status: 'open', at: '2026-01-01T00:00:00.000Z', syncId: 's' });
    db.close();

    rs.remove();
    await until('Ruby evicted', async () => (await client.get('Group', rows.ruby.uid)) === undefined);
    expect((await client.get('Group', rows.red.uid))?.name).toBe('Red'); // the other scope holds it
    expect((await client.get('Group', rows.rose.uid))?.name).toBe('Rose, renamed here'); // its change must still reach the server
    expect((await client.get('Group', rows.roux.uid))?.name).toBe('Roux'); // the app has not dealt with its rejection
    expect(await client.acknowledge('r1')).toBe(true);
    expect(await client.get('Group', rows.roux.uid)).toBeUndefined(); // nothing keeps it any more
  });

  it('should hold the union of the scopes of all tabs, and release a tab\'s scopes when it closes, its rows kept for the TTL', async () => {
    const dbName = freshName();
    const leader = await tab(dbName, 3000, 300);
    const other = await tab(dbName, 3000, 300);
    expect([leader.state.leader, other.state.leader]).toEqual([true, false]);
    const docs = other.scope('UserDocument', { title: { startsWith: 'Plan' } });
    await until('the leader lists the other tab\'s scope', () => ids(leader).includes(docs.id));
    const plan = serverRow({ uid: uid(7), version: 3, title: 'Plan', userUid: uid(9) });
    await arrive(leader, docs, plan); // the leader applies the scope's events
    expect(await other.get('UserDocument', plan.uid)).toMatchObject({ title: 'Plan' });
    await other.close();
    await until('released: no longer in the union', () => !ids(leader).includes(docs.id));
    expect(await leader.get('UserDocument', plan.uid)).toMatchObject({ title: 'Plan' }); // kept: a reload would find it
    await until('evicted once the TTL ran out', async () => (await leader.get('UserDocument', plan.uid)) === undefined);
  });

  it('should find the rows of a released scope again when it is added back within the TTL, as after a reload', async () => {
    const dbName = freshName();
    const first = await tab(dbName);
    const docs = first.scope('UserDocument', null);
    const plan = serverRow({ uid: uid(7), version: 3, title: 'Plan', userUid: uid(9) });
    await arrive(first, docs, plan);
    await first.close();
    opened.splice(opened.indexOf(first), 1);

    const reloaded = await tab(dbName);
    await until('leading', () => reloaded.state.leader);
    expect(await reloaded.get('UserDocument', plan.uid)).toMatchObject({ title: 'Plan' }); // readable offline at once
    const again = reloaded.scope('UserDocument', null);
    expect(again.id).toBe(docs.id);
    await new Promise((r) => setTimeout(r, 50));
    expect(await reloaded.get('UserDocument', plan.uid)).toMatchObject({ title: 'Plan' });
  });

  it('should release the scopes of a tab that died without a word once its lease ran out', async () => {
    const dbName = freshName();
    const leader = await tab(dbName, 300, 0);
    const doomed = await tab(dbName, 300, 0);
    const docs = doomed.scope('UserDocument', null);
    await until('the leader lists the scope', () => ids(leader).includes(docs.id));
    const plan = serverRow({ uid: uid(8), version: 3, title: 'Plan', userUid: uid(9) });
    await arrive(leader, docs, plan);
    die(doomed);
    await new Promise((r) => setTimeout(r, 200)); // within its lease: still held
    expect(ids(leader)).toContain(docs.id);
    await until('released after the lease and one unanswered question', () => !ids(leader).includes(docs.id), 3000);
    expect(await leader.get('UserDocument', plan.uid)).toBeUndefined();
  });

  it('should give a new leader the scopes of the tabs that live, and drop those of the old leader', async () => {
    const dbName = freshName();
    const first = await tab(dbName, 300);
    const second = await tab(dbName, 300);
    const mine = first.scope('Group', { name: { eq: 'First' } });
    const theirs = second.scope('Group', { name: { eq: 'Second' } });
    await until('both in the union', () => ids(first).includes(theirs.id) && ids(first).includes(mine.id));
    await first.close();
    opened.splice(opened.indexOf(first), 1);
    await until('the second tab leads', () => second.state.leader);
    await until('only the living tab\'s scopes are left', () => ids(second).includes(theirs.id) && !ids(second).includes(mine.id));
  });
});

interface Internals { tabs: { channel: BroadcastChannel; lease: { timer: ReturnType<typeof setInterval>; closed: boolean } }; scopes: { liveness: { timer: ReturnType<typeof setInterval> } } }

/** A tab that stops dead (a crash, a killed browser): no message, no timer, no goodbye. */
function die(client: TidemarkClient): void {
  const inner = client as unknown as Internals;
  inner.tabs.channel.onmessage = null;
  inner.tabs.channel.close();
  clearInterval(inner.tabs.lease.timer);
  inner.tabs.lease.closed = true;
  clearInterval(inner.scopes.liveness.timer);
  opened.splice(opened.indexOf(client), 1);
}
