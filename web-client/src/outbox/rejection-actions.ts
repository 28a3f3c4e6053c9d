/**
 * What the app does with a rejection record, each in one IndexedDB transaction with the record's end:
 * - `retry`: "keep mine" — the refused values are written again on top of the row the replica holds
 *   now (the server's), so the change goes out based on the server's version (a refused delete is
 *   deleted again); it is applied, or refused again with a new record.
 * - `discard`: "keep theirs" — the refused values are given up, and with them any later local change
 *   of the row still waiting (not one already sent: that one's answer decides); the replica goes
 *   back to the server's row.
 * - `acknowledge`: the app has shown it; the outcome stands as it is.
 * A row kept only because of the record (its scopes were removed) leaves the replica with it.
 */
import { undoCascade } from '../replica/cascade.js';
import { deleteRow, saveRow, type LocalWrite } from '../replica/local-writes.js';
import { META, OUTBOX, REJECTIONS, outboxKey, type OutboxEntry, type StoredRow } from '../replica/replica-db.js';
import type { Replica, Tx } from '../replica/replica.js';
import { LocalWriteError, type RejectionRecord } from '../replica/types.js';
import { dropUnscoped } from '../scopes/eviction.js';
import { FLIGHT_KEY, type Flight } from '../sync/flight.js';
import type { Settlement } from '../sync/settlements.js';

/** Writes the record's refused values again, as a new change based on the server's version; the record goes with it. */
export async function retryRejection(replica: Replica, id: string): Promise<LocalWrite> {
  const record = (await replica.db.get(REJECTIONS, id)) as RejectionRecord | undefined;
  if (!record) throw new LocalWriteError('NOT_FOUND', `No open rejection record has the id ${id}`);
  const also = async (tx: Tx): Promise<void> => { await tx.objectStore(REJECTIONS).delete(id); };
  if (record.local.deletedAt != null) return deleteRow(replica, record.table, record.uid, { also });
  const table = replica.schema.table(record.table);
  const values: Record<string, unknown> = { uid: record.uid, createdAt: record.local.createdAt };
  for (const column of replica.schema.dataColumns(table)) if (column.name in record.local) values[column.name] = record.local[column.name];
  return saveRow(replica, record.table, values, { also });
}

/** Gives up the record's values and any later change of the row not yet sent; returns the outcome of the writes given up. */
export async function discardRejection(replica: Replica, id: string): Promise<{ record: RejectionRecord; settlements: Settlement[] } | undefined> {
  const tx = replica.transaction('readwrite');
  const record = (await tx.objectStore(REJECTIONS).get(id)) as RejectionRecord | undefined;
  if (!record) {
    await tx.done;
    return undefined;
  }
  await tx.objectStore(REJECTIONS).delete(id);
  const key = outboxKey(record.table, record.uid);
  const touched = new Set([OUTBOX, record.table]);
  const settlements: Settlement[] = [];
  const entry = (await tx.objectStore(OUTBOX).get(key)) as OutboxEntry | undefined;
  const flight = ((await tx.objectStore(META).get(FLIGHT_KEY)) as { value: Flight } | undefined)?.value;
  if (entry && !flight?.sent.some(([sent]) => sent === key)) {
    await tx.objectStore(OUTBOX).delete(key);
    settlements.push({ key, seq: entry.seq, rev: entry.rev, row: null, rejection: record });
    await backToServer(replica, tx, record, key, touched);
  }
  await dropUnscoped(tx, record.table, record.uid);
  await tx.done;
  replica.notify(touched);
  return { record, settlements };
}

/** Forgets a record the app has dealt with; false when no record has this id. */
export async function acknowledgeRejection(replica: Replica, id: string): Promise<boolean> {
  const tx = replica.transaction('readwrite');
  const record = (await tx.objectStore(REJECTIONS).get(id)) as RejectionRecord | undefined;
  if (record) {
    await tx.objectStore(REJECTIONS).delete(id);
    await dropUnscoped(tx, record.table, record.uid);
  }
  await tx.done;
  replica.notify(record ? [OUTBOX, record.table] : []);
  return record !== undefined;
}

/** The row as the server last sent it (the record's server row), or none: the next sync brings it back. */
async function backToServer(replica: Replica, tx: Tx, record: RejectionRecord, key: string, touched: Set<string>): Promise<void> {
  const store = tx.objectStore(record.table);
  const held = (await store.get(record.uid)) as StoredRow | undefined;
  if (held?.deletedAt != null) await undoCascade(tx, replica.schema, replica.schema.table(record.table), record.uid, key, touched);
  if (record.serverRow) await store.put({ ...record.serverRow, __scopes: held?.__scopes ?? [] });
  else if (held) await store.delete(record.uid);
}
