/**
 * Applies a sync answer, or a realtime event, to the replica in one IndexedDB transaction: the
 * server's rows, the drops, the rejections (recorded with the local values before the server's
 * row replaces them, and the local cascade of a refused delete undone), the cursor, and the end
 * of the flight. A failure leaves the replica as it was.
 */
import { undoCascade } from '../replica/cascade.js';
import { META, OUTBOX, outboxKey, type OutboxEntry, type StoredRow } from '../replica/replica-db.js';
import type { Replica, Tx } from '../replica/replica.js';
import type { ChangeEvent, Rejection, Row, Scope, ScopeResult, SyncResult } from '../replica/types.js';
import type { TableSchema } from '../schema/sync-schema.js';
import { clearFlight } from './flight.js';
import { recordRejection, rejectionOf } from './rejections.js';
import type { SyncPlan } from './sync-plan.js';

/** Applies a sync answer atomically; returns the refused or overridden local changes (now recorded). */
export async function applySyncResult(replica: Replica, plan: SyncPlan, result: SyncResult): Promise<Rejection[]> {
  const tx = replica.transaction('readwrite');
  const rejections: Rejection[] = [];
  const touched = new Set<string>();
  const declared = new Set(replica.scopes.map((s) => s.id));
  try {
    for (const table of plan.tables) {
      for (const scope of (result[table.queryField] as ScopeResult[] | undefined) ?? []) {
        // A replay may carry a scope the app no longer declares: only the answers to its changes count.
        const scopeId = scope.id !== null && declared.has(scope.id) ? scope.id : null;
        const wanted = (uid: string): boolean => scopeId !== null || plan.sent.has(outboxKey(table.name, uid.toLowerCase()));
        const digest = scopeId === null ? undefined : plan.digests.get(scopeId);
        if (digest && scope.refreshedBuckets) {
          // Every row the client may keep of a refreshed bucket is in upserts: the others leave the scope.
          const refreshed = new Set(scope.refreshedBuckets);
          const upserted = new Set(scope.upserts.map((r) => r.uid));
          for (const uid of digest.uids) {
            if (refreshed.has(digest.digest.bucket(uid)) && !upserted.has(uid) && (await dropFromScope(tx, table, scopeId, uid, plan.sent))) {
              touched.add(table.name);
            }
          }
        }
        for (const row of scope.upserts.filter((r) => wanted(r.uid))) if (await storeServerRow(tx, table, scopeId, row, plan.sent)) touched.add(table.name);
        for (const uid of scope.drops.filter(wanted)) if (await dropFromScope(tx, table, scopeId, uid, plan.sent)) touched.add(table.name);
        for (const r of scope.rejected) {
          const key = outboxKey(table.name, r.uid.toLowerCase());
          const serverRow = scope.upserts.find((u) => u.uid === r.uid);
          const change = plan.changes.get(key) ?? { uid: r.uid.toLowerCase(), baseVersion: null };
          const rejection = rejectionOf({ table: table.name, change, reason: r.reason, field: r.field ?? null, message: r.message ?? null, serverRow: serverRow ? normalize(serverRow) : null });
          await recordRejection(tx, rejection, plan.syncId);
          // A refused delete: the rows its local cascade tombstoned are live on the server still.
          if (change.deletedAt != null) await undoCascade(tx, replica.schema, table, rejection.uid, key, touched);
          rejections.push(rejection);
        }
      }
    }
    await tx.objectStore(META).put({ key: 'cursor', value: result.cursor });
    await clearFlight(tx, plan.syncId);
    await tx.done;
  } catch (e) {
    try { tx.abort(); } catch { /* already aborted by the failed request */ }
    await tx.done.catch(() => undefined);
    throw e;
  }
  replica.notify(touched);
  return rejections;
}

