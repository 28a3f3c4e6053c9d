/**
 * The local replica: reads (one row, where-filtered lists, joins through relation wheres) and
 * optimistic writes (save, delete with the local cascade of join rows) on the IndexedDB stores,
 * each in one transaction, with change notifications for reactive reads.
 */
import type { IDBPTransaction } from 'idb';
import type { SchemaIndex, TableSchema } from '../schema/sync-schema.js';
import { newUid } from '../util/uid.js';
import { cascadeDelete } from './cascade.js';
import { META, OUTBOX, REJECTIONS, outboxKey, type OutboxEntry, type ReplicaDb, type StoredRow } from './replica-db.js';
import { rowProblem } from './row-validation.js';
import { LocalWriteError, type Row, type Scope } from './types.js';
import { WhereEvaluator, type RowLookup, type Where } from './where.js';

/** A transaction over every store (typed read-write; a read-only one only reads). */
export type Tx = IDBPTransaction<unknown, string[], 'readwrite'>;

export interface ListOptions {
  where?: Where | null;
  /** Include tombstones (deletedAt set); false by default, as on the server. */
  includeDeleted?: boolean;
}

/** Strips the replica's bookkeeping from a stored row. */
export function toRow(stored: StoredRow): Row {
  const { __scopes: _scopes, __cascade: _cascade, ...row } = stored;
  return row as Row;
}

export class Replica {
  private readonly listeners = new Set<(tables: Set<string>) => void>();
  readonly tableNames: string[];

  constructor(
    readonly db: ReplicaDb,
    readonly schema: SchemaIndex,
    readonly scopes: Scope[],
    private readonly now: () => Date = () => new Date(),
  ) {
    this.tableNames = schema.tables.map((t) => t.name);
  }

