import { describe, expect, it } from 'vitest';
import { blue, groups, red, reds, result } from '../test-support/sync-fixture.js';
import { freshName, openReplica, seed, serverRow, uid } from '../test-support/replica-fixture.js';
import type { Replica } from '../replica/replica.js';
import type { Row, Scope, SyncResult } from '../replica/types.js';
import { DEFAULT_LIMITS, type SyncSchema } from '../schema/sync-schema.js';
import { demoSchema } from '../test-support/demo-schema.js';
import { bucketsFor, sizeHeld } from './budget.js';
import { HeldDigest } from './held-digest.js';
import { applySyncResult } from './sync-apply.js';
import { dropFlight } from './flight.js';
import { DIGEST_FROM, buildSyncPlan } from './sync-plan.js';

describe('sync plans', () => {
  it('should send held rows as uid:version and pending rows as changes with their base version, never both', async () => {
    const replica = await openReplica([groups]);
    await seed(replica, 'Group', red, blue);
    await replica.save('Group', { uid: blue.uid, name: 'Navy' });
    const created = await replica.save('Group', { name: 'Green' });
    const plan = await buildSyncPlan(replica, { syncId: 'sync-1' });
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

describe('changes of rows of scopes a sync does not carry', () => {
  // The fault test's seed 20261702: a sync of one document's events alone (its scope had just become
  // live) carried the pending change of an event of another open document; the server refused it
  // (OUT_OF_SCOPE), the replica dropped the row its own scope held, and that scope's stamp hid it.
  const blues: Scope = { id: 'blues', table: 'Group', where: { name: { startsWith: 'B' } } };
  const changesBy = (plan: Awaited<ReturnType<typeof buildSyncPlan>>) =>
    Object.fromEntries((plan.input.groups as { id: string; changes: { uid: string }[] }[]).map((s) => [s.id, s.changes.map((c) => c.uid)]));

  it('should leave the change of a row held by another declared scope for a sync of that scope', async () => {
    const replica = await openReplica([blues, reds]);
    await seed(replica, 'Group', blue);
    await replica.save('Group', { uid: blue.uid, name: 'Bleu' });
    const rose = await replica.save('Group', { name: 'Rose' }); // new: matches reds only
    const redsOnly = await buildSyncPlan(replica, { scopes: [reds] });
    expect(changesBy(redsOnly)).toEqual({ reds: [rose.uid] });
    expect(redsOnly.sent.size).toBe(1);
    await dropFlight(replica, redsOnly.syncId);
    expect(changesBy(await buildSyncPlan(replica, { scopes: [blues] }))).toEqual({ blues: [blue.uid] });
  });

  it('should still send a row no declared scope holds or matches in the first scope of its table (the server decides)', async () => {
    const replica = await openReplica([blues, reds]);
    const green = await replica.save('Group', { name: 'Green' });
    expect(changesBy(await buildSyncPlan(replica, { scopes: [reds] }))).toEqual({ reds: [green.uid] });
  });
});

describe('held digests', () => {
  it('should send a scope of many rows as a digest of its live unchanged rows, pending rows as changes', async () => {
    const replica = await openReplica([groups]);
    const gone = serverRow({ uid: uid(5), version: 14, name: 'Gone', deletedAt: '2026-01-01T00:00:00Z' });
    await seed(replica, 'Group', red, blue, { ...gone, version: 13, deletedAt: null }, gone); // held, then tombstoned
    await replica.save('Group', { uid: blue.uid, name: 'Navy' });
    const plan = await buildSyncPlan(replica, { syncId: 'sync-d', digestFrom: 2 });
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
    const plan = await buildSyncPlan(replica, { syncId: 'sync-r', digestFrom: 1 });
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

describe('the sync in flight', () => {
  it('should send a sync whose answer was lost again with the same id and changes, after a reopen and another edit', async () => {
    const name = freshName();
    const replica = await openReplica([groups], name);
    await seed(replica, 'Group', red);
    await replica.save('Group', { uid: red.uid, name: 'Ruby' });
    const lost = await buildSyncPlan(replica); // sent; its answer never came
    await replica.save('Group', { uid: red.uid, name: 'Scarlet' }); // edited meanwhile
    replica.db.close();

    const reopened = await openReplica([groups], name); // a reload, or another tab taking over
    const replay = await buildSyncPlan(reopened);
    expect(replay.replay).toBe(true);
    expect(replay.syncId).toBe(lost.syncId);
    expect(replay.input.groups).toEqual(lost.input.groups); // the server recognises it only if the changes are the same
    await applySyncResult(reopened, replay, result([serverRow({ uid: red.uid, version: 41, name: 'Ruby' })], { applied: [red.uid] }));
    expect(await reopened.get('Group', red.uid)).toMatchObject({ name: 'Scarlet', version: 41 });

    const next = await buildSyncPlan(reopened); // the edit made meanwhile goes in the next sync, on the new version
    expect(next.replay).toBe(false);
    expect(next.syncId).not.toBe(lost.syncId);
    expect((next.input.groups as { changes: { name: string; baseVersion: number }[] }[])[0]!.changes.map((c) => [c.name, c.baseVersion])).toEqual([['Scarlet', 41]]);
  });
});

describe('sizes within the server\'s limits', () => {
  const limits = { ...DEFAULT_LIMITS, maxSyncRows: 200_000 };

  it('should keep two scopes of 100k rows within maxSyncRows by giving their digests fewer buckets than rows', () => {
    const scopes = [{ id: 'a', unchanged: 100_000, live: 100_000 }, { id: 'b', unchanged: 100_000, live: 100_000 }];
    const forms = sizeHeld(scopes, { rows: limits.maxSyncRows - 10, bytes: limits.maxBodyBytes }, DIGEST_FROM, limits.maxDigestBuckets);
    const buckets = [...forms.values()].map((f) => (f.kind === 'digest' ? f.buckets : Number.NaN));
    expect(buckets).toEqual([65_536, 65_536]);
    expect(buckets[0]! + buckets[1]! + 10).toBeLessThanOrEqual(limits.maxSyncRows);
  });

  it('should turn the largest held lists into digests when the lists alone are over the limit', () => {
    const scopes = [{ id: 'small', unchanged: 400, live: 400 }, { id: 'large', unchanged: 900, live: 800 }];
    const forms = sizeHeld(scopes, { rows: 1000, bytes: 1 << 20 }, DIGEST_FROM, 1 << 20);
    expect(forms.get('small')).toEqual({ kind: 'list' });
    expect(forms.get('large')).toEqual({ kind: 'digest', buckets: 512 }); // 600 rows left: at most 512 buckets
  });

  it('should build a request of two large scopes and pending changes within the server\'s stated maxSyncRows', async () => {
    const schema: SyncSchema = { ...demoSchema, limits: { ...DEFAULT_LIMITS, maxSyncRows: 3000 } };
    const scopesA = { id: 'a', table: 'Group', where: { name: { startsWith: 'a' } } };
    const scopesB = { id: 'b', table: 'Group', where: { name: { startsWith: 'b' } } };
    const replica = await openReplica([scopesA, scopesB], freshName(), schema);
    const rows = (prefix: string, from: number) => Array.from({ length: 2000 }, (_, i) => serverRow({ uid: uid(from + i), version: 1 + i, name: `${prefix}${i}` }));
    await bulkSeed(replica, scopesA, rows('a', 10_000));
    await bulkSeed(replica, scopesB, rows('b', 20_000));
    for (let i = 0; i < 5; i++) await replica.save('Group', { name: `a new ${i}` });
    const plan = await buildSyncPlan(replica);
    const sent = plan.input.groups as { heldDigest?: string; held?: string[]; changes: unknown[] }[];
    const buckets = sent.map((s) => (s.heldDigest ? atob(s.heldDigest).length / 4 : s.held!.length));
    const changes = sent.reduce((n, s) => n + s.changes.length, 0);
    expect(changes).toBe(5);
    expect(buckets.every((b) => b >= 1024)).toBe(true); // not a degenerate digest either
    expect(buckets[0]! + buckets[1]! + changes).toBeLessThanOrEqual(3000); // 2 × 2048 buckets before
  });
});

/** Stores many server rows of one scope in one transaction (seeding them one event at a time is slow). */
async function bulkSeed(replica: Replica, scope: Scope, rows: Row[]): Promise<void> {
  const tx = replica.transaction('readwrite');
  for (const row of rows) void tx.objectStore(scope.table).put({ ...row, __scopes: [scope.id] });
  await tx.done;
}
