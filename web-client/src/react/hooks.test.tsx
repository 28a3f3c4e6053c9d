// @vitest-environment happy-dom
import 'fake-indexeddb/auto';
import { act, cleanup, render, screen, waitFor } from '@testing-library/react';
import { memo, useState } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import type { Group, User } from '../../demo/src/tidemark-types.js';
import { applySyncResult } from '../sync/sync-apply.js';
import { buildSyncPlan } from '../sync/sync-plan.js';
import { openLocal, renderWith, useLiveQuery, usePending, useRejections, useScope, useSyncState } from '../test-support/react-fixture.js';
import { serverRow } from '../test-support/replica-fixture.js';
import { result } from '../test-support/sync-fixture.js';
import { useLiveQuery as untypedLiveQuery } from './index.js';

afterEach(cleanup);

function Names({ prefix }: { prefix: string }) {
  const { data, loading, error } = useLiveQuery((db) => db.list('User', { where: { name: { startsWith: prefix } } }), [prefix]);
  if (error) return <p>error: {error.message}</p>;
  if (loading) return <p>loading</p>;
  return <p>names: {data!.map((u) => u.name).join(', ')}</p>;
}

describe('useLiveQuery', () => {
  it('should show loading, then the rows, then the rows after each change', async () => {
    const client = await openLocal();
    await client.save('User', { name: 'Ann' });
    renderWith(client, <Names prefix="A" />);
    expect(screen.getByText('loading')).toBeTruthy();
    await screen.findByText('names: Ann');
    await act(async () => { await client.save('User', { name: 'Alice' }); });
    await screen.findByText('names: Ann, Alice');
    await client.close();
  });

  it('should read again when its deps change, showing loading and not the old rows meanwhile', async () => {
    const client = await openLocal();
    await client.save('User', { name: 'Ann' });
    await client.save('User', { name: 'Bob' });
    const seen: string[] = [];
    function Switch() {
      const [prefix, setPrefix] = useState('A');
      const { data, loading } = useLiveQuery((db) => db.list('User', { where: { name: { startsWith: prefix } } }), [prefix]);
      seen.push(loading ? 'loading' : data!.map((u) => u.name).join());
      return <button onClick={() => setPrefix('B')}>{loading ? 'loading' : data!.map((u) => u.name).join()}</button>;
    }
    renderWith(client, <Switch />);
    await screen.findByText('Ann');
    act(() => screen.getByRole('button').click());
    await screen.findByText('Bob');
    const afterSwitch = seen.slice(seen.lastIndexOf('Ann') + 1);
    expect(afterSwitch[0]).toBe('loading'); // the very render after the switch: not Ann's rows under Bob's prefix
    expect(afterSwitch.at(-1)).toBe('Bob');
    expect(afterSwitch.every((s) => s === 'loading' || s === 'Bob')).toBe(true);
    await client.close();
  });

  it('should give the error of a read the schema refuses', async () => {
    const client = await openLocal();
    function Bad() {
      const { error } = untypedLiveQuery((db) => db.list('User', { where: { nmae: { eq: 'x' } } }), []);
      return <p>{error ? error.message : 'no error'}</p>;
    }
    renderWith(client, <Bad />);
    await screen.findByText(/User has no column or relation 'nmae'/);
    await client.close();
  });

  it('should say where the provider is missing', () => {
    const quiet = console.error;
    console.error = () => undefined; // React logs the error it rethrows
    try {
      expect(() => render(<Names prefix="A" />)).toThrow('No Tidemark client here: render this component inside <TidemarkProvider client={client}>');
    } finally {
      console.error = quiet;
    }
  });
});

describe('rendering 10,000 rows', () => {
  it('should render again only the row that changed, and only the row added', async () => {
    const client = await openLocal();
    const scope = client.replica.scopesOf('User')[0]!;
    const rows = Array.from({ length: 10_000 }, (_, i) => serverRow({ uid: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, version: 1, name: `user ${i}`, email: null }));
    const tx = client.replica.transaction('readwrite');
    for (const row of rows) void tx.objectStore('User').put({ ...row, __scopes: [scope.id] });
    await tx.done; // what a sync's first page stores, in one transaction
    const renders = new Map<string, number>();
    let listRenders = 0;
    const UserRow = memo(function UserRow({ user }: { user: User }) {
      renders.set(user.uid, (renders.get(user.uid) ?? 0) + 1);
      return <li>{user.name}</li>;
    });
    function Users() {
      const { data } = useLiveQuery((db) => db.list('User'), []);
      listRenders++;
      return <ul>{data?.map((u) => <UserRow key={u.uid} user={u} />)}</ul>;
    }
    renderWith(client, <Users />);
    await waitFor(() => expect(renders.size).toBe(10_000), { timeout: 30_000 });
    const total = (): number => [...renders.values()].reduce((a, b) => a + b, 0);
    const initial = total();
    expect(initial).toBe(20_000); // StrictMode renders every component twice

    const before = listRenders;
    await act(async () => { await client.save('User', { uid: rows[5000]!.uid, name: 'renamed' }); });
    await screen.findByText('renamed', {}, { timeout: 30_000 });
    expect(total() - initial).toBe(2); // the one row, rendered twice by StrictMode
    expect(renders.get(rows[5000]!.uid)).toBe(4);

    await act(async () => { await client.save('User', { name: 'newcomer' }); });
    await screen.findByText('newcomer', {}, { timeout: 30_000 });
    expect(total() - initial).toBe(4); // and the new one
    expect(listRenders - before).toBeLessThanOrEqual(8); // the list itself: a few renders per change, not per row

    await act(async () => { await client.save('Group', { name: 'Red' }); });
    expect(total() - initial).toBe(4); // a write to another table renders nothing
    await client.close();
  }, 120_000);
});

