import { describe, expect, it } from 'vitest';
import { freshName, openReplica, seed, serverRow, uid } from '../test-support/replica-fixture.js';
import { demoSchema } from '../test-support/demo-schema.js';
import type { SyncSchema } from '../schema/sync-schema.js';
import { markFilled } from '../sync/paging-state.js';
import { META, openReplicaDb } from './replica-db.js';

/** The demo schema as an older server had it: no email column, no documents. */
function olderSchema(): SyncSchema {
  const tables = structuredClone(demoSchema.tables)
    .filter((t) => !t.name.startsWith('UserDocument'))
    .map((t) => ({ ...t, columns: t.columns.filter((c) => c.name !== 'email'), children: t.children.filter((c) => !c.target.startsWith('UserDocument')) }));
  return { version: 'older', tables };
}

describe('schema migration', () => {
  it('should create one store per table with foreign-key indexes from the schema', async () => {
    const { db, migration } = await openReplicaDb(freshName(), demoSchema, () => undefined);
    expect([...db.objectStoreNames].sort()).toEqual(['Group', 'User', 'UserDocument', 'UserDocumentEvent', 'UserGroup', '__meta', '__outbox', '__rejections']);
    expect([...db.transaction('UserGroup').store.indexNames].sort()).toEqual(['__scopes', 'groupUid', 'userUid']);
    expect(migration?.from).toBeNull();
    db.close();
  });

  it('should keep the database as it is when the schema did not change', async () => {
    const name = freshName();
    (await openReplicaDb(name, demoSchema, () => undefined)).db.close();
    const again = await openReplicaDb(name, demoSchema, () => undefined);
    expect(again.migration).toBeNull();
    again.db.close();
  });

  it('should forget that the scopes of a table whose rows it cleared were filled: they are paged again', async () => {
    const name = freshName();
    const old = olderSchema();
    const users = { id: 'u', table: 'User', where: null };
    const groups = { id: 'g', table: 'Group', where: null };
    const replica = await openReplica([users, groups], name, old);
    const tx = replica.transaction('readwrite');
    await markFilled(tx, users);
    await markFilled(tx, groups);
    await tx.done;
    replica.db.close();

    const { db } = await openReplicaDb(name, demoSchema, () => undefined);
    expect(await db.get(META, 'filled:u')).toBeUndefined(); // User's rows were cleared (a new column)
    expect(await db.get(META, 'filled:g')).toBeDefined(); // Group's were kept
    db.close();
  });

  it('should migrate to a changed schema keeping pending changes and forgetting cached rows of changed tables', async () => {
    const name = freshName();
    const old = olderSchema();
    const replica = await openReplica(old.tables.map((t) => ({ id: t.name, table: t.name, where: null })), name, old);
    await seed(replica, 'User', serverRow({ uid: uid(1), version: 5, name: 'Synced' }));
    await seed(replica, 'Group', serverRow({ uid: uid(2), version: 6, name: 'Kept' }));
    const pending = await replica.save('User', { name: 'Made offline' });
    replica.db.close();

    const { db, migration } = await openReplicaDb(name, demoSchema, () => undefined);
    expect(migration).toMatchObject({ from: 'older', to: demoSchema.version, discarded: [] });
    expect(migration?.resynced.sort()).toEqual(['User', 'UserDocument', 'UserDocumentEvent']);
    expect(await db.get('User', uid(1))).toBeUndefined(); // synced again whole, with its new column
    expect(await db.get('User', pending.uid)).toMatchObject({ name: 'Made offline' });
    expect(await db.get('Group', uid(2))).toMatchObject({ name: 'Kept' });
    expect((await db.getAll('__outbox')).map((e: { key: string }) => e.key)).toEqual([`User:${pending.uid}`]);
    expect([...db.transaction('UserDocument').store.indexNames]).toContain('userUid');
    db.close();
  });

  it('should report pending changes of a table the server dropped', async () => {
    const name = freshName();
    const replica = await openReplica(undefined, name);
    const doc = await replica.save('UserDocument', { userUid: uid(1), title: 'draft' });
    replica.db.close();
    const { db, migration } = await openReplicaDb(name, olderSchema(), () => undefined);
    expect(migration?.discarded.map((e) => e.uid)).toEqual([doc.uid]);
    expect(db.objectStoreNames.contains('UserDocument')).toBe(false);
    db.close();
  });
});
