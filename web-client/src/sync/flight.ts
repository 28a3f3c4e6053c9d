/**
 * The sync in flight, persisted with the outbox: its id and exactly the changes it carried, per
 * scope, written before the request leaves. A sync whose answer was lost is sent again from this
 * record (same id, same changes, even after a reload, a tab handover or more edits), so the server
 * recognises the replay and applies nothing twice (I4); edits made meanwhile wait for the next one.
 * The record is removed in the transaction that applies the answer, or when the server refused the
 * sync outright (it then wrote nothing).
 */
import { META, OUTBOX, outboxKey, type OutboxEntry, type StoredRow } from '../replica/replica-db.js';
import type { Replica, Tx } from '../replica/replica.js';
import { rowProblem } from '../replica/row-validation.js';
import type { LocalWriteError, Scope } from '../replica/types.js';
import type { Where } from '../replica/where.js';
import type { TableSchema } from '../schema/sync-schema.js';
import { newUid } from '../util/uid.js';

/** One scope of a sync as sent. */
export interface FlightScope {
  table: string;
  id: string;
  where: Where | null;
  changes: Record<string, unknown>[];
}

export interface Flight {
  syncId: string;
  /** In the order of the request: tables in schema order, then declaration order. */
  scopes: FlightScope[];
  /** The outbox key, revision and entry seq of every change carried, in the order chosen (oldest first); seq is missing in flights of older clients. */
  sent: [string, number, number?][];
}

export interface FlightOptions {
  /** The scopes this sync may carry (those whose subscription is live), in declaration order. */
  scopes: Scope[];
  /** When set, only these outbox keys may be sent (isolating a change the server refuses). */
  window?: Set<string> | null;
  /** Scopes whose first sync is not done (paging): changes of rows they hold wait for their reconcile. */
  waiting?: Set<string>;
  maxChanges: number;
  maxBytes: number;
  syncId?: string;
}

export interface TakenFlight {
  flight: Flight;
  /** A stored flight sent again: its answer was lost. */
  replay: boolean;
  /** Pending changes of these scopes that this flight leaves for another sync (budget or window). */
  leftOut: boolean;
  /** Pending changes the server would refuse as they are (stored by an older client, say): to reject without sending. */
  invalid: { key: string; table: string; change: Record<string, unknown>; problem: LocalWriteError }[];
}

export const FLIGHT_KEY = 'inflight';

/** The stored flight if there is one (a replay), else a new one of the pending changes, stored now. */
export async function takeFlight(replica: Replica, options: FlightOptions): Promise<TakenFlight> {
  const tx = replica.transaction('readwrite');
  const stored = (await tx.objectStore(META).get(FLIGHT_KEY)) as { value: Flight } | undefined;
  if (stored) {
    await tx.done;
    return { flight: stored.value, replay: true, leftOut: true, invalid: [] };
  }
  const scopes = [...replica.schema.tables].flatMap((t) => options.scopes.filter((s) => s.table === t.name))
    .map((s): FlightScope => ({ table: s.table, id: s.id, where: s.where, changes: [] }));
  const orphans = new Map<string, FlightScope>();
  const flight: Flight = { syncId: options.syncId ?? newUid(), scopes, sent: [] };
  const invalid: TakenFlight['invalid'] = [];
  let bytes = 0;
  let leftOut = false;
  const evaluator = replica.evaluator(tx);
  for (const entry of (await tx.objectStore(OUTBOX).index('seq').getAll()) as OutboxEntry[]) {
    if (options.window && !options.window.has(entry.key)) continue;
    const table = replica.schema.has(entry.table) ? replica.schema.table(entry.table) : undefined;
    const row = table && ((await tx.objectStore(table.name).get(entry.uid)) as StoredRow | undefined);
    if (!table || !row) continue;
    if (row.__scopes.some((id) => options.waiting?.has(id))) continue; // sent with its scope's reconcile
    const candidates = scopes.filter((s) => s.table === entry.table);
    if (candidates.length === 0 && !replica.scopes.some((s) => s.table === entry.table)) {
      candidates.push(orphanScope(orphans, scopes, table.name, replica.schema.limits.maxInSize));
    }
    if (candidates.length === 0) continue;
    let scope = candidates.find((s) => row.__scopes.includes(s.id));
    for (const s of candidates) if (!scope && (await evaluator.matches(table, row, s.where))) scope = s;
    // A row of a declared scope this sync does not carry (a cycle of fresh scopes alone, another group
    // of scopes) waits for a sync of that scope: sent in another one, the server would refuse it as
    // OUT_OF_SCOPE and the replica drop a row its own scope still holds.
    if (!scope && (await elsewhere(replica, evaluator, table, row, scopes))) continue;
    const values = changeOf(replica, table, row, entry);
    const problem = rowProblem(replica.schema, table, { ...values, version: row.version }, replica.schema.maxChangeBytes);
    if (problem) {
      invalid.push({ key: entry.key, table: table.name, change: values, problem });
      continue;
    }
    const size = utf8Length(JSON.stringify(values));
    if (flight.sent.length >= options.maxChanges || (flight.sent.length > 0 && bytes + size > options.maxBytes)) {
      leftOut = true;
      break;
    }
    bytes += size;
    const target = scope ?? candidates[0]!;
    target.changes.push(values);
    if (target.id.startsWith(ORPHAN)) ((target.where!.uid as { in: string[] }).in).push(row.uid);
    flight.sent.push([entry.key, entry.rev, entry.seq]);
  }
  flight.scopes = scopes.filter((s) => !s.id.startsWith(ORPHAN) || s.changes.length > 0);
  if (invalid.length === 0) await tx.objectStore(META).put({ key: FLIGHT_KEY, value: flight });
  await tx.done;
  if (flight.sent.length > 0 && invalid.length === 0) replica.notify([OUTBOX]); // its rows are `sent` now
  return { flight, replay: false, leftOut: leftOut || options.window != null, invalid };
}

