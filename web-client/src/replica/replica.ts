/**
 * The local replica: reads (one row, where-filtered lists, joins through relation wheres) and
 * optimistic writes (save, delete with the local cascade of join rows) on the IndexedDB stores,
 * each in one transaction, with change notifications for reactive reads.
 */
import type { IDBPTransaction } from 'idb';
import type { SchemaIndex, TableSchema } from '../schema/sync-schema.js';
import { deleteRow, saveRow } from './local-writes.js';
import { META, OUTBOX, REJECTIONS, type OutboxEntry, type ReplicaDb, type StoredRow } from './replica-db.js';
import type { Row, Scope } from './types.js';
import { checkWhere } from './where-check.js';
import { WhereEvaluator, type RowLookup, type Where } from './where.js';

/** A transaction over every store (typed read-write; a read-only one only reads). */
export type Tx = IDBPTransaction<unknown, string[], 'readwrite'>;

export interface ListOptions<W = Where> {
  where?: W | null;
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

  private active: Scope[];

  constructor(
    readonly db: ReplicaDb,
    readonly schema: SchemaIndex,
    scopes: Scope[],
    readonly now: () => Date = () => new Date(),
  ) {
    this.tableNames = schema.tables.map((t) => t.name);
    this.active = [...scopes];
  }

  /**
   * The scopes the replica holds rows for now: those of every tab of this replica (the leader's
   * union, see `scopes/`) and this tab's own. Changed as the app adds and removes scopes.
   */
  get scopes(): Scope[] {
    return this.active;
  }

  setScopes(scopes: Scope[]): void {
    this.active = [...scopes];
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
    checkWhere(this.schema, table, options.where);
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
    return (await saveRow(this, table, values)).row;
  }

  /** Tombstones a row and the rows its delete cascades to (see `local-writes.ts`). */
  async delete(table: string, uid: string): Promise<Row> {
    return (await deleteRow(this, table, uid)).row;
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
}
