import { describe, expect, it } from 'vitest';
import { dbName, gql, prefix, serverGroup, serverMembership, serverUser, settled, testClients, until } from './support.js';

const { client } = testClients();

describe('two clients, one offline', () => {
  it('should show window 2 the memberships of a group window 1 deleted offline (the seed bug, end to end)', async () => {
    const p = prefix('seed');
    const ann = await serverUser(`${p}Ann`);
    const group = await serverGroup(`${p}Friends`);
    const membership = await serverMembership(ann, group);
    const window1 = await client(dbName('seed-1'), p);
    const window2 = await client(dbName('seed-2'), p);
    await Promise.all([settled(window1), settled(window2)]);
    expect((await window2.client.get('UserGroup', membership))?.deletedAt).toBeNull();

    window1.goOffline();
    await until('window 1 offline', () => !window1.client.state.online);
    await window1.client.delete('Group', group);
    expect((await window1.client.get('UserGroup', membership))?.deletedAt).not.toBeNull(); // local cascade
    expect((await window1.client.replica.outbox()).map((e) => e.table)).toEqual(['Group']); // the server cascades its side
    window1.goOnline();
    await settled(window1);

    // Window 2 does nothing: only the realtime events can tell it.
    await until('window 2 sees the membership tombstoned', async () => (await window2.client.get('UserGroup', membership))?.deletedAt != null);
    // Events of the two subscriptions may come in either order.
    await until('window 2 sees the group tombstoned', async () => (await window2.client.get('Group', group))?.deletedAt != null);
    expect(await window2.client.list('Group', { where: { memberships: { some: { userUid: { eq: ann } } } } })).toEqual([]);
    const db = await gql<{ userGroups: { deletedAt: string | null; version: number }[] }>(
      'query($u: String!) { userGroups(where: {uid: {eq: $u}}, includeDeleted: true) { deletedAt version } }', { u: membership });
    expect(db.userGroups[0]!.deletedAt).not.toBeNull();
    const inWindow1 = await window1.client.get('UserGroup', membership);
    expect(inWindow1?.version).toBe(db.userGroups[0]!.version); // window 1 holds the server's tombstone, not only its own
    expect((await window2.client.get('UserGroup', membership))?.version).toBe(db.userGroups[0]!.version);
  });

  it('should report a lost conflict when both edit one row offline and the other wrote later', async () => {
    const p = prefix('conflict');
    const group = await serverGroup(`${p}Team`);
    const a = await client(dbName('conflict-a'), p);
    const b = await client(dbName('conflict-b'), p);
    await Promise.all([settled(a), settled(b)]);
    a.goOffline();
    b.goOffline();
    await until('both offline', () => !a.client.state.online && !b.client.state.online);
    await b.client.save('Group', { uid: group, name: `${p}Team by B` }); // earlier updatedAt
    await new Promise((r) => setTimeout(r, 20));
    await a.client.save('Group', { uid: group, name: `${p}Team by A` });
    a.goOnline();
    await settled(a);
    b.goOnline();
    await until('B told of its lost edit', () => b.rejections.length > 0);
    expect(b.rejections).toMatchObject([{ table: 'Group', uid: group, reason: 'CONFLICT_LOST' }]);
    expect(b.rejections[0]!.serverRow?.name).toBe(`${p}Team by A`);
    await settled(b);
    expect((await b.client.get('Group', group))?.name).toBe(`${p}Team by A`);
    expect(a.rejections).toEqual([]);
  });

  it('should report a membership refused because its group was deleted meanwhile, and not keep it', async () => {
    const p = prefix('rejected');
    const ann = await serverUser(`${p}Ann`);
    const group = await serverGroup(`${p}Doomed`);
    const a = await client(dbName('rejected-a'), p);
    const b = await client(dbName('rejected-b'), p);
    await Promise.all([settled(a), settled(b)]);
    a.goOffline();
    await until('A offline', () => !a.client.state.online);
    const membership = await a.client.save('UserGroup', { userUid: ann, groupUid: group });
    await b.client.delete('Group', group);
    await settled(b);
    a.goOnline();
    await until('A told of the refused membership', () => a.rejections.length > 0);
    expect(a.rejections).toMatchObject([{ table: 'UserGroup', uid: membership.uid, reason: 'PARENT_DELETED' }]);
    await settled(a);
    expect(await a.client.list('UserGroup')).toEqual([]);
    expect((await a.client.get('Group', group))?.deletedAt).not.toBeNull();
  });
});
