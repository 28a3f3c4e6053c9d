/** The replica stays usable whatever the server and the token do: opening never waits for the network, a refused token only pauses the sync. */
import { afterEach, describe, expect, it } from 'vitest';
import { admin, dbName, gql, openClient, prefix, scopesFor, serverGroup, settled, until, type TestClient } from './support.js';
import { TcpProxy } from './tcp-proxy.js';

const open: TestClient[] = [];
const proxies: TcpProxy[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((c) => c.client.close()));
  await Promise.all(proxies.splice(0).map((p) => p.close()));
});

async function firstStart(db: string, p: string): Promise<void> {
  const first = await openClient(db, scopesFor(p));
  await settled(first);
  await first.client.close();
}

describe('opening and tokens', () => {
  it('should open the replica at once from its stored schema while the server does not answer', async () => {
    const p = prefix('hanging');
    const group = await serverGroup(`${p}Kept`);
    const db = dbName('hanging');
    await firstStart(db, p);
    const proxy = await TcpProxy.start(process.env.TIDEMARK_URL!);
    proxies.push(proxy);
    proxy.silent = true; // every request hangs, as behind a captive portal
    const opening = openClient(db, scopesFor(p), { url: proxy.httpUrl, wsUrl: proxy.url });
    const opened = await Promise.race([opening, new Promise<'still waiting'>((r) => setTimeout(() => r('still waiting'), 10_000))]);
    if (opened === 'still waiting') open.push(await opening);
    else open.push(opened);
    expect(opened).not.toBe('still waiting'); // the request timeout is 30 s: before, open() waited for it
    expect((await open[0]!.client.get('Group', group))?.name).toBe(`${p}Kept`);
  });

  it('should open, read and write with a refused token, say UNAUTHENTICATED, and sync by itself once a new token comes', async () => {
    const p = prefix('expired');
    const db = dbName('expired');
    await firstStart(db, p);
    let token: string | undefined = 'an.expired.token';
    const a = await openClient(db, scopesFor(p), { token: () => token });
    open.push(a);
    await until('UNAUTHENTICATED shown', () => a.client.state.unauthenticated);
    expect(a.client.state.lastErrorCode).toBe('UNAUTHENTICATED');
    const made = await a.client.save('Group', { name: `${p}Written meanwhile` });
    expect((await a.client.list('Group')).map((g) => g.uid)).toEqual([made.uid]);
    token = await admin(); // the app's token function now has a fresh one
    await settled(a);
    expect(a.client.state.unauthenticated).toBe(false);
    const onServer = await gql<{ groups: { uid: string }[] }>('query($p: String!) { groups(where: {name: {startsWith: $p}}) { uid } }', { p });
    expect(onServer.groups.map((g) => g.uid)).toEqual([made.uid]);
  });
});
