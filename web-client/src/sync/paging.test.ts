import { describe, expect, it } from 'vitest';
import type { Row } from '../replica/types.js';
import { GraphQLHttp, type FetchLike } from '../transport/graphql-http.js';
import { freshName, openReplica, seed, serverRow, uid } from '../test-support/replica-fixture.js';
import { evictScopes } from '../scopes/eviction.js';
import { readPaging } from './paging-state.js';
import { ScopePaging } from './paging.js';

const groups = { id: 'g', table: 'Group', where: null };

interface PageInput { id: string; pageSize: number; after: string | null }

/** A server holding `rows` (in uid order) that answers pages as the real one does; `fail(n)` makes the n-th request fail. */
function pagingServer(rows: Row[], log: PageInput[], fail: (n: number) => boolean = () => false): FetchLike {
  let requests = 0;
  return async (_url, init) => {
    const scope = (JSON.parse(init.body) as { variables: { input: { groups: PageInput[] } } }).variables.input.groups[0]!;
    log.push(scope);
    if (fail(++requests)) throw new TypeError('network connection lost');
    const from = scope.after === null ? 0 : rows.findIndex((r) => r.uid > scope.after!);
    const start = from < 0 ? rows.length : from;
    const page = rows.slice(start, start + scope.pageSize);
    const more = start + scope.pageSize < rows.length;
    const answer = { id: scope.id, upserts: page, more, nextAfter: page.at(-1)?.uid ?? scope.after, total: scope.after === null ? rows.length : null, applied: [], drops: [], rejected: [] };
    return { ok: true, status: 200, json: async () => ({ data: { sync: { cursor: '9@x', groups: [answer] } } }) };
  };
}

const rows = Array.from({ length: 25 }, (_, i) => serverRow({ uid: uid(100 + i), version: 10 + i, name: `G${i}` }));

