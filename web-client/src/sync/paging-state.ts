/**
 * Where a scope's paged first sync stands, kept in the replica's meta store with the rows of each
 * page (same transaction): the uid the last stored page ended at, the rows received so far and the
 * scope's total when the first page was read. A dropped link, a reload or another leader resumes
 * from it instead of starting over; it is removed when the last page is stored.
 */
import { META, type ReplicaDb } from '../replica/replica-db.js';
import type { Tx } from '../replica/replica.js';

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
