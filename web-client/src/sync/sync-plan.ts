/**
 * Builds a sync request from the replica (per scope: the rows held unchanged as "uid:version",
 * the pending changes) and applies its answer, or a realtime event, in one IndexedDB transaction.
 */
import { META, OUTBOX, SCOPES_INDEX, outboxKey, type OutboxEntry, type StoredRow } from '../replica/replica-db.js';
import type { Replica, Tx } from '../replica/replica.js';
import type { ChangeEvent, Rejection, Row, Scope, ScopeResult, SyncResult } from '../replica/types.js';
import type { TableSchema } from '../schema/sync-schema.js';
import { HeldDigest, bucketsFor } from './held-digest.js';

/** Scopes holding at least this many unchanged rows send them as a digest (bucket checksums). */
export const DIGEST_FROM = 1000;

export interface SyncPlan {
  syncId: string;
  input: Record<string, unknown>;
  tables: TableSchema[];
  /** The revision of each outbox entry sent, to tell an answered change from one edited meanwhile. */
  sent: Map<string, number>;
  /** Scopes sent as a digest: its buckets, and the uids the scope held then (tombstones too). */
  digests: Map<string, { digest: HeldDigest; uids: string[] }>;
}

export async function buildSyncPlan(replica: Replica, syncId: string = crypto.randomUUID(), digestFrom = DIGEST_FROM): Promise<SyncPlan> {
  const tx = replica.transaction('readonly');
  const outbox = (await tx.objectStore(OUTBOX).index('seq').getAll()) as OutboxEntry[];
  const pending = new Set(outbox.map((e) => e.key));
  const tables = replica.schema.tables.filter((t) => replica.scopesOf(t.name).length > 0);
  type ScopeInput = { id: string; where: unknown; held?: string[]; heldDigest?: string; changes: Record<string, unknown>[] };
  const scopes = new Map<string, ScopeInput>();
  const digests = new Map<string, { digest: HeldDigest; uids: string[] }>();
  for (const table of tables) {
    for (const scope of replica.scopesOf(table.name)) {
      const rows = (await tx.objectStore(table.name).index(SCOPES_INDEX).getAll(scope.id)) as StoredRow[];
      const unchanged = rows.filter((r) => r.version > 0 && !pending.has(outboxKey(table.name, r.uid)));
      if (unchanged.length >= digestFrom) {
        // A digest covers live rows only; the server answers every row of each bucket that differs.
        const live = unchanged.filter((r) => r.deletedAt == null);
        const digest = new HeldDigest(bucketsFor(live.length));
        for (const r of live) digest.add(r.uid, r.version);
        digests.set(scope.id, { digest, uids: unchanged.map((r) => r.uid) });
        scopes.set(scope.id, { id: scope.id, where: scope.where, heldDigest: digest.encode(), changes: [] });
      } else {
        scopes.set(scope.id, { id: scope.id, where: scope.where, held: unchanged.map((r) => `${r.uid}:${r.version}`), changes: [] });
      }
    }
  }
  const sent = new Map<string, number>();
  const evaluator = replica.evaluator(tx);
  for (const entry of outbox) {
    const table = replica.schema.has(entry.table) ? replica.schema.table(entry.table) : undefined;
    const row = table && ((await tx.objectStore(table.name).get(entry.uid)) as StoredRow | undefined);
    const candidates = table ? replica.scopesOf(table.name) : [];
    if (!table || !row || candidates.length === 0) continue;
    let scope: Scope | undefined = candidates.find((s) => row.__scopes.includes(s.id));
    for (const s of candidates) if (!scope && (await evaluator.matches(table, row, s.where))) scope = s;
    scopes.get((scope ?? candidates[0]!).id)!.changes.push(change(replica, table, row, entry));
    sent.set(entry.key, entry.rev);
  }
  const input: Record<string, unknown> = { syncId, cutoff: ((await tx.objectStore(META).get('cursor')) as { value: string } | undefined)?.value ?? null };
  for (const table of tables) input[table.queryField] = replica.scopesOf(table.name).map((s) => scopes.get(s.id));
  return { syncId, input, tables, sent, digests };
}

function change(replica: Replica, table: TableSchema, row: StoredRow, entry: OutboxEntry): Record<string, unknown> {
  const values: Record<string, unknown> = { uid: row.uid, baseVersion: entry.baseVersion, createdAt: row.createdAt, updatedAt: row.updatedAt, deletedAt: row.deletedAt };
  for (const column of replica.schema.dataColumns(table)) if (row[column.name] !== undefined) values[column.name] = row[column.name];
  return values;
}

/** Applies a sync answer atomically; returns the refused or overridden local changes. */
export async function applySyncResult(replica: Replica, plan: SyncPlan, result: SyncResult): Promise<Rejection[]> {
  const tx = replica.transaction('readwrite');
  const rejections: Rejection[] = [];
  const touched = new Set<string>();
  try {
    for (const table of plan.tables) {
      for (const scope of (result[table.queryField] as ScopeResult[] | undefined) ?? []) {
        const scopeId = scope.id ?? '';
        const digest = plan.digests.get(scopeId);
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
        for (const row of scope.upserts) if (await storeServerRow(tx, table, scopeId, row, plan.sent)) touched.add(table.name);
        for (const uid of scope.drops) if (await dropFromScope(tx, table, scopeId, uid, plan.sent)) touched.add(table.name);
        for (const r of scope.rejected) {
          const serverRow = scope.upserts.find((u) => u.uid === r.uid);
          rejections.push({ table: table.name, uid: r.uid, reason: r.reason, field: r.field ?? null, message: r.message ?? null, serverRow: serverRow ? normalize(serverRow) : null });
        }
      }
    }
    await tx.objectStore(META).put({ key: 'cursor', value: result.cursor });
    await tx.done;
  } catch (e) {
    try { tx.abort(); } catch { /* already aborted by the failed request */ }
    await tx.done.catch(() => undefined);
    throw e;
  }
  replica.notify(touched);
  return rejections;
}

async function storeServerRow(tx: Tx, table: TableSchema, scopeId: string, raw: Row, sent: Map<string, number>): Promise<boolean> {
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

async function dropFromScope(tx: Tx, table: TableSchema, scopeId: string, uid: string, sent: Map<string, number>): Promise<boolean> {
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

function normalize(row: Row): Row {
  return { ...row, uid: row.uid.toLowerCase(), version: Number(row.version), deletedAt: row.deletedAt ?? null } as Row;
}

function union(scopes: string[] | undefined, id: string): string[] {
  const list = scopes ?? [];
  return list.includes(id) ? list : [...list, id];
}
