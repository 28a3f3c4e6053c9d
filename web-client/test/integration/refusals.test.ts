/** What the server refuses (a delete out of scope, a malformed change, a subscription) never wedges the client nor loses the change. */
import { describe, expect, it } from 'vitest';
import { SYNC_SCHEMA_QUERY, type SyncSchema } from '../../src/index.js';
import { dbName, gql, prefix, serverGroup, serverMembership, serverUser, settled, testClients, until } from './support.js';

const { open, client } = testClients();

const serverGroups = async (p: string) =>
  (await gql<{ groups: { uid: string; name: string }[] }>('query($p: String!) { groups(where: {name: {startsWith: $p}}) { uid name } }', { p })).groups;

describe('refusals', () => {
  it('should put back the memberships of a group whose delete the server refused, as the server holds them', async () => {
    const p = prefix('refused-delete');
    const ann = await serverUser(`${p}Ann`);
    const group = await serverGroup(`${p}Team`);
    const membership = await serverMembership(ann, group);
    // Memberships by their user's name: they stay in scope whatever happens to the group.
    const scoped = await client(dbName('refused-delete'), p, {}, [
      { table: 'User', where: { name: { startsWith: p } } },
      { table: 'Group', where: { name: { startsWith: p } } },
      { table: 'UserGroup', where: { user: { name: { startsWith: p } } } },
    ]);
    await settled(scoped);
    const before = await scoped.client.get('UserGroup', membership);
    scoped.goOffline();
    await until('offline', () => !scoped.client.state.online);
    await scoped.client.delete('Group', group);
    expect((await scoped.client.get('UserGroup', membership))?.deletedAt).not.toBeNull(); // the local cascade
    // Meanwhile the group leaves this client's scope: its delete will be refused (OUT_OF_SCOPE).
    await gql('mutation($uid: String!, $n: String!) { saveGroup(input: {uid: $uid, name: $n}) { uid } }', { uid: group, n: `elsewhere ${p}` });
    scoped.goOnline();
    await settled(scoped);
    expect(scoped.rejections.map((r) => [r.table, r.uid, r.reason])).toEqual([['Group', group, 'OUT_OF_SCOPE']]);
    const onServer = await gql<{ userGroups: { deletedAt: string | null; version: number }[] }>(
      'query($u: String!) { userGroups(where: {uid: {eq: $u}}, includeDeleted: true) { deletedAt version } }', { u: membership });
    expect(onServer.userGroups).toEqual([{ deletedAt: null, version: before!.version }]);
    expect(await scoped.client.get('UserGroup', membership)).toMatchObject({ deletedAt: null, version: before!.version }); // not a tombstone held as unchanged
  });

  it('should refuse a malformed uid at once and sync the good change made after it (the wedge of issue 15)', async () => {
    const p = prefix('bad-uid');
    const a = await client(dbName('bad-uid'), p);
    await settled(a);
    a.goOffline();
    await until('offline', () => !a.client.state.online);
    await expect(a.client.save('Group', { uid: 'not-a-uuid', name: `${p}Bad` })).rejects.toMatchObject({ code: 'BAD_USER_INPUT', field: 'uid' });
    const good = await a.client.save('Group', { name: `${p}Good` });
    a.goOnline();
    await settled(a);
    expect((await serverGroups(p)).map((g) => g.uid)).toEqual([good.uid]);
  });

  it('should reject the one change the server refuses as malformed, with its code, and sync every other', async () => {
    const p = prefix('malformed');
    const real = (await gql<{ syncSchema: SyncSchema }>(SYNC_SCHEMA_QUERY)).syncSchema;
    // A client on an older schema, when Group.name could be null: it lets a change through that the server now refuses.
    const older: SyncSchema = {
      ...real, version: 'an older release',
      tables: real.tables.map((t) => (t.name !== 'Group' ? t : { ...t, columns: t.columns.map((c) => (c.name === 'name' ? { ...c, nullable: true } : c)) })),
    };
    const a = await client(dbName('malformed'), p, { schema: older });
    await settled(a);
    a.goOffline();
    await until('offline', () => !a.client.state.online);
    const made: string[] = [];
    for (const name of ['One', 'Two', 'Three']) made.push((await a.client.save('Group', { name: `${p}${name}` })).uid);
    const unnamed = await a.client.save('Group', { name: null });
    made.push((await a.client.save('Group', { name: `${p}Four` })).uid);
    a.goOnline();
    await settled(a);
    expect((await serverGroups(p)).map((g) => g.uid).sort()).toEqual(made.sort());
    expect(a.rejections.map((r) => [r.uid, r.reason, r.local.name])).toEqual([[unnamed.uid, 'BAD_USER_INPUT', null]]);
    expect((await a.client.rejections()).map((r) => r.uid)).toEqual([unnamed.uid]);
    expect(await a.client.get('Group', unnamed.uid)).toBeUndefined(); // never on the server: gone from the replica, kept in the record
  });

  it('should sync the other scopes when the server refuses the subscription of one, and say which', async () => {
    const p = prefix('refused-scope');
    const tooMany = Array.from({ length: 501 }, (_, i) => `${p}${i}`); // over tidemark.where.max-in-size (500)
    const real = (await gql<{ syncSchema: SyncSchema }>(SYNC_SCHEMA_QUERY)).syncSchema;
    // Limits read when the server took lists of 1000: the client lets the scope through, the server refuses it now.
    const stale: SyncSchema = { ...real, limits: { ...real.limits!, maxInSize: 1000 } };
    await expect(client(dbName('refused-scope-now'), p, {}, [{ table: 'Group', where: { name: { in: tooMany } } }]))
      .rejects.toMatchObject({ code: 'LIMIT_EXCEEDED', field: 'scopes[0].where.name.in' }); // with the limits as they are: refused at once
    const a = await client(dbName('refused-scope'), p, { schema: stale }, [
      { table: 'User', where: { name: { startsWith: p } } },
      { id: 'too-wide', table: 'Group', where: { name: { in: tooMany } } },
    ]);
    await until('the subscriptions settled', () => a.client.state.online && a.client.state.lastSyncAt !== null);
    expect(a.client.state.refusedScopes).toMatchObject([{ id: 'too-wide', code: 'LIMIT_EXCEEDED', retrying: false }]);
    const user = await a.client.save('User', { name: `${p}Ann` });
    await until('the user synced', async () => ((await a.client.get('User', user.uid))?.version ?? 0) > 0);
    await until('nothing pending', () => a.client.state.pending === 0);
    expect(a.client.state.refusedScopes.map((s) => s.id)).toEqual(['too-wide']);
  });

  it('should keep a rejection with the refused values across a reload until the app acknowledges it', async () => {
    const p = prefix('kept');
    const group = await serverGroup(`${p}Team`);
    const db = dbName('kept');
    const a = await client(db, p);
    await settled(a);
    a.goOffline();
    await until('offline', () => !a.client.state.online);
    await a.client.save('Group', { uid: group, name: `${p}Mine` }); // earlier than the server's edit: it loses
    await gql('mutation($uid: String!, $n: String!) { saveGroup(input: {uid: $uid, name: $n}) { uid } }', { uid: group, n: `${p}Theirs` });
    a.goOnline();
    await settled(a);
    expect((await a.client.get('Group', group))?.name).toBe(`${p}Theirs`);
    await a.client.close();
    open.splice(open.indexOf(a), 1);

    const reloaded = await client(db, p, { connect: false });
    const [kept, ...others] = await reloaded.client.rejections();
    expect(others).toEqual([]);
    expect(kept).toMatchObject({ table: 'Group', uid: group, reason: 'CONFLICT_LOST', status: 'open', local: { name: `${p}Mine` }, serverRow: { name: `${p}Theirs` } });
    expect(reloaded.client.state.rejections).toBe(1);
    expect(await reloaded.client.acknowledge(kept!.id)).toBe(true);
    expect(await reloaded.client.rejections()).toEqual([]);
    expect(reloaded.client.state.rejections).toBe(0);
  });
});
