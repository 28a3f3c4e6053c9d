/** Scopes added and removed at runtime against the real server: subscribed and synced alone, evicted, shared by tabs. */
import { describe, expect, it } from 'vitest';
import { WhereError } from '../../src/index.js';
import { dbName, gql, prefix, serverGroup, serverUser, settled, testClients, until } from './support.js';

const { open, client } = testClients();

const rename = (uid: string, name: string) => gql('mutation($uid: String!, $n: String!) { saveGroup(input: {uid: $uid, name: $n}) { uid } }', { uid, n: name });

describe('scopes at runtime', () => {
  it('should subscribe and sync an added scope alone, apply its events, and evict its rows when removed', async () => {
    const p = prefix('runtime');
    const ann = await serverUser(`${p}Ann`);
    const red = await serverGroup(`${p}Red`);
    const bodies: string[] = [];
    const a = await client(dbName('runtime'), p, {
      fetch: (url, init) => {
        bodies.push(init.body);
        return fetch(url, init);
      },
    }, [{ table: 'User', where: { name: { startsWith: p } } }]);
    await settled(a);
    expect(await a.client.get('Group', red)).toBeUndefined();
    bodies.length = 0;

    const groups = a.client.scope('Group', { name: { startsWith: p } });
    expect(a.client.scope('Group', { name: { startsWith: p } })).toBe(groups); // the same scope: the same handle
    await groups.ready;
    expect((await a.client.get('Group', red))?.name).toBe(`${p}Red`);
    const requests = bodies.map((b) => JSON.parse(b) as { query: string; variables: { input?: Record<string, unknown> } }).filter((b) => b.query.includes('sync('));
    expect(requests.every((r) => r.variables.input!.users === undefined)).toBe(true); // the new scope alone: not the user scope
    expect(a.client.state.progress[groups.id]).toMatchObject({ table: 'Group', received: 1, total: 1, ready: true });

    const blue = await serverGroup(`${p}Blue`);
    await until('the live event of the added scope', async () => (await a.client.get('Group', blue)) !== undefined);
    groups.remove(); // still used once (added twice)
    await new Promise((r) => setTimeout(r, 300));
    expect(await a.client.get('Group', red)).toBeDefined();
    groups.remove();
    await until('evicted', async () => (await a.client.list('Group')).length === 0);
    expect((await a.client.get('User', ann))?.name).toBe(`${p}Ann`); // the other scope's rows stay
    await rename(red, `${p}Ruby`);
    await new Promise((r) => setTimeout(r, 500));
    expect(await a.client.get('Group', red)).toBeUndefined(); // unsubscribed: its events no longer come
    expect(a.client.state.progress[groups.id]).toBeUndefined();
  });

  it('should keep a row with a pending change or an open rejection when its scope is removed, and send the change', async () => {
    const p = prefix('evict-keep');
    const red = await serverGroup(`${p}Red`);
    const rose = await serverGroup(`${p}Rose`);
    const a = await client(dbName('evict-keep'), p, {}, [{ table: 'User', where: { name: { startsWith: p } } }]);
    await settled(a);
    const groups = a.client.scope('Group', { name: { startsWith: p } });
    await groups.ready;
    a.goOffline();
    await until('offline', () => !a.client.state.online);
    const pending = a.client.save('Group', { uid: red, name: `${p}Mine` });
    await pending;
    groups.remove();
    await until('the other row evicted', async () => (await a.client.get('Group', rose)) === undefined);
    expect((await a.client.get('Group', red))?.name).toBe(`${p}Mine`);
    expect(await a.client.syncStatus('Group', red)).toBe('pending');
    a.goOnline();
    expect(await pending.server).toMatchObject({ uid: red, name: `${p}Mine` }); // sent although no scope of its table is left
    await until('gone once answered: no scope holds it', async () => (await a.client.get('Group', red)) === undefined);
    await until('nothing pending', () => a.client.state.pending === 0);
  });

  it('should refuse a where naming an unknown column or operator when the scope is added, with its field', async () => {
    const p = prefix('bad-where');
    const a = await client(dbName('bad-where'), p);
    expect(() => a.client.scope('Group', { nmae: { startsWith: p } })).toThrow(WhereError);
    expect(() => a.client.scope('Group', { name: { beginsWith: p } })).toThrow(expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'where.name.beginsWith' }));
    await settled(a);
    expect(a.client.state.lastError).toBeNull();
  });

  it('should hold the union of two tabs\' scopes: the leader syncs the other tab\'s scope, and releases it when that tab closes', async () => {
    const p = prefix('two-tabs');
    const db = dbName('two-tabs');
    const red = await serverGroup(`${p}Red`);
    const leader = await client(db, p, { releasedScopeTtlMs: 1500 }, [{ table: 'User', where: { name: { startsWith: p } } }]);
    const other = await client(db, p, { releasedScopeTtlMs: 1500 }, [{ table: 'User', where: { name: { startsWith: p } } }]);
    await settled(leader);
    expect(other.client.state.leader).toBe(false);
    const groups = other.client.scope('Group', { name: { startsWith: p } });
    await groups.ready; // synced by the leader, told by its state
    expect((await other.client.get('Group', red))?.name).toBe(`${p}Red`);
    expect((await leader.client.get('Group', red))?.name).toBe(`${p}Red`);
    const mine = leader.client.scope('Group', { name: { startsWith: p } });
    await mine.ready;
    mine.remove(); // the other tab still holds it: nothing is evicted
    await new Promise((r) => setTimeout(r, 300));
    expect(await leader.client.get('Group', red)).toBeDefined();

    await other.client.close();
    open.splice(open.indexOf(other), 1);
    await until('released by the leader', () => leader.client.state.progress[groups.id] === undefined);
    expect(await leader.client.get('Group', red)).toBeDefined(); // kept for the TTL: a reload of that tab finds it
    await until('evicted after the TTL', async () => (await leader.client.get('Group', red)) === undefined, 10_000);
  });
});
