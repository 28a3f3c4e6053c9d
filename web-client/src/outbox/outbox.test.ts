import { afterEach, describe, expect, it } from 'vitest';
import { TidemarkClient } from '../client.js';
import { saveRow } from '../replica/local-writes.js';
import { LocalWriteError, type Row } from '../replica/types.js';
import { applySyncResult } from '../sync/sync-apply.js';
import { buildSyncPlan } from '../sync/sync-plan.js';
import { demoSchema } from '../test-support/demo-schema.js';
import { freshName, openReplica, seed, serverRow } from '../test-support/replica-fixture.js';
import { groups, red, result } from '../test-support/sync-fixture.js';
import { outboxItems, rowStatus } from './outbox-status.js';
import { acknowledgeRejection, discardRejection, retryRejection } from './rejection-actions.js';
import { RejectedWriteError, WriteTracker } from './write-tracker.js';

const conflict = (uid: string) => ({ rejected: [{ uid, reason: 'CONFLICT_LOST', field: null, message: 'a later write won' }] as never });

describe('the status of each row in the outbox', () => {
  it('should go pending, sent, pending again when edited in flight, then synced, and rejected with its record, across a reopen', async () => {
    const name = freshName();
    const replica = await openReplica([groups], name);
    await seed(replica, 'Group', red);
    await replica.save('Group', { uid: red.uid, name: 'Ruby' });
    expect(await rowStatus(replica, 'Group', red.uid)).toBe('pending');
    const plan = await buildSyncPlan(replica); // the flight is stored: sent
    expect(await outboxItems(replica)).toMatchObject([{ table: 'Group', uid: red.uid, status: 'sent', kind: 'save', baseVersion: 12, rejection: null }]);
    await replica.save('Group', { uid: red.uid, name: 'Scarlet' });
    expect(await rowStatus(replica, 'Group', red.uid)).toBe('pending'); // its newest values are not the ones sent
    await applySyncResult(replica, plan, result([serverRow({ uid: red.uid, version: 20, name: 'Ruby' })], { applied: [red.uid] }));
    expect(await rowStatus(replica, 'Group', red.uid)).toBe('pending');
    const second = await buildSyncPlan(replica);
    const answer = await applySyncResult(replica, second, result([serverRow({ uid: red.uid, version: 30, name: 'Theirs' })], conflict(red.uid)));
    expect(await rowStatus(replica, 'Group', red.uid)).toBe('rejected');
    replica.db.close();

    const reopened = await openReplica([groups], name);
    expect(await outboxItems(reopened)).toMatchObject([{ uid: red.uid, status: 'rejected', kind: null, rejection: { id: answer.rejections[0]!.id, reason: 'CONFLICT_LOST' } }]);
    await acknowledgeRejection(reopened, answer.rejections[0]!.id);
    expect(await rowStatus(reopened, 'Group', red.uid)).toBe('synced');
  });
});

describe('watching the outbox', () => {
  it('should call back as rows go pending, sent and synced', async () => {
    const client = await TidemarkClient.open({ url: 'http://localhost:1', connect: false, dbName: freshName(), schema: demoSchema, scopes: [{ table: 'Group' }] });
    const seen: string[] = [];
    const stop = client.watchOutbox((items) => seen.push(items.map((i) => i.status).join() || 'empty'));
    const made = await client.save('Group', { name: 'Green' });
    const plan = await buildSyncPlan(client.replica);
    await new Promise((r) => setTimeout(r, 30));
    await applySyncResult(client.replica, plan, result([serverRow({ uid: made.uid, version: 3, name: 'Green' })], { applied: [made.uid] }));
    await new Promise((r) => setTimeout(r, 30));
    expect(seen).toEqual(['empty', 'pending', 'sent', 'empty']);
    stop();
    await client.close();
  });
});

describe('the server outcome of each write', () => {
  it('should settle a write folded into a later one with that one\'s outcome, and a write made in flight with the next answer', async () => {
    const replica = await openReplica([groups]);
    await seed(replica, 'Group', red);
    const tracker = new WriteTracker();
    const first = tracker.track(saveRow(replica, 'Group', { uid: red.uid, name: 'Ruby' }));
    const folded = tracker.track(saveRow(replica, 'Group', { uid: red.uid, name: 'Rose' }));
    expect((await first).name).toBe('Ruby'); // still the row, as save always returned
    expect((await folded.local).name).toBe('Rose');
    const plan = await buildSyncPlan(replica);
    const inFlight = tracker.track(saveRow(replica, 'Group', { uid: red.uid, name: 'Scarlet' }));
    await inFlight;
    const applied = serverRow({ uid: red.uid, version: 20, name: 'Rose' });
    tracker.settle((await applySyncResult(replica, plan, result([applied], { applied: [red.uid] }))).settlements);
    expect(await first.server).toEqual(applied); // folded: the change that carried it was applied
    expect(await folded.server).toEqual(applied);
    let late: Row | null | string = 'unsettled';
    void inFlight.server.then((row) => (late = row), () => (late = 'rejected'));
    await new Promise((r) => setTimeout(r, 20));
    expect(late).toBe('unsettled'); // its values were not in that sync

    const next = await buildSyncPlan(replica);
    tracker.settle((await applySyncResult(replica, next, result([serverRow({ uid: red.uid, version: 25, name: 'Theirs' })], conflict(red.uid)))).settlements);
    const refused = await inFlight.server.catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(RejectedWriteError);
    expect(refused).toMatchObject({ reason: 'CONFLICT_LOST', rejection: { uid: red.uid, local: { name: 'Scarlet' }, serverRow: { name: 'Theirs' }, status: 'open' } });
  });

  it('should keep save() a promise of the row, with local and server outcomes, and never leave an unhandled rejection', async () => {
    const client = await TidemarkClient.open({ url: 'http://localhost:1', connect: false, dbName: freshName(), schema: demoSchema, scopes: [{ table: 'Group' }] });
    const write = client.save('Group', { name: 'Green' });
    const row = await write;
    expect(row).toMatchObject({ name: 'Green', version: 0 });
    expect(await write.local).toEqual(row);
    expect(await client.syncStatus('Group', row.uid)).toBe('pending');
    const refused = client.save('User', { name: 'No scope' }); // the replica refuses: nothing written
    await expect(refused).rejects.toBeInstanceOf(LocalWriteError);
    await expect(refused.local).rejects.toMatchObject({ code: 'NO_SCOPE' });
    await expect(refused.server).rejects.toMatchObject({ code: 'NO_SCOPE' });
    client.save('Group', { uid: 'not-a-uid', name: 'x' }).catch(() => undefined); // its local and server promises are never looked at
    await client.close();
  });
});