async function storeServerRow(tx: Tx, table: TableSchema, scopeId: string | null, raw: Row, sent: Map<string, number>): Promise<boolean> {
  const row = normalize(raw);
  const store = tx.objectStore(table.name);
  const existing = (await store.get(row.uid)) as StoredRow | undefined;
  const key = outboxKey(table.name, row.uid);
  const entry = (await tx.objectStore(OUTBOX).get(key)) as OutboxEntry | undefined;
  const scopes = union(existing?.__scopes, scopeId);
  if (entry && sent.get(key) === entry.rev) {
    await tx.objectStore(OUTBOX).delete(key); // answered: the server's row replaces the optimistic one
  } else if (entry && existing) {
    // Edited again while the sync was in flight: keep the local values, now based on the server's version.
    if (sent.has(key)) await tx.objectStore(OUTBOX).put({ ...entry, baseVersion: row.version });
    await store.put({ ...existing, version: sent.has(key) ? row.version : existing.version, __scopes: scopes });
    return false;
  } else if (existing && existing.version > row.version) {
    if (scopes.length !== existing.__scopes.length) await store.put({ ...existing, __scopes: scopes });
    return false;
  }
  await store.put({ ...row, __scopes: scopes });
  return true;
}

async function dropFromScope(tx: Tx, table: TableSchema, scopeId: string | null, uid: string, sent: Map<string, number>): Promise<boolean> {
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
  if (entry || scopes.length === 0) await store.delete(uid);
  else await store.put({ ...existing, __scopes: scopes });
  return true;
}

/**
 * Applies one realtime event of a scope if it is newer than the row held; returns whether the
 * replica changed. A row with a pending local change keeps its values: the next sync decides.
 */
export async function applyEvent(replica: Replica, scope: Scope, event: ChangeEvent): Promise<boolean> {
  if (event.operation === 'READY' || event.operation === 'RESYNC' || !event.uid) return false;
  const table = replica.schema.table(scope.table);
  const tx = replica.transaction('readwrite');
  const store = tx.objectStore(table.name);
  const uid = event.uid.toLowerCase();
  const existing = (await store.get(uid)) as StoredRow | undefined;
  const pending = await tx.objectStore(OUTBOX).get(outboxKey(table.name, uid));
  const version = Number(event.version ?? 0);
  let changed = false;
  if (event.operation === 'LEAVE_SCOPE') {
    if (existing && existing.version <= version && existing.__scopes.includes(scope.id)) {
      const scopes = existing.__scopes.filter((id) => id !== scope.id);
      if (scopes.length === 0 && !pending) await store.delete(uid);
      else await store.put({ ...existing, __scopes: scopes });
      changed = true;
    }
  } else if (event.row && !existing && event.row.deletedAt != null) {
    // Tombstones go only to replicas that hold the row, as in sync: one for a row this replica does
    // not hold (a sync answered while the event waited dropped it) must not bring it back.
  } else if (event.row) {
    const scopes = union(existing?.__scopes, scope.id);
    if (!existing || (existing.version < version && !pending)) {
      await store.put({ ...normalize(event.row), __scopes: scopes });
      changed = true;
    } else if (scopes.length !== existing.__scopes.length) {
      await store.put({ ...existing, __scopes: scopes });
    }
  }
  await tx.objectStore(META).put({ key: 'cursor', value: event.cursor });
  await tx.done;
  if (changed) replica.notify([table.name]);
  return changed;
}

/** A server row as the replica keeps it; a version a JavaScript number cannot hold exactly is refused. */
function normalize(row: Row): Row {
  const version = Number(row.version);
  if (!Number.isSafeInteger(version) || version < 0) {
    throw new RangeError(`The server sent ${String(row.uid)} at version ${String(row.version)}, outside 0..2^53-1`);
  }
  return { ...row, uid: row.uid.toLowerCase(), version, deletedAt: row.deletedAt ?? null } as Row;
}

function union(scopes: string[] | undefined, id: string | null): string[] {
  const list = scopes ?? [];
  return id === null || list.includes(id) ? list : [...list, id];
}
