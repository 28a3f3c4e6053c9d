/**
 * The durable outbox as the app sees it: every row with a local change the server has not
 * answered, or a refusal the app has not dealt with, and its status — `pending` (waiting to be
 * sent, or edited since it was sent), `sent` (in the sync in flight, its answer awaited: a reload
 * or a lost answer sends that same sync again), `rejected` (the server refused or overrode it: a
 * rejection record is open). Read from the replica's stores, so it survives reloads and is the
 * same in every tab.
 */
import { FLIGHT_KEY, type Flight } from '../sync/flight.js';
import { META, OUTBOX, REJECTIONS, outboxKey, type OutboxEntry, type StoredRow } from '../replica/replica-db.js';
import type { Replica } from '../replica/replica.js';
import type { RejectionRecord } from '../replica/types.js';

export type OutboxStatus = 'pending' | 'sent' | 'rejected';

export interface OutboxItem<T extends string = string> {
  table: T;
  uid: string;
  status: OutboxStatus;
  /** What the local change does (a tombstone is a delete); null for a rejected row with no change waiting. */
  kind: 'save' | 'delete' | null;
  /** The server version the waiting change is based on (null: a row made locally). */
  baseVersion: number | null;
  /** The latest open rejection record of the row (it may have a newer change waiting too). */
  rejection: RejectionRecord | null;
}

/** Every row with a change waiting (oldest first), then every rejected row without one (oldest record first). */
export async function outboxItems(replica: Replica): Promise<OutboxItem[]> {
  const tx = replica.transaction('readonly');
  const entries = (await tx.objectStore(OUTBOX).index('seq').getAll()) as OutboxEntry[];
  const flight = ((await tx.objectStore(META).get(FLIGHT_KEY)) as { value: Flight } | undefined)?.value;
  const records = ((await tx.objectStore(REJECTIONS).getAll()) as RejectionRecord[]).sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  const latest = new Map(records.map((r) => [outboxKey(r.table, r.uid), r]));
  const sent = new Map((flight?.sent ?? []).map(([key, rev]) => [key, rev]));
  const items: OutboxItem[] = [];
  for (const entry of entries) {
    const row = replica.schema.has(entry.table) ? ((await tx.objectStore(entry.table).get(entry.uid)) as StoredRow | undefined) : undefined;
    items.push({
      table: entry.table, uid: entry.uid, status: sent.get(entry.key) === entry.rev ? 'sent' : 'pending',
      kind: row?.deletedAt ? 'delete' : 'save', baseVersion: entry.baseVersion, rejection: latest.get(entry.key) ?? null,
    });
  }
  await tx.done;
  const waiting = new Set(entries.map((e) => e.key));
  for (const [key, record] of latest) {
    if (!waiting.has(key)) items.push({ table: record.table, uid: record.uid, status: 'rejected', kind: null, baseVersion: null, rejection: record });
  }
  return items;
}

/** One row's status: `synced` when nothing waits for it and no record of it is open. */
export async function rowStatus(replica: Replica, table: string, uid: string): Promise<OutboxStatus | 'synced'> {
  const key = outboxKey(table, uid.toLowerCase());
  return (await outboxItems(replica)).find((i) => outboxKey(i.table, i.uid) === key)?.status ?? 'synced';
}

/** The changes waiting now, as `whenSynced` must see them answered: key, entry seq and revision. */
export async function waitingChanges(replica: Replica): Promise<{ key: string; seq: number; rev: number }[]> {
  return ((await replica.db.getAll(OUTBOX)) as OutboxEntry[]).map((e) => ({ key: e.key, seq: e.seq, rev: e.rev }));
}

/** Whether each of these changes has been answered since (its entry gone, replaced, or answered up to its revision). */
export async function answered(replica: Replica, changes: { key: string; seq: number; rev: number }[]): Promise<boolean> {
  const now = new Map(((await replica.db.getAll(OUTBOX)) as OutboxEntry[]).map((e) => [e.key, e]));
  return changes.every((c) => {
    const entry = now.get(c.key);
    return !entry || entry.seq !== c.seq || (entry.settledRev ?? 0) >= c.rev;
  });
}