describe('useSyncState and usePending', () => {
  it('should show the pending count and the waiting rows as writes are made and answered', async () => {
    const client = await openLocal();
    function Status() {
      const state = useSyncState();
      const { items, loading } = usePending();
      return <p>{state.online ? 'online' : 'offline'} {state.pending} pending: {loading ? '…' : items.map((i) => `${i.table}/${i.status}`).join()}</p>;
    }
    renderWith(client, <Status />);
    await screen.findByText('offline 0 pending:');
    const red = await act(() => client.save('Group', { name: 'Red' }));
    await screen.findByText('offline 1 pending: Group/pending');
    const plan = await act(() => buildSyncPlan(client.replica));
    await screen.findByText('offline 1 pending: Group/sent');
    await act(async () => { await applySyncResult(client.replica, plan, result([serverRow({ uid: red.uid, version: 3, name: 'Red' })], { applied: [red.uid] })); });
    await screen.findByText('offline 0 pending:');
    await client.close();
  });
});

describe('useRejections', () => {
  async function rejected(): Promise<{ client: Awaited<ReturnType<typeof openLocal>>; red: Group }> {
    const client = await openLocal();
    const red = await client.save('Group', { name: 'Mine' });
    const plan = await buildSyncPlan(client.replica);
    const theirs = serverRow({ uid: red.uid, version: 9, name: 'Theirs' });
    await applySyncResult(client.replica, plan, result([theirs], { rejected: [{ uid: red.uid, reason: 'CONFLICT_LOST', field: null, message: 'a later write won' }] }));
    return { client, red };
  }

  function Rejections({ action }: { action: 'retry' | 'discard' | 'acknowledge' }) {
    const { rejections, loading, ...actions } = useRejections();
    const { data: groups } = useLiveQuery((db) => db.list('Group'), []);
    return (
      <div>
        <p>groups: {groups?.map((g) => g.name).join()}</p>
        {rejections.map((r) => <button key={r.id} onClick={() => void actions[action](r.id)}>{r.reason}: {String(r.local.name)} lost to {String(r.serverRow?.name)}</button>)}
        {!loading && rejections.length === 0 && <p>no rejection</p>}
      </div>
    );
  }

  it('should list a rejection and retry it: the refused values written again', async () => {
    const { client } = await rejected();
    renderWith(client, <Rejections action="retry" />);
    const button = await screen.findByText('CONFLICT_LOST: Mine lost to Theirs');
    await screen.findByText('groups: Theirs');
    act(() => button.click());
    await screen.findByText('no rejection');
    await screen.findByText('groups: Mine');
    expect((await client.outbox()).map((i) => i.status)).toEqual(['pending']);
    await client.close();
  });

  it('should discard a rejection: the server\'s row stays', async () => {
    const { client } = await rejected();
    renderWith(client, <Rejections action="discard" />);
    await screen.findByText('groups: Theirs');
    act(() => screen.getByText('CONFLICT_LOST: Mine lost to Theirs').click());
    await screen.findByText('no rejection');
    expect(await client.outbox()).toEqual([]);
    await client.close();
  });

  it('should acknowledge a rejection', async () => {
    const { client } = await rejected();
    renderWith(client, <Rejections action="acknowledge" />);
    const button = await screen.findByText('CONFLICT_LOST: Mine lost to Theirs');
    act(() => button.click());
    await screen.findByText('no rejection');
    expect(await client.rejections()).toEqual([]);
    await client.close();
  });
});

describe('useScope', () => {
  it('should hold a scope while mounted (StrictMode\'s remount included) and release it after', async () => {
    const client = await openLocal([{ table: 'User' }]);
    const user = await client.save('User', { name: 'Ann' });
    function Documents({ owner }: { owner: string }) {
      const scope = useScope('UserDocument', { userUid: { eq: owner } });
      return <p>{scope.error ? scope.error.message : `scope ${scope.id ?? 'none'}`}</p>;
    }
    const handles = new Set<unknown>();
    const scope = client.scope.bind(client);
    client.scope = ((...args: Parameters<typeof scope>) => { const handle = scope(...args); handles.add(handle); return handle; }) as typeof client.scope;
    const view = renderWith(client, <Documents owner={user.uid} />);
    await screen.findByText(/^scope UserDocument/);
    await new Promise((r) => queueMicrotask(() => r(undefined)));
    expect(client.replica.scopesOf('UserDocument')).toHaveLength(1);
    expect(handles.size).toBe(1); // StrictMode's remount took the same claim: the scope was never released in between
    await client.save('UserDocument', { userUid: user.uid, title: 'Notes' }); // writable: the scope is held
    view.unmount();
    await waitFor(() => expect(client.replica.scopesOf('UserDocument')).toHaveLength(0));
    await expect(client.save('UserDocument', { userUid: user.uid, title: 'More' })).rejects.toMatchObject({ code: 'NO_SCOPE' });
    await client.close();
  });

  it('should give the error of a where the schema refuses', async () => {
    const client = await openLocal();
    function Bad() {
      const scope = useScope('UserDocument', { userUid: { eq: 'not a uid' } });
      return <p>{scope.error ? `${scope.error.name}: ${scope.error.message}` : 'ok'}</p>;
    }
    renderWith(client, <Bad />);
    await screen.findByText("WhereError: where.userUid.eq: \"not a uid\" is not a uid (8-4-4-4-12 hexadecimal digits)");
    await client.close();
  });
});
