/**
 * The local cascade of a delete: the rows whose reference to the deleted row cascades (a group's
 * memberships) are tombstoned with it, recursively, in the caller's transaction. Each is marked
 * with the deleted ancestor and the values it replaced, because the server may refuse the delete
 * (out of scope, forbidden, a lost conflict): then {@link undoCascade} puts them back as the
 * server still holds them, and they never stay tombstones the server knows nothing of.
 */
import type { SchemaIndex, TableSchema } from '../schema/sync-schema.js';
import { OUTBOX, outboxKey, type StoredRow } from './replica-db.js';
import type { Tx } from './replica.js';

/**
 * Tombstones the cascading children of `uid` at `now`. A child with a pending change of its own
 * carries its tombstone to the server itself (`touch` adds it to the outbox); the others are
 * cascaded by the server and come back in the answer.
 */
export async function cascadeDelete(
  tx: Tx, schema: SchemaIndex, table: TableSchema, uid: string, root: string, now: string, touched: Set<string>,
  touch: (table: string, uid: string, before: StoredRow) => Promise<void>,
): Promise<void> {
  for (const child of schema.cascadingChildren(table)) {
    const store = tx.objectStore(child.target);
    const rows = (await store.index(child.foreignKey).getAll(uid)) as StoredRow[];
    for (const row of rows.filter((r) => r.deletedAt == null)) {
      const pending = await tx.objectStore(OUTBOX).get(outboxKey(child.target, row.uid));
      const tombstone: StoredRow = { ...row, deletedAt: now, updatedAt: now };
      if (!pending) tombstone.__cascade = { root, deletedAt: row.deletedAt, updatedAt: row.updatedAt };
      await store.put(tombstone);
      touched.add(child.target);
      if (pending) await touch(child.target, row.uid, row);
      await cascadeDelete(tx, schema, schema.table(child.target), row.uid, root, now, touched, touch);
    }
  }
}

/** Puts back every row the cascade of `root`'s delete tombstoned below `uid` and that nothing replaced since. */
export async function undoCascade(tx: Tx, schema: SchemaIndex, table: TableSchema, uid: string, root: string, touched: Set<string>): Promise<void> {
  for (const child of schema.cascadingChildren(table)) {
    const store = tx.objectStore(child.target);
    const rows = (await store.index(child.foreignKey).getAll(uid)) as StoredRow[];
    for (const row of rows.filter((r) => r.deletedAt != null)) {
      const mark = row.__cascade;
      if (mark?.root === root) {
        const { __cascade: _undone, ...restored } = row;
        await store.put({ ...restored, deletedAt: mark.deletedAt, updatedAt: mark.updatedAt });
        touched.add(child.target);
      }
      await undoCascade(tx, schema, schema.table(child.target), row.uid, root, touched);
    }
  }
}
