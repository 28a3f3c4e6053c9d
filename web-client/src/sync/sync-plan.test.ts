import { describe, expect, it } from 'vitest';
import { openReplica, seed, serverRow, uid } from '../test-support/replica-fixture.js';
import type { Row, SyncResult } from '../replica/types.js';
import { HeldDigest, bucketsFor } from './held-digest.js';
import { applyEvent, applySyncResult, buildSyncPlan } from './sync-plan.js';

const red = serverRow({ uid: uid(3), version: 12, name: 'Red' });
const blue = serverRow({ uid: uid(4), version: 13, name: 'Blue' });
const groups = { id: 'Group:all', table: 'Group', where: null };
const reds = { id: 'reds', table: 'Group', where: { name: { startsWith: 'R' } } };

function result(upserts: Row[], extra: Partial<{ applied: string[]; drops: string[]; rejected: unknown[] }> = {}, id = 'Group:all'): SyncResult {
  return { cursor: '99@2026-01-01T00:00:00Z', replayed: false, groups: [{ id, upserts, applied: [], drops: [], rejected: [], ...extra } as never] };
}

describe('sync plans', () => {
  it('should send held rows as uid:version and pending rows as changes with their base version, never both', async () => {
    const replica = await openReplica([groups]);
    await seed(replica, 'Group', red, blue);
    await replica.save('Group', { uid: blue.uid, name: 'Navy' });
    const created = await replica.save('Group', { name: 'Green' });
    const plan = await buildSyncPlan(replica, 'sync-1');
    const scope = (plan.input.groups as { id: string; held: string[]; changes: Record<string, unknown>[] }[])[0]!;
    expect(plan.input.syncId).toBe('sync-1');
    expect(scope.held).toEqual([`${red.uid}:12`]);
    expect(scope.changes.map((c) => [c.uid, c.baseVersion, c.name, c.deletedAt])).toEqual([
      [blue.uid, 13, 'Navy', null],
      [created.uid, null, 'Green', null],
    ]);
    expect(plan.tables.map((t) => t.name)).toEqual(['Group']);
  });

  it('should send a change in a scope whose where the row matches', async () => {
    const replica = await openReplica([groups, reds]);
    await replica.save('Group', { name: 'Rose' });
    const plan = await buildSyncPlan(replica);
    const scopes = plan.input.groups as { id: string; changes: unknown[] }[];
    expect(scopes.map((s) => [s.id, s.changes.length])).toEqual([['Group:all', 1], ['reds', 0]]);
  });
});

describe('held digests', () => {
  it('should send a scope of many rows as a digest of its live unchanged rows, pending rows as changes', async () => {
    const replica = await openReplica([groups]);
    const gone = serverRow({ uid: uid(5), version: 14, name: 'Gone', deletedAt: '2026-01-01T00:00:00Z' });
    await seed(replica, 'Group', red, blue, { ...gone, version: 13, deletedAt: null }, gone); // held, then tombstoned
    await replica.save('Group', { uid: blue.uid, name: 'Navy' });
    const plan = await buildSyncPlan(replica, 'sync-d', 2);
    const scope = (plan.input.groups as { held?: string[]; heldDigest?: string; changes: { uid: string }[] }[])[0]!;
    expect(scope.held).toBeUndefined();
    const expected = new HeldDigest(bucketsFor(1));
    expected.add(red.uid, 12); // the tombstone and the pending row are left out
    expect(scope.heldDigest).toBe(expected.encode());
    expect(scope.changes.map((c) => c.uid)).toEqual([blue.uid]);
    expect(plan.digests.get('Group:all')?.uids.sort()).toEqual([red.uid, gone.uid].sort());
  });

  it('should replace the rows of each refreshed bucket with the upserts and leave other buckets alone', async () => {
    const replica = await openReplica([groups]);
    const rows = Array.from({ length: 8 }, (_, i) => serverRow({ uid: uid(10 + i), version: 20 + i, name: `G${i}` }));
    await seed(replica, 'Group', ...rows);
    const plan = await buildSyncPlan(replica, 'sync-r', 1);
    const digest = plan.digests.get('Group:all')!.digest;
    const kept = digest.bucket(rows[0]!.uid); // refreshed, and its row was changed on the server
    const emptied = digest.bucket(rows.find((r) => digest.bucket(r.uid) !== kept)!.uid); // refreshed, nothing sent
    const renamed = { ...rows[0]!, version: 99, name: 'Renamed' };
    const answer = result([renamed]);
    (answer.groups as { refreshedBuckets: number[] }[])[0]!.refreshedBuckets = [kept, emptied];
    await applySyncResult(replica, plan, answer);
    let dropped = 0;
    for (const row of rows) {
      const stored = await replica.get('Group', row.uid);
      const bucket = digest.bucket(row.uid);
      if (row.uid === renamed.uid) expect(stored).toMatchObject({ name: 'Renamed', version: 99 });
      else if (bucket === kept || bucket === emptied) dropped += stored === undefined ? 1 : 0;
      else expect(stored).toMatchObject({ version: row.version }); // buckets in step are left alone
    }
    expect(dropped).toBe(rows.filter((r) => r.uid !== renamed.uid && [kept, emptied].includes(digest.bucket(r.uid))).length);
    expect(dropped).toBeGreaterThan(0);
  });
});

describe('applying a sync result', () => {
  it('should replace the optimistic row with the server\'s and clear its outbox entry', async () => {
    const replica = await openReplica([groups]);
    const created = await replica.save('Group', { name: 'Green' });
    const plan = await buildSyncPlan(replica);
    const server = serverRow({ uid: created.uid, version: 40, name: 'Green' });
    expect(await applySyncResult(replica, plan, result([server], { applied: [created.uid] }))).toEqual([]);
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
    const rejections = await applySyncResult(replica, plan, result([theirs], { rejected: [{ uid: red.uid, reason: 'CONFLICT_LOST', field: null, message: 'newer' }] as never }));
    expect(rejections).toEqual([{ table: 'Group', uid: red.uid, reason: 'CONFLICT_LOST', field: null, message: 'newer', serverRow: theirs }]);
    expect(await replica.get('Group', red.uid)).toEqual(theirs);
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