  /** Called after every committed change with the tables it touched (local writes, sync, events, other tabs). */
  onChange(listener: (tables: Set<string>) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  notify(tables: Iterable<string>): void {
    const set = new Set(tables);
    if (set.size === 0) return;
    for (const listener of [...this.listeners]) listener(set);
  }

  transaction(mode: 'readonly' | 'readwrite'): Tx {
    return this.db.transaction([...this.tableNames, OUTBOX, META, REJECTIONS], mode) as unknown as Tx;
  }

  scopesOf(table: string): Scope[] {
    return this.scopes.filter((s) => s.table === table);
  }

  evaluator(tx: Tx): WhereEvaluator {
    const lookup: RowLookup = {
      get: async (table, uid) => (await tx.objectStore(table).get(uid)) as StoredRow | undefined,
      byForeignKey: async (table, fk, uid) => (await tx.objectStore(table).index(fk).getAll(uid)) as StoredRow[],
    };
    return new WhereEvaluator(this.schema, lookup);
  }

  /** One row by uid, tombstone included; undefined when the replica does not hold it. */
  async get(table: string, uid: string): Promise<Row | undefined> {
    this.schema.table(table);
    const row = (await this.db.get(table, uid)) as StoredRow | undefined;
    return row && toRow(row);
  }

  /** Rows of a table matching a where (relations included), ordered by createdAt then uid, like the server. */
  async list(table: string, options: ListOptions = {}): Promise<Row[]> {
    const t = this.schema.table(table);
    const tx = this.transaction('readonly');
    const candidates = await this.candidates(tx, t, options.where ?? null);
    const evaluator = this.evaluator(tx);
    const result: Row[] = [];
    for (const row of candidates) {
      if (!options.includeDeleted && row.deletedAt != null) continue;
      if (await evaluator.matches(t, row, options.where)) result.push(toRow(row));
    }
    return result.sort((a, b) => (a.createdAt === b.createdAt ? (a.uid < b.uid ? -1 : 1) : a.createdAt < b.createdAt ? -1 : 1));
  }

  /** Uses the primary key or a foreign-key index when the where has a top-level `eq` on it. */
  private async candidates(tx: Tx, table: TableSchema, where: Where | null): Promise<StoredRow[]> {
    const store = tx.objectStore(table.name);
    const eq = (field: string): string | undefined => {
      const filter = where?.[field] as { eq?: unknown } | undefined;
      return typeof filter?.eq === 'string' ? filter.eq.toLowerCase() : undefined;
    };
    const uid = eq('uid');
    if (uid !== undefined) {
      const row = (await store.get(uid)) as StoredRow | undefined;
      return row ? [row] : [];
    }
    for (const parent of table.parents) {
      const fk = eq(parent.foreignKey);
      if (fk !== undefined) return (await store.index(parent.foreignKey).getAll(fk)) as StoredRow[];
    }
    return (await store.getAll()) as StoredRow[];
  }

  /**
   * Creates or updates a row at once (uid made here when absent); the change waits in the outbox.
   * Values the server would refuse are refused here (`BAD_USER_INPUT`, `LIMIT_EXCEEDED`), writing nothing.
   */
  async save(table: string, values: Record<string, unknown>): Promise<Row> {
    const t = this.schema.table(table);
    this.requireScope(t);
    if (values.uid != null && typeof values.uid !== 'string') {
      throw new LocalWriteError('BAD_USER_INPUT', `${t.name}.uid: ${JSON.stringify(values.uid)} is not a uid string`, 'uid');
    }
    const uid = values.uid != null ? values.uid.toLowerCase() : newUid();
    const tx = this.transaction('readwrite');
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
    const now = this.now().toISOString();
    const row: StoredRow = {
      ...(existing ?? {}),
      ...this.dataValues(t, values),
      uid,
      createdAt: existing?.createdAt ?? (typeof values.createdAt === 'string' ? values.createdAt : now),
      updatedAt: now,
      deletedAt: null,
      version: existing?.version ?? 0,
      __scopes: existing?.__scopes ?? [],
    };
    const problem = rowProblem(this.schema, t, toRow(row), this.schema.maxChangeBytes);
    if (problem) throw abort(tx, problem);
    if (!existing) row.__scopes = await this.matchingScopes(tx, t, row);
    await store.put(row);
    await this.touchOutbox(tx, t.name, uid, existing);
    await tx.done;
    this.notify([t.name]);
    return toRow(row);
  }

  /**
   * Tombstones a row, and in the same transaction the rows of every table whose reference to it
   * cascades (a group's memberships), recursively (see `cascade.ts`). Only the row itself goes to
   * the outbox: the server cascades on its side and sends the children's tombstones back.
   */
  async delete(table: string, uid: string): Promise<Row> {
    const t = this.schema.table(table);
    this.requireScope(t);
    const key = uid.toLowerCase();
    const tx = this.transaction('readwrite');
    const row = (await tx.objectStore(t.name).get(key)) as StoredRow | undefined;
    if (!row) throw abort(tx, new LocalWriteError('NOT_FOUND', `${t.name} ${uid} is not in the replica`));
    if (row.deletedAt) {
      if (row.__cascade) {
        // Deleted by a parent's pending delete, now by the app too: its own delete, kept if the parent's is refused.
        const { __cascade: _mark, ...own } = row;
        await tx.objectStore(t.name).put(own);
        await this.touchOutbox(tx, t.name, key, { ...own, deletedAt: null });
      }
      await tx.done;
      return toRow(row);
    }
    const now = this.now().toISOString();
    const touched = new Set([t.name]);
    const tombstone = { ...row, deletedAt: now, updatedAt: now };
    await tx.objectStore(t.name).put(tombstone);
    await this.touchOutbox(tx, t.name, key, row);
    await cascadeDelete(tx, this.schema, t, key, outboxKey(t.name, key), now, touched, (c, u, before) => this.touchOutbox(tx, c, u, before));
    await tx.done;
    this.notify(touched);
    return toRow(tombstone);
  }

  /** Pending changes, oldest first. */
  async outbox(): Promise<OutboxEntry[]> {
    return (await this.db.getAllFromIndex(OUTBOX, 'seq')) as OutboxEntry[];
  }

  async pendingCount(): Promise<number> {
    return this.db.count(OUTBOX);
  }

  async cursor(): Promise<string | null> {
    return ((await this.db.get(META, 'cursor')) as { value: string } | undefined)?.value ?? null;
  }

  /** The ids of the declared scopes of the row's table that its values match. */
  async matchingScopes(tx: Tx, table: TableSchema, row: StoredRow): Promise<string[]> {
    const evaluator = this.evaluator(tx);
    const ids: string[] = [];
    for (const scope of this.scopesOf(table.name)) if (await evaluator.matches(table, row, scope.where)) ids.push(scope.id);
    return ids;
  }

  /** Forgets scope ids no longer declared; rows left in no scope and not pending are removed. */
  async pruneScopes(): Promise<void> {
    const known = new Set(this.scopes.map((s) => s.id));
    const tx = this.transaction('readwrite');
    const touched = new Set<string>();
    for (const table of this.tableNames) {
      let cursor = await tx.objectStore(table).openCursor();
      while (cursor) {
        const row = cursor.value as StoredRow;
        const scopes = row.__scopes.filter((id) => known.has(id));
        if (scopes.length !== row.__scopes.length) {
          touched.add(table);
          const pending = await tx.objectStore(OUTBOX).get(outboxKey(table, row.uid));
          if (scopes.length === 0 && !pending) await cursor.delete();
          else await cursor.update({ ...row, __scopes: scopes });
        }
        cursor = await cursor.continue();
      }
    }
    await tx.done;
    this.notify(touched);
  }

  private async touchOutbox(tx: Tx, table: string, uid: string, before: StoredRow | undefined): Promise<void> {
    const outbox = tx.objectStore(OUTBOX);
    const key = outboxKey(table, uid);
    const entry = (await outbox.get(key)) as OutboxEntry | undefined;
    if (entry) {
      await outbox.put({ ...entry, rev: entry.rev + 1 });
      return;
    }
    const meta = tx.objectStore(META);
    const seq = (((await meta.get('seq')) as { value: number } | undefined)?.value ?? 0) + 1;
    await meta.put({ key: 'seq', value: seq });
    const baseVersion = before && before.version > 0 ? before.version : null;
    await outbox.put({ key, table, uid, baseVersion, seq, rev: 1 } satisfies OutboxEntry);
  }

  private dataValues(table: TableSchema, values: Record<string, unknown>): Record<string, unknown> {
    const data: Record<string, unknown> = {};
    for (const column of this.schema.dataColumns(table)) {
      if (column.name === 'uid' || !(column.name in values)) continue;
      const value = values[column.name];
      data[column.name] = column.type === 'UUID' && typeof value === 'string' ? value.toLowerCase() : value;
    }
    return data;
  }

  private requireScope(table: TableSchema): void {
    if (this.scopesOf(table.name).length === 0) {
      throw new LocalWriteError('NO_SCOPE', `Declare a scope of ${table.name} before writing to it: the server accepts changes within a scope only`);
    }
  }
}

function abort(tx: Tx, error: Error): Error {
  try {
    tx.abort();
  } catch {
    // already finished
  }
  tx.done.catch(() => undefined);
  return error;
}