describe('what the app does with a rejection record', () => {
  async function rejected() {
    const replica = await openReplica([groups]);
    await seed(replica, 'Group', red);
    await replica.save('Group', { uid: red.uid, name: 'Mine' });
    const theirs = serverRow({ uid: red.uid, version: 30, name: 'Theirs' });
    const answer = await applySyncResult(replica, await buildSyncPlan(replica), result([theirs], conflict(red.uid)));
    return { replica, theirs, id: answer.rejections[0]!.id };
  }

  it('should retry: write the refused values again on top of the server\'s version, in place of the record', async () => {
    const { replica, id } = await rejected();
    const write = await retryRejection(replica, id);
    expect(write.row).toMatchObject({ uid: red.uid, name: 'Mine', version: 30 });
    expect(await replica.outbox()).toMatchObject([{ uid: red.uid, baseVersion: 30 }]); // based on the server's row: no conflict with it
    expect(await outboxItems(replica)).toMatchObject([{ status: 'pending', rejection: null }]);
    const plan = await buildSyncPlan(replica);
    expect((plan.input.groups as { changes: { name: string; baseVersion: number }[] }[])[0]!.changes).toMatchObject([{ name: 'Mine', baseVersion: 30 }]);
    await expect(retryRejection(replica, id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('should discard: give up the refused values and a later change not yet sent, back to the server\'s row', async () => {
    const { replica, theirs, id } = await rejected();
    const tracker = new WriteTracker();
    const later = tracker.track(saveRow(replica, 'Group', { uid: red.uid, name: 'Mine again' }));
    await later;
    const done = await discardRejection(replica, id);
    tracker.settle(done!.settlements);
    await expect(later.server).rejects.toMatchObject({ rejection: { id } });
    expect(await replica.get('Group', red.uid)).toEqual(theirs);
    expect(await outboxItems(replica)).toEqual([]);
    expect(await discardRejection(replica, id)).toBeUndefined();
  });

  it('should discard but leave a later change already sent to its answer', async () => {
    const { replica, id } = await rejected();
    await replica.save('Group', { uid: red.uid, name: 'Sent already' });
    await buildSyncPlan(replica); // in flight
    await discardRejection(replica, id);
    expect(await outboxItems(replica)).toMatchObject([{ uid: red.uid, status: 'sent' }]);
    expect((await replica.get('Group', red.uid))?.name).toBe('Sent already');
  });
});

describe('whenSynced', () => {
  it('should wait for the changes made before it to be answered, not for those made after', async () => {
    const client = await TidemarkClient.open({ url: 'http://localhost:1', connect: false, dbName: freshName(), schema: demoSchema, scopes: [{ table: 'Group' }] });
    ready(client, 'Group:null'); // as the leader's engine reports a scope whose first sync is stored
    const made = await client.save('Group', { name: 'Green' });
    let synced = false;
    void client.whenSynced().then(() => (synced = true));
    const plan = await buildSyncPlan(client.replica);
    await client.save('Group', { uid: made.uid, name: 'Greener' }); // after the call: not waited for
    await new Promise((r) => setTimeout(r, 30));
    expect(synced).toBe(false);
    await applySyncResult(client.replica, plan, result([serverRow({ uid: made.uid, version: 3, name: 'Green' })], { applied: [made.uid] }));
    await new Promise((r) => setTimeout(r, 30));
    expect(synced).toBe(true);
    expect(client.state.pending).toBe(1);
    await client.close();
  });

  it('should wait for the scopes of the tab to be ready', async () => {
    const client = await TidemarkClient.open({ url: 'http://localhost:1', connect: false, dbName: freshName(), schema: demoSchema, scopes: [{ table: 'Group' }] });
    let synced = false;
    void client.whenSynced().then(() => (synced = true));
    await new Promise((r) => setTimeout(r, 30));
    expect(synced).toBe(false);
    ready(client, 'Group:null');
    await new Promise((r) => setTimeout(r, 30));
    expect(synced).toBe(true);
    await client.close();
  });
});

/** Reports a scope ready, as the leader's engine does once its first sync is stored. */
function ready(client: TidemarkClient, id: string): void {
  (client as unknown as { states: { set(patch: object): void } }).states.set({ progress: { [id]: { table: 'Group', received: 0, total: null, ready: true } } });
}
