/**
 * The IndexedDB database of a replica: one object store per table (rows keyed by uid, an index
 * per foreign key and one on the scopes holding the row), the outbox, the rejection records and a
 * meta store (schema, cursor, the sync in flight). Opening with a schema whose digest differs from
 * the stored one migrates it in a version upgrade, keeping every pending change.
 */
import { openDB, type IDBPDatabase, type IDBPTransaction } from 'idb';
import type { Tx } from './replica.js';
import type { SyncSchema, TableSchema } from '../schema/sync-schema.js';
import { forgetFilledOf } from '../sync/paging-state.js';
import { forgetStamps } from '../sync/stamps.js';

export const OUTBOX = '__outbox';
export const META = '__meta';

/** Deletes the meta records whose key starts with `prefix` and whose value `match` accepts. */
export async function deleteMeta<T>(tx: Pick<Tx, 'objectStore'>, prefix: string, match: (value: T) => boolean): Promise<void> {
  let cursor = await tx.objectStore(META).openCursor(IDBKeyRange.bound(prefix, `${prefix}\uffff`));
  while (cursor) {
    if (match((cursor.value as { value: T }).value)) await cursor.delete();
    cursor = await cursor.continue();
  }
}
/** Local changes the server refused, kept with their values until the app acknowledges them. */
export const REJECTIONS = '__rejections';
/** Multi-entry index of a table store: the ids of the scopes a row is in. */
export const SCOPES_INDEX = '__scopes';

/** A stored row: the table's columns plus the ids of the scopes that hold it. */
export interface StoredRow {
  uid: string;
  version: number;
  deletedAt: string | null;
  createdAt: string;
  updatedAt: string;
  __scopes: string[];
  /**
   * Set on a row tombstoned locally by the cascade of a parent's delete that the server has not
   * answered yet: the outbox key of the deleted ancestor and the values the cascade replaced, so
   * a refused delete can be undone (the server holds the row as it was before).
   */
  __cascade?: CascadeMark;
  [column: string]: unknown;
}

export interface CascadeMark {
  root: string;
  deletedAt: string | null;
  updatedAt: string;
}

/** A row changed locally and not yet acknowledged by the server (one per row, coalesced). */
export interface OutboxEntry {
  key: string;
  table: string;
  uid: string;
  /** The server version the change is based on; null for a row created locally. */
  baseVersion: number | null;
  /** Order of the first pending change of this row. */
  seq: number;
  /** Bumped on every local change, so a sync answer can tell whether the row changed meanwhile. */
  rev: number;
  /**
   * The highest revision the server has answered while the entry stayed (the row was edited again
   * while that answer was on its way): writes up to it have their outcome, those after it wait.
   */
  settledRev?: number;
}

export const outboxKey = (table: string, uid: string): string => `${table}:${uid}`;

export type ReplicaDb = IDBPDatabase<unknown>;
type UpgradeTx = IDBPTransaction<unknown, string[], 'versionchange'>;

/** What a migration did, for the app's information. */
export interface MigrationReport {
  from: string | null;
  to: string;
  /** Tables whose cached rows were cleared to be synced again (pending rows kept). */
  resynced: string[];
  /** Pending changes of tables the server no longer has (they cannot be sent anywhere). */
  discarded: OutboxEntry[];
}

export interface OpenedReplica {
  db: ReplicaDb;
  migration: MigrationReport | null;
}

