/**
 * Where a scope's paged first sync stands, kept in the replica's meta store with the rows of each
 * page (same transaction): the uid the last stored page ended at, the rows received so far and the
 * scope's total when the first page was read. A dropped link, a reload or another leader resumes
 * from it instead of starting over; it is removed when the last page is stored.
 */
import { META, deleteMeta, type ReplicaDb } from '../replica/replica-db.js';
import type { Tx } from '../replica/replica.js';
import type { Scope } from '../replica/types.js';
import { canonicalJson } from '../scopes/scope-key.js';

export interface PagingState {
  /** The uid the last stored page ended at; null before the first page. */
  after: string | null;
  received: number;
  total: number | null;
  /** Pages stored so far: a scope read in one page needs no reconcile after it. */
  pages: number;
}

const key = (scopeId: string): string => `paging:${scopeId}`;

export async function readPaging(db: ReplicaDb, scopeId: string): Promise<PagingState | undefined> {
  return ((await db.get(META, key(scopeId))) as { value: PagingState } | undefined)?.value;
}

export async function savePaging(tx: Tx, scopeId: string, state: PagingState): Promise<void> {
  await tx.objectStore(META).put({ key: key(scopeId), value: state });
}

export async function forgetPaging(tx: Tx, scopeId: string): Promise<void> {
  await tx.objectStore(META).delete(key(scopeId));
}

/**
 * A scope whose first sync is done, for its where: it is no longer "unfilled" when it holds no row
 * (a scope the server has nothing for would otherwise be paged again, and never stamped, after every
 * sync). Gone with the scope's eviction, or with its table's rows in a migration; another where is
 * a new first sync.
 */
interface FilledRecord {
  table: string;
  where: string;
}

const FILLED = 'filled:';

export async function markFilled(tx: Tx, scope: Scope): Promise<void> {
  const value: FilledRecord = { table: scope.table, where: canonicalJson(scope.where ?? null) };
  await tx.objectStore(META).put({ key: FILLED + scope.id, value });
}

export async function isFilled(db: ReplicaDb, scope: Scope): Promise<boolean> {
  const record = ((await db.get(META, FILLED + scope.id)) as { value: FilledRecord } | undefined)?.value;
  return record !== undefined && record.where === canonicalJson(scope.where ?? null);
}

export async function forgetFilled(tx: Tx, scopeId: string): Promise<void> {
  await tx.objectStore(META).delete(FILLED + scopeId);
}

/** Forgets that the scopes of `tables` were filled (their rows were cleared by a migration). */
export async function forgetFilledOf(tx: Pick<Tx, 'objectStore'>, tables: Set<string>): Promise<void> {
  await deleteMeta<FilledRecord>(tx, FILLED, (record) => tables.has(record.table));
}
