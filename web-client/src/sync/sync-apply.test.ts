import { describe, expect, it } from 'vitest';
import { blue, groups, red, reds, result } from '../test-support/sync-fixture.js';
import { everything, freshName, openReplica, seed, serverRow, uid } from '../test-support/replica-fixture.js';
import type { Row, SyncResult } from '../replica/types.js';
import { acknowledgeRejection, listRejections } from './rejections.js';
import { applyEvent, applySyncResult } from './sync-apply.js';
import { buildSyncPlan } from './sync-plan.js';

describe('applying a sync result', () => {
  it('should replace the optimistic row with the server\'s and clear its outbox entry', async () => {
    const replica = await openReplica([groups]);
    const created = await replica.save('Group', { name: 'Green' });
    const plan = await buildSyncPlan(replica);
    const server = serverRow({ uid: created.uid, version: 40, name: 'Green' });
    expect((await applySyncResult(replica, plan, result([server], { applied: [created.uid] }))).rejections).toEqual([]);
    expect(await replica.get('Group', created.uid)).toEqual(server);
    expect(await replica.pendingCount()).toBe(0);
    expect(await replica.cursor()).toBe('99@2026-01-01T00:00:00Z');
  });

  it('should keep an edit made while the sync was in flight, rebased on the server version', async () => {
    const replica = await openReplica([groups]);
    await seed(replica, 'Group', red);
    await replica.save('Group', { uid: red.uid, name: 'Ruby' });
    const plan = await buildSyncPlan(replica);
    await replica.save('Group', { uid: red.uid, name: 'Scarlet' });
    await applySyncResult(replica, plan, result([serverRow({ uid: red.uid, version: 41, name: 'Ruby' })], { applied: [red.uid] }));
    expect(await replica.get('Group', red.uid)).toMatchObject({ name: 'Scarlet', version: 41 });
    expect((await replica.outbox()).map((e) => e.baseVersion)).toEqual([41]);
  });

  it('should report a lost conflict with the server row, which replaces the local edit', async () => {
    const replica = await openReplica([groups]);
    await seed(replica, 'Group', red);
    await replica.save('Group', { uid: red.uid, name: 'Mine' });
    const plan = await buildSyncPlan(replica);
    const theirs = serverRow({ uid: red.uid, version: 50, name: 'Theirs' });
    const { rejections } = await applySyncResult(replica, plan, result([theirs], { rejected: [{ uid: red.uid, reason: 'CONFLICT_LOST', field: null, message: 'newer' }] as never }));
    expect(rejections).toMatchObject([{ table: 'Group', uid: red.uid, reason: 'CONFLICT_LOST', field: null, message: 'newer', serverRow: theirs, baseVersion: 12 }]);
    expect(await replica.get('Group', red.uid)).toEqual(theirs);
    expect(await replica.pendingCount()).toBe(0);
  });

  it('should keep the refused local values in a rejection record that outlives the answer and a reopen, until acknowledged', async () => {
    const name = freshName();
    const replica = await openReplica([groups], name);
    await seed(replica, 'Group', red);
    const mine = await replica.save('Group', { uid: red.uid, name: 'Mine' });
    const plan = await buildSyncPlan(replica);
    const theirs = serverRow({ uid: red.uid, version: 50, name: 'Theirs' });
    const [told] = (await applySyncResult(replica, plan, result([theirs], { rejected: [{ uid: red.uid, reason: 'CONFLICT_LOST', field: 'input.groups[0].changes[0].updatedAt', message: 'newer' }] as never }))).rejections;
    expect(await replica.get('Group', red.uid)).toEqual(theirs); // the replica holds the server's row...
    replica.db.close();

    const reopened = await openReplica([groups], name);
    const records = await listRejections(reopened.db); // ...and the record what the app wrote
    expect(records).toEqual([{
      id: told!.id, table: 'Group', uid: red.uid, reason: 'CONFLICT_LOST', field: 'input.groups[0].changes[0].updatedAt', message: 'newer',
      serverRow: theirs, baseVersion: 12, status: 'open', syncId: plan.syncId, at: expect.any(String),
      local: { uid: red.uid, name: 'Mine', createdAt: mine.createdAt, updatedAt: mine.updatedAt, deletedAt: null, version: 12 },
    }]);
    expect(await acknowledgeRejection(reopened.db, told!.id)).toBe(true);
    expect(await listRejections(reopened.db)).toEqual([]);
    expect(await acknowledgeRejection(reopened.db, told!.id)).toBe(false);
  });

  it('should put back the memberships a refused group delete tombstoned locally, at the version the server holds', async () => {
    const replica = await openReplica(everything);
    const ann = serverRow({ uid: uid(1), version: 10, name: 'Ann' });
    const annInRed = serverRow({ uid: uid(5), version: 14, userUid: ann.uid, groupUid: red.uid });
    const annInBlue = serverRow({ uid: uid(6), version: 15, userUid: ann.uid, groupUid: blue.uid });
    await seed(replica, 'User', ann);
    await seed(replica, 'Group', red, blue);
    await seed(replica, 'UserGroup', annInRed, annInBlue);
    await replica.delete('Group', red.uid);
    await replica.delete('Group', blue.uid);
    expect((await replica.get('UserGroup', annInRed.uid))?.deletedAt).not.toBeNull(); // the local cascade
    const plan = await buildSyncPlan(replica);
    const held = (plan.input.userGroups as { held: string[] }[])[0]!.held;
    expect(held.sort()).toEqual([`${annInRed.uid}:14`, `${annInBlue.uid}:15`].sort()); // as the server holds them
    const blueGone = serverRow({ uid: blue.uid, version: 40, name: 'Blue', deletedAt: '2026-02-01T00:00:00.000Z' });
    const blueMemberGone = serverRow({ uid: annInBlue.uid, version: 41, userUid: ann.uid, groupUid: blue.uid, deletedAt: '2026-02-01T00:00:00.000Z' });
    const answer: SyncResult = {
      cursor: 'c', replayed: false,
      users: [{ id: 'User:all', upserts: [], applied: [], drops: [], rejected: [] }],
      groups: [{ id: 'Group:all', upserts: [blueGone], applied: [blue.uid], drops: [red.uid], rejected: [{ uid: red.uid, reason: 'OUT_OF_SCOPE', field: null, message: 'not in this scope' }] }],
      userGroups: [{ id: 'UserGroup:all', upserts: [blueMemberGone], applied: [], drops: [], rejected: [] }],
      userDocuments: [{ id: 'UserDocument:all', upserts: [], applied: [], drops: [], rejected: [] }],
      userDocumentEvents: [{ id: 'UserDocumentEvent:all', upserts: [], applied: [], drops: [], rejected: [] }],
    } as never;
    const { rejections } = await applySyncResult(replica, plan, answer);
    expect(rejections.map((r) => [r.uid, r.reason, r.local.deletedAt !== null])).toEqual([[red.uid, 'OUT_OF_SCOPE', true]]);
    expect(await replica.get('UserGroup', annInRed.uid)).toEqual(annInRed); // live again, as on the server: no longer held as a tombstone
    expect(await replica.get('UserGroup', annInBlue.uid)).toEqual(blueMemberGone); // the applied delete's cascade came from the server
    expect(await replica.pendingCount()).toBe(0);
  });

  it('should drop a row from one scope but keep it while another scope holds it', async () => {
    const replica = await openReplica([groups, reds]);
    await applyEvent(replica, groups, { operation: 'UPSERT', uid: red.uid, version: 12, cursor: 'c', row: red });
    await applyEvent(replica, reds, { operation: 'UPSERT', uid: red.uid, version: 12, cursor: 'c', row: red });
    const plan = await buildSyncPlan(replica);
    await applySyncResult(replica, plan, result([], { drops: [red.uid] }, 'reds'));
    expect(await replica.get('Group', red.uid)).toEqual(red);
    await applySyncResult(replica, plan, result([], { drops: [red.uid] }, 'Group:all'));
    expect(await replica.get('Group', red.uid)).toBeUndefined();
  });

  it('should apply nothing when the result fails mid-way (one transaction)', async () => {
    const replica = await openReplica([groups]);
    await seed(replica, 'Group', red);
    const created = await replica.save('Group', { name: 'Green' });
    const plan = await buildSyncPlan(replica);
    const broken = { version: 60, name: 'no uid' } as unknown as Row;
    const answer = result([serverRow({ uid: created.uid, version: 59, name: 'Green' }), serverRow({ uid: red.uid, version: 61, name: 'Renamed' }), broken]);
    await expect(applySyncResult(replica, plan, answer)).rejects.toThrow();
    expect(await replica.get('Group', created.uid)).toMatchObject({ version: 0 });
    expect(await replica.get('Group', red.uid)).toEqual(red);
    expect(await replica.pendingCount()).toBe(1);
    expect(await replica.cursor()).toBe('1@2026-01-01T00:00:00Z'); // the seed's, not the failed answer's
  });
});