/** Opens the replica's database for a schema, migrating it when the schema changed. */
export async function openReplicaDb(name: string, schema: SyncSchema, onBlocking: () => void): Promise<OpenedReplica> {
  const probe = await openDB(name);
  const stored = probe.objectStoreNames.contains(META) ? ((await probe.get(META, 'schema')) as { value: SyncSchema } | undefined)?.value ?? null : null;
  // A replica made by an older client lacks stores added since: an upgrade adds them, rows kept.
  if (stored && stored.version === schema.version && probe.objectStoreNames.contains(REJECTIONS)) {
    probe.addEventListener('versionchange', () => { probe.close(); onBlocking(); });
    return { db: probe, migration: null };
  }
  const version = probe.version + 1;
  probe.close();
  const result: { report: MigrationReport | null } = { report: null };
  const db = await openDB(name, version, {
    async upgrade(database, _old, _new, tx) {
      result.report = await migrate(database as ReplicaDb, tx as unknown as UpgradeTx, stored, schema);
    },
    blocking() {
      db.close();
      onBlocking();
    },
  });
  return { db, migration: result.report?.from === result.report?.to ? null : result.report };
}

async function migrate(db: ReplicaDb, tx: UpgradeTx, from: SyncSchema | null, to: SyncSchema): Promise<MigrationReport> {
  if (!db.objectStoreNames.contains(META)) db.createObjectStore(META, { keyPath: 'key' });
  if (!db.objectStoreNames.contains(OUTBOX)) db.createObjectStore(OUTBOX, { keyPath: 'key' }).createIndex('seq', 'seq');
  if (!db.objectStoreNames.contains(REJECTIONS)) db.createObjectStore(REJECTIONS, { keyPath: 'id' });
  const pending = (await tx.objectStore(OUTBOX).getAll()) as OutboxEntry[];
  const pendingKeys = new Set(pending.map((e) => e.key));
  const resynced: string[] = [];
  for (const table of to.tables) {
    const before = from?.tables.find((t) => t.name === table.name);
    if (!db.objectStoreNames.contains(table.name)) {
      db.createObjectStore(table.name, { keyPath: 'uid' });
    }
    const store = tx.objectStore(table.name);
    const wanted = new Set([SCOPES_INDEX, ...table.parents.map((p) => p.foreignKey)]);
    for (const index of [...store.indexNames]) if (!wanted.has(index)) store.deleteIndex(index);
    if (!store.indexNames.contains(SCOPES_INDEX)) store.createIndex(SCOPES_INDEX, SCOPES_INDEX, { multiEntry: true });
    for (const parent of table.parents) {
      if (!store.indexNames.contains(parent.foreignKey)) store.createIndex(parent.foreignKey, parent.foreignKey);
    }
    if (before && sameColumns(before, table)) continue;
    // New or changed columns: rows held at an unchanged version would never be sent again, so
    // forget the cached copies (the next sync sends them whole) but keep rows with pending changes.
    resynced.push(table.name);
    let cursor = await store.openCursor();
    while (cursor) {
      if (!pendingKeys.has(outboxKey(table.name, cursor.key as string))) await cursor.delete();
      cursor = await cursor.continue();
    }
  }
  // Scopes of tables whose rows were cleared no longer hold what their stamps say: compared whole next time.
  if (resynced.length > 0) {
    await forgetStamps(tx as never, new Set(resynced));
    await forgetFilledOf(tx as never, new Set(resynced)); // and, holding nothing, they are paged again
  }
  const discarded: OutboxEntry[] = [];
  const kept = new Set(to.tables.map((t) => t.name));
  for (const name of [...db.objectStoreNames]) {
    if (name === META || name === OUTBOX || name === REJECTIONS || kept.has(name)) continue;
    db.deleteObjectStore(name);
    for (const entry of pending.filter((e) => e.table === name)) {
      discarded.push(entry);
      await tx.objectStore(OUTBOX).delete(entry.key);
    }
  }
  await tx.objectStore(META).put({ key: 'schema', value: to });
  await tx.objectStore(META).delete('nextSchema'); // the newer schema a background check found, now applied
  return { from: from?.version ?? null, to: to.version, resynced, discarded };
}

function sameColumns(a: TableSchema, b: TableSchema): boolean {
  const describe = (t: TableSchema) => t.columns.map((c) => `${c.name}:${c.type}:${c.nullable}`).sort().join(',');
  return describe(a) === describe(b);
}
