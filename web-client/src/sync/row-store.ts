/**
 * Storing what the server sent about one row, inside the caller's transaction: a sync answer's
 * upsert or drop, a page's row, an event's. The server's row replaces the replica's unless the
 * replica holds a newer version, or a local change of the row waits in the outbox (then the local
 * values stay until the server answers that change). A row remembers the scopes that hold it;
 * scope ids no longer active are dropped whenever the row is written, so a late answer cannot tie
 * a row to a scope that was evicted. A scope that loses a row that way forgets its stamp (see
 * `stamps.ts`): its stamp says it holds that row.
 */
import { OUTBOX, outboxKey, type OutboxEntry, type StoredRow } from '../replica/replica-db.js';
import type { Tx } from '../replica/replica.js';
import type { Row } from '../replica/types.js';
import type { TableSchema } from '../schema/sync-schema.js';
import { forgetStamp } from './stamps.js';

/**
 * Stores a server row for a scope (null: for no scope, the answer to a change sent in a scope the
 * replica no longer has). `sent`: the outbox revisions the answered sync carried. Returns whether
 * the row's values changed.
 */
export async function storeServerRow(tx: Tx, table: TableSchema, scopeId: string | null, raw: Row, sent: Map<string, number>, active: Set<string>): Promise<boolean> {
  const row = normalize(raw);
  const store = tx.objectStore(table.name);
  const existing = (await store.get(row.uid)) as StoredRow | undefined;
  const key = outboxKey(table.name, row.uid);
  const entry = (await tx.objectStore(OUTBOX).get(key)) as OutboxEntry | undefined;
  // A tombstone of a row not held (an answer from the change log may carry one) changes nothing here.
  if (!existing && !entry && row.deletedAt != null) return false;
  const scopes = union(existing?.__scopes, scopeId, active);
  await untie(tx, existing?.__scopes, scopes);
  if (entry && sent.get(key) === entry.rev) {
    await tx.objectStore(OUTBOX).delete(key); // answered: the server's row replaces the optimistic one
  } else if (entry && existing) {
    // Edited again while the sync was in flight: keep the local values, now based on the server's version.
    if (sent.has(key)) await tx.objectStore(OUTBOX).put({ ...entry, baseVersion: row.version });
    await store.put({ ...existing, version: sent.has(key) ? row.version : existing.version, __scopes: scopes });
    return false;
  } else if (existing && existing.version > row.version) {
    if (!sameScopes(scopes, existing.__scopes)) await store.put({ ...existing, __scopes: scopes });
    return false;
  }
  await store.put({ ...row, __scopes: scopes });
  return true;
}

/** The row leaves a scope (dropped by the server); it leaves the replica when no scope holds it and no local change waits. */
export async function dropFromScope(tx: Tx, table: TableSchema, scopeId: string | null, uid: string, sent: Map<string, number>): Promise<boolean> {
  const store = tx.objectStore(table.name);
  const existing = (await store.get(uid)) as StoredRow | undefined;
  if (!existing) return false;
  const key = outboxKey(table.name, uid);
  const entry = (await tx.objectStore(OUTBOX).get(key)) as OutboxEntry | undefined;
  const scopes = existing.__scopes.filter((id) => id !== scopeId);
  if (entry && sent.get(key) !== entry.rev) {
    await store.put({ ...existing, __scopes: scopes }); // changed locally meanwhile: the next sync decides
    return false;
  }
  if (entry) await tx.objectStore(OUTBOX).delete(key); // a refused change of a row that is gone
  // Other scopes held it: their stamps say they hold it, the next sync compares them whole and brings
  // it back as the server has it if it is theirs still.
  if (entry) for (const id of scopes) await forgetStamp(tx, id);
  if (entry || scopes.length === 0) await store.delete(uid);
  else await store.put({ ...existing, __scopes: scopes });
  return true;
}

/** A server row as the replica keeps it; a version a JavaScript number cannot hold exactly is refused. */
export function normalize(row: Row): Row {
  const version = Number(row.version);
  if (!Number.isSafeInteger(version) || version < 0) {
    throw new RangeError(`The server sent ${String(row.uid)} at version ${String(row.version)}, outside 0..2^53-1`);
  }
  return { ...row, uid: row.uid.toLowerCase(), version, deletedAt: row.deletedAt ?? null } as Row;
}

/** A row untied from scopes no longer active: those scopes forget their stamps (they no longer hold the row). */
export async function untie(tx: Tx, before: string[] | undefined, after: string[]): Promise<void> {
  for (const id of before ?? []) if (!after.includes(id)) await forgetStamp(tx, id);
}

export function sameScopes(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((id) => b.includes(id));
}

/** The scopes holding a row: those it had that are still active, and `id`. */
export function union(scopes: string[] | undefined, id: string | null, active: Set<string>): string[] {
  const list = (scopes ?? []).filter((s) => active.has(s));
  return id === null || list.includes(id) ? list : [...list, id];
}