describe('a paged first sync', () => {
  it('should store the scope page by page in uid order, reporting progress, and ask for a reconcile when it took several pages', async () => {
    const replica = await openReplica([groups]);
    const log: PageInput[] = [];
    const progress: [number, number | null][] = [];
    const paging = new ScopePaging(replica, new GraphQLHttp('http://s/graphql', pagingServer(rows, log)), 10, { progress: (_id, received, total) => progress.push([received, total]) });
    expect(await paging.unfilled([groups])).toEqual([groups]); // no row held yet
    const outcome = await paging.fill([groups], () => true);
    expect(outcome).toEqual({ kind: 'filled', needsReconcile: [groups] });
    expect(log.map((l) => [l.pageSize, l.after])).toEqual([[10, null], [10, uid(109)], [10, uid(119)]]);
    expect(progress).toEqual([[0, null], [10, 25], [20, 25], [25, 25]]);
    expect((await replica.list('Group')).length).toBe(25);
    expect(await readPaging(replica.db, 'g')).toBeUndefined(); // done: nothing to resume
    expect(await paging.unfilled([groups])).toEqual([]);
  });

  it('should ask for a tenth of a page first (at least 100 rows), so that the first rows show sooner', async () => {
    const replica = await openReplica([groups]);
    const many = Array.from({ length: 250 }, (_, i) => serverRow({ uid: uid(1000 + i), version: 1, name: `M${i}` }));
    const log: PageInput[] = [];
    const paging = new ScopePaging(replica, new GraphQLHttp('http://s/graphql', pagingServer(many, log)), 2000, { progress: () => undefined });
    await paging.fill([groups], () => true);
    expect(log.map((l) => l.pageSize)).toEqual([200, 2000]);
    expect((await replica.list('Group')).length).toBe(250);
  });

  it('should not page again a scope that came empty, until it is evicted or its where changes', async () => {
    const replica = await openReplica([groups]);
    const log: PageInput[] = [];
    const paging = new ScopePaging(replica, new GraphQLHttp('http://s/graphql', pagingServer([], log)), 10, { progress: () => undefined });
    expect(await paging.fill([groups], () => true)).toEqual({ kind: 'filled', needsReconcile: [] });
    // its first sync is done: it holds no row because there is none, so it is synced as filled scopes are
    expect(await paging.unfilled([groups])).toEqual([]);
    expect(await paging.unfilled([{ ...groups, where: { name: { eq: 'other' } } }])).toHaveLength(1); // another where: a new first sync
    await evictScopes(replica, ['g']);
    expect(await paging.unfilled([groups])).toEqual([groups]); // added again later: a new first sync
    expect(log).toHaveLength(1);
  });

  it('should need no reconcile for a scope read in one page', async () => {
    const replica = await openReplica([groups]);
    const paging = new ScopePaging(replica, new GraphQLHttp('http://s/graphql', pagingServer(rows.slice(0, 3), [])), 10, { progress: () => undefined });
    expect(await paging.fill([groups], () => true)).toEqual({ kind: 'filled', needsReconcile: [] });
  });

  it('should resume after the last stored page when the link drops mid-way, in another instance (a reload), not from the start', async () => {
    const name = freshName();
    const replica = await openReplica([groups], name);
    const log: PageInput[] = [];
    const dropping = new ScopePaging(replica, new GraphQLHttp('http://s/graphql', pagingServer(rows, log, (n) => n === 3)), 10, { progress: () => undefined });
    expect(await dropping.fill([groups], () => true)).toMatchObject({ kind: 'failed', failure: 'network', retry: 'link' });
    expect(await readPaging(replica.db, 'g')).toEqual({ after: uid(119), received: 20, total: 25, pages: 2 });
    replica.db.close();

    const reopened = await openReplica([groups], name);
    const progress: [number, number | null][] = [];
    const resumed = new ScopePaging(reopened, new GraphQLHttp('http://s/graphql', pagingServer(rows, log)), 10, { progress: (_id, r, t) => progress.push([r, t]) });
    expect(await resumed.unfilled([groups])).toEqual([groups]); // rows held, but the paging is not done
    expect(await resumed.fill([groups], () => true)).toEqual({ kind: 'filled', needsReconcile: [groups] });
    expect(log.map((l) => l.after)).toEqual([null, uid(109), uid(119), uid(119)]); // the lost page asked again, not the first two
    expect(progress).toEqual([[20, 25], [25, 25]]);
    expect((await reopened.list('Group')).length).toBe(25);
  });

  it('should keep a row newer than its page (an event came first), and the local values of a row with a pending change', async () => {
    const replica = await openReplica([groups]);
    await seed(replica, 'Group', serverRow({ uid: uid(101), version: 99, name: 'Newer, by an event' }));
    await replica.save('Group', { uid: uid(101), name: 'Mine' });
    const paging = new ScopePaging(replica, new GraphQLHttp('http://s/graphql', pagingServer(rows.slice(0, 5), [])), 10, { progress: () => undefined });
    await paging.fill([groups], () => true);
    expect(await replica.get('Group', uid(101))).toMatchObject({ name: 'Mine', version: 99 });
    expect((await replica.list('Group')).length).toBe(5);
  });

  it('should halve the page after the server refused it as too large', async () => {
    const replica = await openReplica([groups]);
    const sizes: number[] = [];
    let first = true;
    const refusing: FetchLike = async (url, init) => {
      const scope = (JSON.parse(init.body) as { variables: { input: { groups: PageInput[] } } }).variables.input.groups[0]!;
      sizes.push(scope.pageSize);
      if (first) {
        first = false;
        return { ok: true, status: 200, json: async () => ({ errors: [{ message: 'pageSize is over the limit', extensions: { code: 'LIMIT_EXCEEDED' } }] }) };
      }
      return pagingServer(rows, [])(url, init);
    };
    const paging = new ScopePaging(replica, new GraphQLHttp('http://s/graphql', refusing), 40, { progress: () => undefined });
    expect(await paging.fill([groups], () => true)).toMatchObject({ kind: 'failed', retry: 'now' });
    expect(await paging.fill([groups], () => true)).toMatchObject({ kind: 'filled' });
    expect(sizes).toEqual([40, 20, 20]);
  });
});