/** The row is held by, or (a new row) matches, a declared scope that is not among `carried`. */
async function elsewhere(replica: Replica, evaluator: ReturnType<Replica['evaluator']>, table: TableSchema, row: StoredRow, carried: FlightScope[]): Promise<boolean> {
  const others = replica.scopes.filter((s) => s.table === table.name && !carried.some((c) => c.id === s.id));
  if (others.some((s) => row.__scopes.includes(s.id))) return true;
  for (const s of others) if (await evaluator.matches(table, row, s.where)) return true;
  return false;
}

/** Ids of the scopes a flight makes for changes of a table no scope holds any more (the app removed them all). */
const ORPHAN = 'tidemark:outbox:';

/**
 * A scope for changes whose table has no scope left: one that selects exactly their rows by uid,
 * so they still reach the server (its row policy decides, as for any scope) and their answers come
 * back; the rows leave the replica once answered (no scope holds them).
 */
function orphanScope(orphans: Map<string, FlightScope>, scopes: FlightScope[], table: string, maxInSize: number): FlightScope {
  const current = orphans.get(table);
  if (current && ((current.where!.uid as { in: string[] }).in).length < maxInSize) return current;
  const scope: FlightScope = { table, id: `${ORPHAN}${table}:${scopes.length}`, where: { uid: { in: [] } }, changes: [] };
  orphans.set(table, scope);
  scopes.push(scope);
  return scope;
}

export async function hasFlight(replica: Replica): Promise<boolean> {
  return (await replica.db.count(META, FLIGHT_KEY)) > 0;
}

/** Forgets the stored flight: the server refused it outright and wrote nothing. */
export async function dropFlight(replica: Replica, syncId: string): Promise<void> {
  const tx = replica.transaction('readwrite');
  await clearFlight(tx, syncId);
  await tx.done;
  replica.notify([OUTBOX]); // its rows are `pending` again
}

/** Removes the stored flight if it is still this one (in the transaction applying its answer). */
export async function clearFlight(tx: Tx, syncId: string): Promise<void> {
  const stored = (await tx.objectStore(META).get(FLIGHT_KEY)) as { value: Flight } | undefined;
  if (stored?.value.syncId === syncId) await tx.objectStore(META).delete(FLIGHT_KEY);
}

/** The change input of a pending row: its values, the version they were based on, its tombstone. */
function changeOf(replica: Replica, table: TableSchema, row: StoredRow, entry: OutboxEntry): Record<string, unknown> {
  const values: Record<string, unknown> = { uid: row.uid, baseVersion: entry.baseVersion, createdAt: row.createdAt, updatedAt: row.updatedAt, deletedAt: row.deletedAt };
  for (const column of replica.schema.dataColumns(table)) if (row[column.name] !== undefined) values[column.name] = row[column.name];
  return values;
}

/** Bytes of a text in UTF-8, as it goes in a request body. */
export function utf8Length(text: string): number {
  return new TextEncoder().encode(text).length;
}

/** The outbox key of a change as sent. */
export function changeKey(scope: FlightScope, change: Record<string, unknown>): string {
  return outboxKey(scope.table, change.uid as string);
}
