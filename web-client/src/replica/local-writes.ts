/**
 * The app's optimistic writes on the replica: a save or a delete (with the local cascade of the
 * rows it takes along) is applied at once, in one IndexedDB transaction, and its change waits in
 * the outbox, one entry per row that later writes fold into. Each write returns its receipt (the
 * outbox entry's `seq` and the `rev` it made), by which its server outcome is told later.
 */
import { newUid } from '../util/uid.js';
import { cascadeDelete } from './cascade.js';
import { META, OUTBOX, outboxKey, type OutboxEntry, type StoredRow } from './replica-db.js';
import { toRow, type Replica, type Tx } from './replica.js';
import { rowProblem } from './row-validation.js';
import { LocalWriteError, type Row } from './types.js';
import type { TableSchema } from '../schema/sync-schema.js';

/** A write as it landed: the row as the replica holds it now, and the outbox change it made or folded into. */
export interface LocalWrite {
  row: Row;
  /** The outbox key (`Table:uid`), the entry's first-change order and the revision this write made. */
  key: string;
  seq: number;
  rev: number;
}

export interface WriteOptions {
  /** More work in the write's transaction (a retried rejection record removed with the write that retries it). */
  also?: (tx: Tx) => Promise<void>;
}

/** Creates or updates a row (uid made here when absent); values the server would refuse are refused, nothing written. */
export async function saveRow(replica: Replica, table: string, values: Record<string, unknown>, options: WriteOptions = {}): Promise<LocalWrite> {
  const t = replica.schema.table(table);
  requireScope(replica, t);
  if (values.uid != null && typeof values.uid !== 'string') {
    throw new LocalWriteError('BAD_USER_INPUT', `${t.name}.uid: ${JSON.stringify(values.uid)} is not a uid string`, 'uid');
  }
  const uid = values.uid != null ? values.uid.toLowerCase() : newUid();
  const tx = replica.transaction('readwrite');
  const store = tx.objectStore(t.name);
  const existing = (await store.get(uid)) as StoredRow | undefined;
  if (existing?.deletedAt) throw abort(tx, new LocalWriteError('ROW_DELETED', `${t.name} ${uid} is deleted; a deleted row is not saved again`));
  for (const parent of t.parents) {
    const ref = values[parent.foreignKey] ?? existing?.[parent.foreignKey];
    const target = typeof ref === 'string' ? ((await tx.objectStore(parent.target).get(ref.toLowerCase())) as StoredRow | undefined) : undefined;
    if (target?.deletedAt) {
      throw abort(tx, new LocalWriteError('PARENT_DELETED', `${t.name}.${parent.foreignKey}: ${parent.target} ${String(ref)} is deleted`));
    }
  }
  const now = replica.now().toISOString();
  const row: StoredRow = {
    ...(existing ?? {}),
    ...dataValues(replica, t, values),
    uid,
    createdAt: existing?.createdAt ?? (typeof values.createdAt === 'string' ? values.createdAt : now),
    updatedAt: now,
    deletedAt: null,
    version: existing?.version ?? 0,
    __scopes: existing?.__scopes ?? [],
  };
  const problem = rowProblem(replica.schema, t, toRow(row), replica.schema.maxChangeBytes);
  if (problem) throw abort(tx, problem);
  if (!existing) row.__scopes = await replica.matchingScopes(tx, t, row);
  await store.put(row);
  const entry = await touchOutbox(tx, t.name, uid, existing);
  await options.also?.(tx);
  await tx.done;
  replica.notify([t.name, OUTBOX]);
  return { row: toRow(row), key: entry.key, seq: entry.seq, rev: entry.rev };
}

/**
 * Tombstones a row, and in the same transaction the rows of every table whose reference to it
 * cascades (a group's memberships), recursively (see `cascade.ts`). Only the row itself goes to
 * the outbox: the server cascades on its side and sends the children's tombstones back.
 */
export async function deleteRow(replica: Replica, table: string, uid: string, options: WriteOptions = {}): Promise<LocalWrite> {
  const t = replica.schema.table(table);
  requireScope(replica, t);
  const key = uid.toLowerCase();
  const tx = replica.transaction('readwrite');
  const row = (await tx.objectStore(t.name).get(key)) as StoredRow | undefined;
  if (!row) throw abort(tx, new LocalWriteError('NOT_FOUND', `${t.name} ${uid} is not in the replica`));
  if (row.deletedAt) {
    let entry = (await tx.objectStore(OUTBOX).get(outboxKey(t.name, key))) as OutboxEntry | undefined;
    if (row.__cascade) {
      // Deleted by a parent's pending delete, now by the app too: its own delete, kept if the parent's is refused.
      const { __cascade: _mark, ...own } = row;
      await tx.objectStore(t.name).put(own);
      entry = await touchOutbox(tx, t.name, key, { ...own, deletedAt: null });
    }
    await options.also?.(tx);
    await tx.done;
    if (entry) replica.notify([OUTBOX]);
    // An earlier delete already made this tombstone: this one shares its outcome, or has none to wait for.
    return { row: toRow(row), key: outboxKey(t.name, key), seq: entry?.seq ?? 0, rev: entry?.rev ?? 0 };
  }
  const now = replica.now().toISOString();
  const touched = new Set([t.name, OUTBOX]);
  const tombstone = { ...row, deletedAt: now, updatedAt: now };
  await tx.objectStore(t.name).put(tombstone);
  const entry = await touchOutbox(tx, t.name, key, row);
  await cascadeDelete(tx, replica.schema, t, key, outboxKey(t.name, key), now, touched, async (c, u, before) => { await touchOutbox(tx, c, u, before); });
  await options.also?.(tx);
  await tx.done;
  replica.notify(touched);
  return { row: toRow(tombstone), key: entry.key, seq: entry.seq, rev: entry.rev };
}

/** Adds the row's change to the outbox, or folds it into the pending one (a new revision). */
async function touchOutbox(tx: Tx, table: string, uid: string, before: StoredRow | undefined): Promise<OutboxEntry> {
  const outbox = tx.objectStore(OUTBOX);
  const key = outboxKey(table, uid);
  const entry = (await outbox.get(key)) as OutboxEntry | undefined;
  if (entry) {
    const next = { ...entry, rev: entry.rev + 1 };
    await outbox.put(next);
    return next;
  }
  const meta = tx.objectStore(META);
  const seq = (((await meta.get('seq')) as { value: number } | undefined)?.value ?? 0) + 1;
  await meta.put({ key: 'seq', value: seq });
  const baseVersion = before && before.version > 0 ? before.version : null;
  const created: OutboxEntry = { key, table, uid, baseVersion, seq, rev: 1 };
  await outbox.put(created);
  return created;
}

function dataValues(replica: Replica, table: TableSchema, values: Record<string, unknown>): Record<string, unknown> {
  const data: Record<string, unknown> = {};
  for (const column of replica.schema.dataColumns(table)) {
    if (column.name === 'uid' || !(column.name in values)) continue;
    const value = values[column.name];
    data[column.name] = column.type === 'UUID' && typeof value === 'string' ? value.toLowerCase() : value;
  }
  return data;
}

function requireScope(replica: Replica, table: TableSchema): void {
  if (replica.scopesOf(table.name).length === 0) {
    throw new LocalWriteError('NO_SCOPE', `Add a scope of ${table.name} (open({scopes}) or client.scope()) before writing to it: the server accepts changes within a scope only`);
  }
}

export function abort(tx: Tx, error: Error): Error {
  try {
    tx.abort();
  } catch {
    // already finished
  }
  tx.done.catch(() => undefined);
  return error;
}
