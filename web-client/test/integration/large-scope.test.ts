/**
 * The paged first sync of a large scope against the real server (sizes kept small for `./mvnw
 * verify`; `npm run bench:first-sync` runs 100,000 rows): rows appear page by page with progress,
 * what changes between pages is reconciled, a drop or a hanging page resumes where it was.
 */
import { describe, expect, it } from 'vitest';
import type { FetchLike } from '../../src/index.js';
import { describeNumbers, makeGroups, measureFirstSync } from '../bench/first-sync.js';
import { admin, dbName, gql, prefix, SERVER, testClients, until } from './support.js';

const { open, client } = testClients();

const serverGroups = async (p: string) =>
  (await gql<{ groups: { uid: string; name: string; version: number }[] }>('query($p: String!) { groups(where: {name: {startsWith: $p}}) { uid name version } }', { p })).groups;

/** The `after` of every page request a client sends. */
function pageWatch(afters: (string | null)[], onPage: (n: number) => Promise<void> | void = () => undefined): FetchLike {
  return async (url, init) => {
    if (init.body.includes('mutation SyncPage')) {
      const input = (JSON.parse(init.body) as { variables: { input: { groups?: { after: string | null }[] } } }).variables.input;
      afters.push(input.groups?.[0]?.after ?? null);
      await onPage(afters.length);
    }
    return fetch(url, init);
  };
}

describe('the first sync of a large scope', () => {
  it('should show rows page by page with progress, and end with exactly the server\'s rows whatever changed between pages', async () => {
    const p = prefix('large');
    await makeGroups(gql, p, 1200, 1200);
    const before = await serverGroups(p);
    const afters: (string | null)[] = [];
    const changed: string[] = [];
    const a = await client(dbName('large'), p, {
      pageSize: 200,
      fetch: pageWatch(afters, async (n) => {
        if (n !== 3) return;
        // Between pages: a row of a page already stored leaves the scope, one not read yet is deleted, one is renamed, one is new.
        const sorted = before.map((g) => g.uid).sort();
        await gql('mutation($u: String!, $n: String!) { saveGroup(input: {uid: $u, name: $n}) { uid } }', { u: sorted[10], n: `elsewhere ${p}` });
        await gql('mutation($u: String!) { deleteGroup(uid: $u) { uid } }', { u: sorted[1100] });
        await gql('mutation($u: String!, $n: String!) { saveGroup(input: {uid: $u, name: $n}) { uid } }', { u: sorted[50], n: `${p}renamed` });
        const fresh = `00000000-0000-4000-8000-${Date.now().toString().padStart(12, '0').slice(-12)}`; // before every cursor
        await gql('mutation($u: String!, $n: String!) { saveGroup(input: {uid: $u, name: $n}) { uid } }', { u: fresh, n: `${p}new` });
        changed.push(fresh);
      }),
    }, []);
    const progress: number[] = [];
    let shownBeforeReady = 0;
    const groups = a.client.scope('Group', { name: { startsWith: p } });
    const stop = a.client.onState((s) => {
      const r = s.progress[groups.id]?.received;
      if (r !== undefined && r !== progress.at(-1)) progress.push(r);
    });
    const stopWatching = a.client.onChange((tables) => { if (tables.has('Group') && !a.client.state.progress[groups.id]?.ready) shownBeforeReady++; });
    await groups.ready;
    stop();
    stopWatching();
    expect(shownBeforeReady).toBeGreaterThanOrEqual(5); // a change per stored page: rows appear before the end
    expect(afters.length).toBe(7); // 1200 rows: a first page of 100, then 200 a page
    expect(progress.slice(0, 3)).toEqual([0, 100, 300]);
    expect(a.client.state.progress[groups.id]).toMatchObject({ total: 1200, ready: true });
    const server = await serverGroups(p);
    const local = await a.client.list('Group');
    expect(local.map((g) => [g.uid, g.name, g.version]).sort()).toEqual(server.map((g) => [g.uid, g.name, g.version]).sort());
    expect(local.some((g) => g.uid === changed[0])).toBe(true);
  });

  it('should resume after a drop mid-way and a reload from its last stored page, not from the start', async () => {
    const p = prefix('resume');
    await makeGroups(gql, p, 1000, 1000);
    const db = dbName('resume');
    const afters: (string | null)[] = [];
    const scopes = [{ table: 'Group', where: { name: { startsWith: p } } }];
    const first = await client(db, p, {
      pageSize: 200,
      fetch: pageWatch(afters, (n) => { if (n === 3) { first.goOffline(); throw new TypeError('network connection lost'); } }),
    }, scopes);
    await until('the drop', () => afters.length === 3 && !first.client.state.online);
    const id = `Group:${JSON.stringify({ name: { startsWith: p } })}`;
    // The third page was asked for while the second was stored: the second is kept, the third lost.
    await until('the second page stored', () => first.client.state.progress[id]?.received === 300);
    expect(first.client.state.progress[id]).toMatchObject({ received: 300, total: 1000, ready: false });
    await first.client.close();
    open.splice(open.indexOf(first), 1);

    const reloaded = await client(db, p, { pageSize: 200, fetch: pageWatch(afters) }, scopes);
    await until('complete', () => Object.values(reloaded.client.state.progress).some((s) => s.ready), 30_000);
    expect(afters.length).toBe(3 + 4); // the lost third page again, then the rest: the first two were not asked again
    expect(afters[3]).toBe(afters[2]);
    expect((await reloaded.client.list('Group')).length).toBe(1000);
    expect(Object.values(reloaded.client.state.progress)[0]).toMatchObject({ received: 1000, total: 1000 });
  });

  it('should give up a page that hangs after the request timeout and ask for it again', async () => {
    const p = prefix('hang');
    await makeGroups(gql, p, 600, 600);
    const afters: (string | null)[] = [];
    const hanging: FetchLike = (url, init) => {
      if (init.body.includes('mutation SyncPage')) {
        afters.push((JSON.parse(init.body) as { variables: { input: { groups: { after: string | null }[] } } }).variables.input.groups[0]!.after);
        if (afters.length === 2) return new Promise((_resolve, reject) => init.signal?.addEventListener('abort', () => reject(new Error('aborted'))));
      }
      return fetch(url, init);
    };
    const a = await client(dbName('hang'), p, { pageSize: 200, requestTimeoutMs: 800, fetch: hanging }, [{ table: 'Group', where: { name: { startsWith: p } } }]);
    await until('complete', () => Object.values(a.client.state.progress).some((s) => s.ready), 30_000);
    expect(afters[2]).toBe(afters[1]); // the page that hung, asked again
    expect((await a.client.list('Group')).length).toBe(600);
  });

  it('should run the first-sync benchmark at a small size and print its numbers', async () => {
    const numbers = await measureFirstSync(SERVER, admin, gql, 2000, 500);
    console.log(describeNumbers(numbers));
    expect(numbers).toMatchObject({ rows: 2000, pages: 5 }); // 100, then 500 a page
    expect(numbers.firstRowsMs).toBeGreaterThan(0);
    expect(numbers.firstRowsMs).toBeLessThanOrEqual(numbers.completeMs);
  });
});
