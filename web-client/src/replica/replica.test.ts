import { describe, expect, it } from 'vitest';
import { openReplica, seed, serverRow, uid } from '../test-support/replica-fixture.js';
import { LocalWriteError } from './types.js';

const ann = serverRow({ uid: uid(1), version: 10, name: 'Ann', email: 'ann@example.org' });
const bob = serverRow({ uid: uid(2), version: 11, name: 'Bob', email: null, createdAt: '2026-01-02T00:00:00.000Z' });
const red = serverRow({ uid: uid(3), version: 12, name: 'Red' });
const blue = serverRow({ uid: uid(4), version: 13, name: 'Blue' });
const annInRed = serverRow({ uid: uid(5), version: 14, userUid: ann.uid, groupUid: red.uid });
const bobInBlue = serverRow({ uid: uid(6), version: 15, userUid: bob.uid, groupUid: blue.uid });

async function demo() {
  const replica = await openReplica();
  await seed(replica, 'User', ann, bob);
  await seed(replica, 'Group', red, blue);
  await seed(replica, 'UserGroup', annInRed, bobInBlue);
  return replica;
}

describe('reads', () => {
  it('should read one row by uid and list rows in createdAt, uid order', async () => {
    const replica = await demo();
    expect(await replica.get('User', ann.uid)).toEqual(ann);
    expect((await replica.list('User')).map((u) => u.name)).toEqual(['Ann', 'Bob']);
  });

  it('should filter lists with the server where operators, and/or/not included', async () => {
    const replica = await demo();
    const names = async (where: Record<string, unknown>) => (await replica.list('User', { where })).map((u) => u.name);
    expect(await names({ name: { startsWith: 'A' } })).toEqual(['Ann']);
    expect(await names({ email: { ne: 'ann@example.org' } })).toEqual(['Bob']);
    expect(await names({ not: { email: { eq: 'ann@example.org' } } })).toEqual([]); // NOT(unknown) is unknown for Bob's null email
    expect(await names({ or: [{ name: { eq: 'Bob' } }, { email: { isNull: false } }] })).toEqual(['Ann', 'Bob']);
    expect(await names({ or: [] })).toEqual([]);
    expect(await names({ and: [] })).toEqual(['Ann', 'Bob']);
  });

  it('should join through relations: a user\'s groups via user_group, memberships by group name', async () => {
    const replica = await demo();
    const annGroups = await replica.list('Group', { where: { memberships: { some: { userUid: { eq: ann.uid } } } } });
    expect(annGroups.map((g) => g.name)).toEqual(['Red']);
    const redMembers = await replica.list('UserGroup', { where: { group: { name: { eq: 'Red' } } } });
    expect(redMembers.map((m) => m.userUid)).toEqual([ann.uid]);
    const loners = await replica.list('User', { where: { memberships: { none: {} } } });
    expect(loners).toEqual([]);
  });

  it('should leave tombstones out of lists unless asked and ignore dead rows in some/none', async () => {
    const replica = await demo();
    await seed(replica, 'UserGroup', { ...annInRed, version: 20, deletedAt: '2026-01-03T00:00:00.000Z' });
    expect((await replica.list('UserGroup')).map((m) => m.uid)).toEqual([bobInBlue.uid]);
    expect(await replica.list('UserGroup', { includeDeleted: true })).toHaveLength(2);
    expect(await replica.list('Group', { where: { memberships: { some: { userUid: { eq: ann.uid } } } } })).toEqual([]);
  });
});

describe('optimistic writes', () => {
  it('should save at once with a client uid, timestamps, version 0 and an outbox entry', async () => {
    const now = new Date('2026-05-01T10:00:00.000Z');
    const replica = await openReplica(undefined, undefined, undefined, () => now);
    const changes: string[][] = [];
    replica.onChange((tables) => changes.push([...tables]));
    const group = await replica.save('Group', { name: 'Green' });
    expect(group.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(group).toMatchObject({ name: 'Green', createdAt: now.toISOString(), updatedAt: now.toISOString(), deletedAt: null, version: 0 });
    expect(await replica.outbox()).toEqual([{ key: `Group:${group.uid}`, table: 'Group', uid: group.uid, baseVersion: null, seq: 1, rev: 1 }]);
    expect(changes).toEqual([['Group', '__outbox']]);
  });

  it('should base an edit of a synced row on its version and coalesce later edits in first-change order', async () => {
    const replica = await demo();
    await replica.save('User', { uid: bob.uid, name: 'Bobby' });
    await replica.save('Group', { uid: red.uid, name: 'Crimson' });
    await replica.save('User', { uid: bob.uid, name: 'Robert' });
    const outbox = await replica.outbox();
    expect(outbox.map((e) => [e.table, e.baseVersion, e.rev])).toEqual([['User', 11, 2], ['Group', 12, 1]]);
    expect(await replica.get('User', bob.uid)).toMatchObject({ name: 'Robert', email: null, version: 11 });
  });

  it('should tombstone a group and its memberships in one transaction, sending only the group (the seed bug, cache side)', async () => {
    const replica = await demo();
    const touched: string[][] = [];
    replica.onChange((tables) => touched.push([...tables].sort()));
    await replica.delete('Group', red.uid);
    expect((await replica.get('Group', red.uid))?.deletedAt).not.toBeNull();
    expect((await replica.get('UserGroup', annInRed.uid))?.deletedAt).not.toBeNull();
    expect((await replica.get('UserGroup', bobInBlue.uid))?.deletedAt).toBeNull();
    expect((await replica.outbox()).map((e) => e.key)).toEqual([`Group:${red.uid}`]);
    expect(touched).toEqual([['Group', 'UserGroup', '__outbox']]); // one notification: one transaction
  });

  it('should refuse to save a deleted row or a row under a deleted parent, writing nothing', async () => {
    const replica = await demo();
    await replica.delete('Group', red.uid);
    await expect(replica.save('Group', { uid: red.uid, name: 'Again' })).rejects.toMatchObject({ code: 'ROW_DELETED' });
    await expect(replica.save('UserGroup', { userUid: bob.uid, groupUid: red.uid })).rejects.toBeInstanceOf(LocalWriteError);
    expect(await replica.list('UserGroup', { where: { userUid: { eq: bob.uid } } })).toHaveLength(1);
    expect(await replica.pendingCount()).toBe(1);
  });

  it('should refuse writes to a table without a scope, since the server would refuse them', async () => {
    const replica = await openReplica([{ id: 'g', table: 'Group', where: null }]);
    await expect(replica.save('User', { name: 'Nobody' })).rejects.toMatchObject({ code: 'NO_SCOPE' });
  });
});
