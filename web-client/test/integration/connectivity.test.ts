import { afterEach, describe, expect, it } from 'vitest';
import { dbName, gql, openClient, prefix, scopesFor, serverGroup, settled, until, type TestClient } from './support.js';
import { TcpProxy } from './tcp-proxy.js';

const open: TestClient[] = [];
const proxies: TcpProxy[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((c) => c.client.close()));
  await Promise.all(proxies.splice(0).map((p) => p.close()));
});

describe('connectivity', () => {
  it('should close the socket on offline, receive nothing meanwhile, and catch up by resubscribing and syncing on online', async () => {
    const p = prefix('offline');
    const a = await openClient(dbName('offline'), scopesFor(p));
    open.push(a);
    await settled(a);
    const states: boolean[] = [];
    a.client.onState((s) => { if (states.at(-1) !== s.online) states.push(s.online); });
    a.goOffline();
    expect(a.client.state.online).toBe(false); // at once, without waiting for a timeout
    const missed = await serverGroup(`${p}While offline`);
    await new Promise((r) => setTimeout(r, 500));
    expect(await a.client.get('Group', missed)).toBeUndefined();
    a.goOnline();
    await until('the missed row synced', async () => (await a.client.get('Group', missed)) !== undefined);
    expect(states[0]).toBe(false);
    expect(states.at(-1)).toBe(true);
  });

  it('should detect a dead link with keep-alive pings, then reconnect with backoff and sync when it comes back', async () => {
    const p = prefix('deadlink');
    const proxy = await TcpProxy.start(process.env.TIDEMARK_URL!);
    proxies.push(proxy);
    const a = await openClient(dbName('deadlink'), scopesFor(p), { wsUrl: proxy.url, keepAliveMs: 300, pongTimeoutMs: 1000 });
    open.push(a);
    await settled(a);
    proxy.silent = true; // no close, no error: only the missing pong tells
    await until('the dead link detected', () => !a.client.state.online, 10_000);
    const missed = await serverGroup(`${p}During the outage`);
    await new Promise((r) => setTimeout(r, 1500)); // reconnection attempts hang on the silent link and are given up
    expect(proxy.connections).toBeGreaterThan(1);
    proxy.silent = false;
    await until('back online', () => a.client.state.online, 20_000);
    await until('the missed row synced', async () => (await a.client.get('Group', missed)) !== undefined);
  });

  it('should answer a RESYNC (a change two relations away) with a sync', async () => {
    const p = prefix('resync');
    const ann = crypto.randomUUID();
    await gql('mutation($uid: String!, $n: String!) { saveUser(input: {uid: $uid, name: $n}) { uid } }', { uid: ann, n: 'Ann of another prefix' });
    const group = await serverGroup(`${p}Blue`);
    await gql('mutation($uid: String!, $u: String!, $g: String!) { saveUserGroup(input: {uid: $uid, userUid: $u, groupUid: $g}) { uid } }',
      { uid: crypto.randomUUID(), u: ann, g: group });
    const redMembers = { table: 'User', where: { memberships: { some: { group: { name: { eq: `${p}Red` } } } } } };
    const a = await openClient(dbName('resync'), [redMembers]);
    open.push(a);
    await settled(a);
    expect(await a.client.list('User')).toEqual([]);
    const syncedBefore = a.client.state.lastSyncAt;
    await gql('mutation($uid: String!, $n: String!) { saveGroup(input: {uid: $uid, name: $n}) { uid } }', { uid: group, n: `${p}Red` });
    await until('Ann synced in after the RESYNC', async () => (await a.client.get('User', ann)) !== undefined);
    expect(a.client.state.lastSyncAt).not.toBe(syncedBefore);
  });
});
