/**
 * Eviction of the rows of scopes no tab holds any more: each row forgets those scope ids, and a
 * row left in no scope leaves the replica — unless it has a pending change (it must still reach
 * the server) or an open rejection record (the app has not dealt with it yet; see `rejections()`).
 * Such a row stays, in no scope, until its change is answered or its record is dealt with (then
 * `dropUnscoped` removes it). The paging state, the mark of its first sync done and the stamp of an
 * evicted scope go too: adding it again is a new first sync.
 */
import { OUTBOX, REJECTIONS, SCOPES_INDEX, outboxKey, type StoredRow } from '../replica/replica-db.js';
import type { Replica, Tx } from '../replica/replica.js';
import type { RejectionRecord } from '../replica/types.js';
import { forgetFilled, forgetPaging } from '../sync/paging-state.js';
import { forgetStamp } from '../sync/stamps.js';

/** Makes the replica forget the scopes `ids`; returns the tables whose rows changed. */
export async function evictScopes(replica: Replica, ids: string[]): Promise<Set<string>> {
  const touched = new Set<string>();
  if (ids.length === 0) return touched;
  const gone = new Set(ids);
  const tx = replica.transaction('readwrite');
  const kept = await keptKeys(tx);
  for (const table of replica.tableNames) {
    for (const id of ids) {
      let cursor = await tx.objectStore(table).index(SCOPES_INDEX).openCursor(id);
      while (cursor) {
        const row = cursor.value as StoredRow;
        const scopes = row.__scopes.filter((s) => !gone.has(s));
        if (scopes.length === 0 && !kept.has(outboxKey(table, row.uid))) await cursor.delete();
        else await cursor.update({ ...row, __scopes: scopes });
        touched.add(table);
        cursor = await cursor.continue();
      }
    }
  }
  for (const id of ids) {
    await forgetPaging(tx, id);
    await forgetFilled(tx, id);
    await forgetStamp(tx, id);
  }
  await tx.done;
  replica.notify(touched);
  return touched;
}

/** The scope ids rows of the replica carry: to find those of scopes nobody declares any more. */
export async function heldScopeIds(replica: Replica): Promise<Set<string>> {
  const ids = new Set<string>();
  const tx = replica.transaction('readonly');
  for (const table of replica.tableNames) {
    let cursor = await tx.objectStore(table).index(SCOPES_INDEX).openKeyCursor(null, 'nextunique');
    while (cursor) {
      ids.add(cursor.key as string);
      cursor = await cursor.continue();
    }
  }
  await tx.done;
  return ids;
}

/** Removes a row held in no scope once nothing keeps it (its change answered, its record dealt with). */
export async function dropUnscoped(tx: Tx, table: string, uid: string): Promise<boolean> {
  const row = (await tx.objectStore(table).get(uid)) as StoredRow | undefined;
  if (!row || row.__scopes.length > 0) return false;
  if ((await keptKeys(tx)).has(outboxKey(table, uid))) return false;
  await tx.objectStore(table).delete(uid);
  return true;
}

/** Rows eviction must keep: those with a pending change or an open rejection record. */
async function keptKeys(tx: Tx): Promise<Set<string>> {
  const keys = new Set((await tx.objectStore(OUTBOX).getAllKeys()) as string[]);
  for (const record of (await tx.objectStore(REJECTIONS).getAll()) as RejectionRecord[]) keys.add(outboxKey(record.table, record.uid));
  return keys;
}
