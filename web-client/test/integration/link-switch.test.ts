/**
 * The app's online/offline switch (`client.setOnline`) against the real server: off closes the
 * socket and sends nothing, whatever the network says; on catches up. It is the replica's: the
 * other tabs, the next leader and the next opening keep it.
 */
import { WebSocket } from 'ws';
import { describe, expect, it } from 'vitest';
import type { FetchLike } from '../../src/transport/graphql-http.js';
import { dbName, prefix, serverGroup, settled, testClients, until } from './support.js';

const { client } = testClients();

/** The sockets a client opened, and the HTTP requests it made, as the server would see them. */
function witness(): { sockets: WebSocket[]; requests: string[]; webSocketImpl: unknown; fetch: FetchLike } {
  const sockets: WebSocket[] = [];
  const requests: string[] = [];
  class Counted extends WebSocket {
    constructor(...args: ConstructorParameters<typeof WebSocket>) {
      super(...args);
      sockets.push(this);
    }
  }
  return {
    sockets, requests, webSocketImpl: Counted,
    fetch: (url, init) => {
      requests.push(String(init.body ?? url).slice(0, 60));
      return fetch(url, init);
    },
  };
}

const open = (sockets: WebSocket[]): number => sockets.filter((s) => s.readyState !== WebSocket.CLOSED).length;

describe('the app\'s online/offline switch', () => {
  it('should close the socket and send nothing while switched off, network or not, and sync what waited once switched on', async () => {
    const p = prefix('switch');
    const seen = witness();
    const a = await client(dbName('switch'), p, { webSocketImpl: seen.webSocketImpl, fetch: seen.fetch });
    const b = await client(dbName('switch-b'), p);
    await settled(a);
    await settled(b);
    expect(open(seen.sockets)).toBe(1);

    await a.client.setOnline(false);
    expect(a.client.state).toMatchObject({ online: false, switchedOff: true }); // at once
    await until('the socket closed', () => open(seen.sockets) === 0);
    const requestsBefore = seen.requests.length;
    const mine = await a.client.save('Group', { name: `${p}Made while switched off` });
    const theirs = await serverGroup(`${p}Made elsewhere meanwhile`);
    a.goOnline(); // the network says it is back: the switch still holds the link down
    a.client.sync();
    await new Promise((r) => setTimeout(r, 800));
    expect(seen.requests.length).toBe(requestsBefore);
    expect(seen.sockets.length).toBe(1);
    expect(a.client.state).toMatchObject({ online: false, pending: 1 });
    expect(await a.client.get('Group', theirs)).toBeUndefined();
    expect(await b.client.get('Group', mine.uid)).toBeUndefined();

    await a.client.setOnline(true);
    expect(a.client.state.switchedOff).toBe(false);
    await settled(a);
    expect(await a.client.get('Group', theirs)).toBeDefined();
    await until('the other device got the change that waited', async () => (await b.client.get('Group', mine.uid)) !== undefined);
    expect(open(seen.sockets)).toBe(1);
  });

  it('should stay off in every tab of the replica, in the tab that leads next and after a reopening, until switched on', async () => {
    const p = prefix('switch-tabs');
    const db = dbName('switch-tabs');
    const first = witness();
    const tab1 = await client(db, p, { webSocketImpl: first.webSocketImpl });
    const second = witness();
    const tab2 = await client(db, p, { webSocketImpl: second.webSocketImpl });
    await settled(tab1);
    expect([tab1.client.state.leader, tab2.client.state.leader]).toEqual([true, false]);

    await tab2.client.setOnline(false); // a follower's switch takes the leader's link down
    await until('the leader closed its socket', () => open(first.sockets) === 0);
    await until('the other tab shows the switch', () => tab1.client.state.switchedOff && !tab2.client.state.online);

    await tab1.client.close(); // tab 2 leads now, with the link still switched off
    await until('tab 2 leads', () => tab2.client.state.leader);
    const missed = await serverGroup(`${p}While switched off`);
    await new Promise((r) => setTimeout(r, 800));
    expect(second.sockets).toHaveLength(0);
    await tab2.client.close();

    const reopened = witness();
    const tab3 = await client(db, p, { webSocketImpl: reopened.webSocketImpl, fetch: reopened.fetch });
    expect(tab3.client.state.switchedOff).toBe(true);
    await new Promise((r) => setTimeout(r, 800));
    expect([reopened.sockets.length, reopened.requests.length]).toEqual([0, 0]); // not even the schema check
    await tab3.client.setOnline(true);
    await settled(tab3);
    expect(await tab3.client.get('Group', missed)).toBeDefined();
  });
});
