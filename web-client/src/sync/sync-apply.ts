/**
 * Applies a sync answer, or a realtime event, to the replica in one IndexedDB transaction: the
 * server's rows, the drops, the rejections (recorded with the local values before the server's
 * row replaces them, and the local cascade of a refused delete undone), the cursor, and the end
 * of the flight. A failure leaves the replica as it was. The answer's outcome of every change it
 * carried is returned as settlements, for the promises of the writes that made them.
 */
import { undoCascade } from '../replica/cascade.js';
import { META, OUTBOX, outboxKey, type OutboxEntry, type StoredRow } from '../replica/replica-db.js';
import type { Replica } from '../replica/replica.js';
import type { ChangeEvent, Rejection, Scope, ScopeResult, SyncResult } from '../replica/types.js';
import type { TableSchema } from '../schema/sync-schema.js';
import { dropUnscoped } from '../scopes/eviction.js';
import { clearFlight } from './flight.js';
import { recordRejection, rejectionOf } from './rejections.js';
import { dropFromScope, normalize, sameScopes, storeServerRow, union, untie } from './row-store.js';
import type { Settlement } from './settlements.js';
import type { SyncPlan } from './sync-plan.js';
import { stampEpoch, forgetStamp, saveStamp, type AnswerSource } from './stamps.js';

/** What applying an answer told: the refused or overridden local changes (now recorded), and every change's outcome. */
export interface AppliedAnswer {
  rejections: Rejection[];
  settlements: Settlement[];
  /** How the server answered each scope of the replica (change log or comparison, and why). */
  sources: Map<string, AnswerSource>;
}

/** Applies a sync answer atomically. */
export async function applySyncResult(replica: Replica, plan: SyncPlan, result: SyncResult): Promise<AppliedAnswer> {
  const tx = replica.transaction('readwrite');
  const rejections: Rejection[] = [];
  const settlements: Settlement[] = [];
  const touched = new Set<string>([OUTBOX]);
  const active = new Set(replica.scopes.map((s) => s.id));
  const answered: [string, string][] = [];
  const sources = new Map<string, AnswerSource>();
  const now = replica.now().getTime();
  const settle = (key: string, outcome: Pick<Settlement, 'row' | 'rejection'>): void => {
    const rev = plan.sent.get(key);
    if (rev !== undefined) settlements.push({ key, seq: plan.seqs.get(key) ?? null, rev, ...outcome });
  };
  try {
    for (const table of plan.tables) {
      for (const scope of (result[table.queryField] as ScopeResult[] | undefined) ?? []) {
        // A replay may carry a scope the app no longer declares: only the answers to its changes count.
        const scopeId = scope.id !== null && active.has(scope.id) ? scope.id : null;
        const wanted = (uid: string): boolean => scopeId !== null || plan.sent.has(outboxKey(table.name, uid.toLowerCase()));
        await dropRefreshed(tx, plan, table, scopeId, scope, touched);
        if (scopeId !== null) {
          await keepStamp(tx, plan, scopeId, scope, now);
          sources.set(scopeId, { source: scope.source ?? null, fallback: scope.fallback ?? null });
        }
        for (const row of scope.upserts.filter((r) => wanted(r.uid))) if (await storeServerRow(tx, table, scopeId, row, plan.sent, active)) touched.add(table.name);
        for (const uid of scope.drops.filter(wanted)) if (await dropFromScope(tx, table, scopeId, uid, plan.sent)) touched.add(table.name);
        for (const applied of scope.applied) {
          const uid = applied.toLowerCase();
          const row = scope.upserts.find((u) => u.uid.toLowerCase() === uid);
          settle(outboxKey(table.name, uid), { row: row ? normalize(row) : null, rejection: null });
          answered.push([table.name, uid]);
        }
        for (const r of scope.rejected) {
          const key = outboxKey(table.name, r.uid.toLowerCase());
          const serverRow = scope.upserts.find((u) => u.uid === r.uid);
          const change = plan.changes.get(key) ?? { uid: r.uid.toLowerCase(), baseVersion: null };
          const rejection = rejectionOf({ table: table.name, change, reason: r.reason, field: r.field ?? null, message: r.message ?? null, serverRow: serverRow ? normalize(serverRow) : null });
          const record = await recordRejection(tx, rejection, plan.syncId);
          // A refused delete: the rows its local cascade tombstoned are live on the server still.
          if (change.deletedAt != null) await undoCascade(tx, replica.schema, table, rejection.uid, key, touched);
          rejections.push(rejection);
          settle(key, { row: null, rejection: record });
          answered.push([table.name, rejection.uid]);
        }
      }
    }
    // A change sent in a scope the replica no longer has is answered: its row goes unless something keeps it.
    for (const [table, uid] of answered) if (await dropUnscoped(tx, table, uid)) touched.add(table);
    for (const s of settlements) await markSettled(tx, s);
    await tx.objectStore(META).put({ key: 'cursor', value: result.cursor });
    await clearFlight(tx, plan.syncId);
    await tx.done;
  } catch (e) {
    try { tx.abort(); } catch { /* already aborted by the failed request */ }
    await tx.done.catch(() => undefined);
    throw e;
  }
  replica.notify(touched);
  return { rejections, settlements, sources };
}

