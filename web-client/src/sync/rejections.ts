/**
 * Rejection records: every local change the server refused or overrode is kept in the replica with
 * the values the app wrote, the reason and the server's row, until the app acknowledges it (I2:
 * nothing vanishes, not even across a reload). Written in the transaction that applies the
 * server's answer, so the record exists before the server's row replaces the local values.
 */
import { undoCascade } from '../replica/cascade.js';
import { OUTBOX, REJECTIONS, outboxKey, type OutboxEntry, type ReplicaDb } from '../replica/replica-db.js';
import type { Replica, Tx } from '../replica/replica.js';
import type { Rejection, RejectionRecord, Row } from '../replica/types.js';
import type { Settlement } from './settlements.js';
import { newUid } from '../util/uid.js';

/** What the server said about one change, and the change as it was sent. */
export interface Refused {
  table: string;
  change: Record<string, unknown>;
  reason: string;
  field: string | null;
  message: string | null;
  serverRow: Row | null;
  /** The outbox revision that was sent: a row edited since keeps its newer values (they are sent next). */
  sentRev?: number;
}

/** The rejection of a change as sent: the local values (the tombstone of a refused delete included). */
export function rejectionOf(refused: Refused): Rejection {
  const { baseVersion, ...values } = refused.change;
  const base = typeof baseVersion === 'number' ? baseVersion : null;
  return {
    id: newUid(),
    table: refused.table,
    uid: values.uid as string,
    reason: refused.reason,
    field: refused.field,
    message: refused.message,
    serverRow: refused.serverRow,
    local: { ...values, version: base ?? 0 } as Row,
    baseVersion: base,
  };
}

/** Keeps a rejection in the transaction applying the answer that reported it; returns the record. */
export async function recordRejection(tx: Tx, rejection: Rejection, syncId: string | null, now = new Date()): Promise<RejectionRecord> {
  const record: RejectionRecord = { ...rejection, status: 'open', at: now.toISOString(), syncId };
  await tx.objectStore(REJECTIONS).put(record);
  return record;
}

/**
 * Gives up changes the server refused without an answer for their rows (a malformed change that
 * refuses the whole sync, or one found invalid before sending): each is recorded, leaves the
 * outbox, its local cascade is undone and its row leaves the replica, so the next sync brings the
 * server's row back (or nothing, for a row the server never had).
 */
export async function discardChanges(replica: Replica, refused: Refused[], syncId: string | null): Promise<{ rejections: Rejection[]; settlements: Settlement[] }> {
  const tx = replica.transaction('readwrite');
  const touched = new Set<string>([OUTBOX]);
  const rejections: Rejection[] = [];
  const settlements: Settlement[] = [];
  for (const r of refused) {
    const rejection = rejectionOf(r);
    const key = outboxKey(r.table, rejection.uid);
    const record = await recordRejection(tx, rejection, syncId);
    rejections.push(rejection);
    const entry = (await tx.objectStore(OUTBOX).get(key)) as OutboxEntry | undefined;
    if (entry) settlements.push({ key, seq: entry.seq, rev: r.sentRev ?? entry.rev, row: null, rejection: record });
    if (entry && r.sentRev !== undefined && entry.rev !== r.sentRev) {
      await tx.objectStore(OUTBOX).put({ ...entry, settledRev: r.sentRev }); // edited since: the newer values go next
      continue;
    }
    await tx.objectStore(OUTBOX).delete(key);
    if (rejection.local.deletedAt != null) await undoCascade(tx, replica.schema, replica.schema.table(r.table), rejection.uid, key, touched);
    await tx.objectStore(r.table).delete(rejection.uid);
    touched.add(r.table);
  }
  await tx.done;
  replica.notify(touched);
  return { rejections, settlements };
}

/** Every kept rejection, oldest first. */
export async function listRejections(db: ReplicaDb): Promise<RejectionRecord[]> {
  const all = (await db.getAll(REJECTIONS)) as RejectionRecord[];
  return all.sort((a, b) => (a.at === b.at ? (a.id < b.id ? -1 : 1) : a.at < b.at ? -1 : 1));
}

export function countRejections(db: ReplicaDb): Promise<number> {
  return db.count(REJECTIONS);
}

/** Forgets a rejection the app has dealt with; false when no record has this id. */
export async function acknowledgeRejection(db: ReplicaDb, id: string): Promise<boolean> {
  const tx = db.transaction(REJECTIONS, 'readwrite');
  const found = (await tx.store.get(id)) !== undefined;
  if (found) await tx.store.delete(id);
  await tx.done;
  return found;
}