describe('live events', () => {
  it('should apply an upsert only when newer than the row held', async () => {
    const replica = await openReplica([groups]);
    await seed(replica, 'Group', red);
    const stale = serverRow({ uid: red.uid, version: 11, name: 'Old' });
    const duplicate = serverRow({ uid: red.uid, version: 12, name: 'Dup' });
    expect(await applyEvent(replica, groups, { operation: 'UPSERT', uid: red.uid, version: 11, cursor: 'c1', row: stale })).toBe(false);
    expect(await applyEvent(replica, groups, { operation: 'UPSERT', uid: red.uid, version: 12, cursor: 'c2', row: duplicate })).toBe(false);
    expect(await replica.get('Group', red.uid)).toEqual(red);
    const tombstone = serverRow({ uid: red.uid, version: 13, name: 'Red', deletedAt: '2026-02-01T00:00:00.000Z' });
    expect(await applyEvent(replica, groups, { operation: 'DELETE', uid: red.uid, version: 13, cursor: 'c3', row: tombstone })).toBe(true);
    expect(await replica.get('Group', red.uid)).toEqual(tombstone);
    expect(await replica.cursor()).toBe('c3');
  });

  it('should not bring back, from a tombstone event that waited for a sync, a row the sync dropped', async () => {
    const replica = await openReplica([groups]);
    await seed(replica, 'Group', red);
    // The group was deleted and its member lost sight of it: the sync drops it...
    await applySyncResult(replica, await buildSyncPlan(replica), result([], { drops: [red.uid] }));
    // ...and the tombstone event received while that sync was in flight is applied after it.
    const tombstone = serverRow({ uid: red.uid, version: 13, name: 'Red', deletedAt: '2026-01-02T00:00:00Z' });
    expect(await applyEvent(replica, groups, { operation: 'DELETE', uid: red.uid, version: 13, cursor: 'c', row: tombstone })).toBe(false);
    expect(await replica.get('Group', red.uid)).toBeUndefined();
  });

  it('should keep a row with a pending change when an event arrives, for the sync to decide', async () => {
    const replica = await openReplica([groups]);
    await seed(replica, 'Group', red);
    await replica.save('Group', { uid: red.uid, name: 'Local' });
    await applyEvent(replica, groups, { operation: 'UPSERT', uid: red.uid, version: 30, cursor: 'c', row: serverRow({ uid: red.uid, version: 30, name: 'Remote' }) });
    expect(await replica.get('Group', red.uid)).toMatchObject({ name: 'Local', version: 12 });
  });

  it('should remove a row on LEAVE_SCOPE unless a newer version is held or it is pending', async () => {
    const replica = await openReplica([groups]);
    await seed(replica, 'Group', red, blue);
    expect(await applyEvent(replica, groups, { operation: 'LEAVE_SCOPE', uid: red.uid, version: 11, cursor: 'c', row: null })).toBe(false);
    expect(await applyEvent(replica, groups, { operation: 'LEAVE_SCOPE', uid: red.uid, version: 14, cursor: 'c', row: null })).toBe(true);
    expect(await replica.get('Group', red.uid)).toBeUndefined();
    await replica.save('Group', { uid: blue.uid, name: 'Navy' });
    await applyEvent(replica, groups, { operation: 'LEAVE_SCOPE', uid: blue.uid, version: 20, cursor: 'c', row: null });
    expect(await replica.get('Group', blue.uid)).toMatchObject({ name: 'Navy' });
  });
});