/**
 * Stores the stamp of a scope's answer with the rows it applies (same transaction: a stamp is
 * never newer than the rows held), or forgets the scope's stamp when the answer carries none.
 */
async function keepStamp(tx: Parameters<typeof dropFromScope>[0], plan: SyncPlan, scopeId: string, scope: ScopeResult, now: number): Promise<void> {
  const context = plan.stamps.get(scopeId);
  // The stamp was forgotten since the request was built (rows evicted, an event moved one): the answer does not know it.
  if (!context || !scope.stamp || (await stampEpoch(tx, scopeId)) !== context.epoch) {
    await forgetStamp(tx, scopeId);
    return;
  }
  const fromLog = scope.source === 'CHANGE_LOG' && context.comparedAt !== null;
  await saveStamp(tx, scopeId, { table: context.table, where: context.where, identity: context.identity, stamp: scope.stamp, comparedAt: fromLog ? context.comparedAt! : now });
}

/** A change answered while the row was edited again: its entry stays, and says up to which revision writes have their outcome. */
async function markSettled(tx: Parameters<typeof dropFromScope>[0], s: Settlement): Promise<void> {
  const entry = (await tx.objectStore(OUTBOX).get(s.key)) as OutboxEntry | undefined;
  if (entry && (s.seq === null || entry.seq === s.seq) && entry.rev > s.rev) await tx.objectStore(OUTBOX).put({ ...entry, settledRev: Math.max(entry.settledRev ?? 0, s.rev) });
}

/** For a scope sent as a digest: every row of a refreshed bucket the answer does not list leaves the scope. */
async function dropRefreshed(tx: Parameters<typeof dropFromScope>[0], plan: SyncPlan, table: TableSchema, scopeId: string | null, scope: ScopeResult, touched: Set<string>): Promise<void> {
  const digest = scopeId === null ? undefined : plan.digests.get(scopeId);
  if (!digest || !scope.refreshedBuckets) return;
  const refreshed = new Set(scope.refreshedBuckets);
  const upserted = new Set(scope.upserts.map((r) => r.uid));
  for (const uid of digest.uids) {
    if (refreshed.has(digest.digest.bucket(uid)) && !upserted.has(uid) && (await dropFromScope(tx, table, scopeId, uid, plan.sent))) {
      touched.add(table.name);
    }
  }
}

/**
 * Applies one realtime event of a scope if it is newer than the row held; returns whether the
 * replica changed. A row with a pending local change keeps its values: the next sync decides.
 */
export async function applyEvent(replica: Replica, scope: Scope, event: ChangeEvent): Promise<boolean> {
  if (event.operation === 'READY' || event.operation === 'RESYNC' || !event.uid) return false;
  const table = replica.schema.table(scope.table);
  const active = new Set(replica.scopes.map((s) => s.id));
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
      await forgetStamp(tx, scope.id); // the event may predate the scope's last answer (see below)
      changed = true;
    }
  } else if (event.row && !existing && event.row.deletedAt != null) {
    // Tombstones go only to replicas that hold the row, as in sync: one for a row this replica does
    // not hold (a sync answered while the event waited dropped it) must not bring it back.
  } else if (event.row) {
    // An event that moves a row into (or, above, out of) the scope may be older than the scope's last
    // sync answer: the stamp goes (`forgetStamp`), so the next reconnect compares the whole scope. A
    // newer version of a row the scope holds needs no such care: a stale one is older than the row
    // held and is not applied.
    if (!(existing?.__scopes ?? []).includes(scope.id)) await forgetStamp(tx, scope.id);
    const scopes = union(existing?.__scopes, scope.id, active);
    await untie(tx, existing?.__scopes, scopes);
    if (!existing || (existing.version < version && !pending)) {
      await store.put({ ...normalize(event.row), __scopes: scopes });
      changed = true;
    } else if (!sameScopes(scopes, existing.__scopes)) {
      await store.put({ ...existing, __scopes: scopes });
    }
  }
  await tx.objectStore(META).put({ key: 'cursor', value: event.cursor });
  await tx.done;
  if (changed) replica.notify([table.name]);
  return changed;
}
