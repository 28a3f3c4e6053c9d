/**
 * Builds a sync request: the flight's changes (see `flight.ts`) and, per scope, the rows held
 * unchanged as "uid:version" lists or held digests, sized by `budget.ts` to the server's limits.
 */
import { OUTBOX, SCOPES_INDEX, outboxKey, type StoredRow } from '../replica/replica-db.js';
import type { Replica } from '../replica/replica.js';
import type { Rejection, Scope } from '../replica/types.js';
import type { TableSchema } from '../schema/sync-schema.js';
import { sizeHeld, type ScopeSize } from './budget.js';
import { changeKey, takeFlight, utf8Length, type Flight, type TakenFlight } from './flight.js';
import { HeldDigest } from './held-digest.js';
import { discardChanges } from './rejections.js';
import type { Settlement } from './settlements.js';

/** Scopes holding at least this many unchanged rows send them as a digest (bucket checksums). */
export const DIGEST_FROM = 1000;
/** Bytes of a request beside its rows (document, where-inputs, ids), kept free of the body limit. */
const OVERHEAD_BYTES = 64 * 1024;

export interface SyncPlan {
  syncId: string;
  input: Record<string, unknown>;
  tables: TableSchema[];
  /** The revision of each outbox entry sent, to tell an answered change from one edited meanwhile. */
  sent: Map<string, number>;
  /** The outbox entry seq of each change sent (unknown for a flight stored by an older client). */
  seqs: Map<string, number>;
  /** The change sent for each outbox key, as sent (the values a rejection keeps). */
  changes: Map<string, Record<string, unknown>>;
  /** The input path of each change (`input.groups[0].changes[3]`) to its outbox key, to map a refusal to its change. */
  paths: Map<string, string>;
  /** Scopes sent as a digest: its buckets, and the uids the scope held then (tombstones too). */
  digests: Map<string, { digest: HeldDigest; uids: string[] }>;
  /** A stored flight sent again (its answer was lost). */
  replay: boolean;
  /** Pending changes of these scopes left for another sync (budget, isolation). */
  leftOut: boolean;
  /** Pending changes found invalid before sending, rejected locally (recorded, not sent). */
  rejected: Rejection[];
  /** Their outcome, for the promises of the writes that made them. */
  settlements: Settlement[];
}

export interface PlanOptions {
  syncId?: string;
  digestFrom?: number;
  /** The scopes to sync (all declared ones by default). */
  scopes?: Scope[];
  window?: Set<string> | null;
  /** Scopes whose first sync is not done (paging): changes of their rows wait for their reconcile. */
  waiting?: Set<string>;
  /** Fraction of the server's limits to use (halved after a LIMIT_EXCEEDED). */
  shrink?: number;
}

export async function buildSyncPlan(replica: Replica, options: PlanOptions = {}): Promise<SyncPlan> {
  const limits = replica.schema.limits;
  const shrink = options.shrink ?? 1;
  const rows = Math.max(1, Math.floor(limits.maxSyncRows * shrink));
  const bytes = Math.max(1, Math.floor((limits.maxBodyBytes - OVERHEAD_BYTES) * shrink));
  const take = (): Promise<TakenFlight> => takeFlight(replica, {
    scopes: options.scopes ?? replica.scopes, window: options.window, syncId: options.syncId, waiting: options.waiting,
    maxChanges: Math.max(1, Math.floor(rows / 2)), maxBytes: Math.floor(bytes / 2),
  });
  const rejected: Rejection[] = [];
  const settlements: Settlement[] = [];
  let taken = await take();
  while (taken.invalid.length > 0) {
    const discarded = await discardChanges(replica, taken.invalid.map((i) => ({
      table: i.table, change: i.change, reason: i.problem.code, field: i.problem.field, message: i.problem.message, serverRow: null,
    })), null);
    rejected.push(...discarded.rejections);
    settlements.push(...discarded.settlements);
    taken = await take();
  }
  const { flight } = taken;
  const changeBytes = utf8Length(JSON.stringify(flight.scopes.map((s) => s.changes)));
  const held = await heldInputs(replica, flight, {
    rows: rows - flight.sent.length, bytes: bytes - changeBytes,
  }, options.digestFrom ?? DIGEST_FROM, limits.maxDigestBuckets);
  const tables = replica.schema.tables.filter((t) => flight.scopes.some((s) => s.table === t.name));
  const input: Record<string, unknown> = { syncId: flight.syncId, cutoff: await replica.cursor() };
  const changes = new Map<string, Record<string, unknown>>();
  const paths = new Map<string, string>();
  for (const table of tables) {
    const scopes = flight.scopes.filter((s) => s.table === table.name);
    scopes.forEach((s, i) => s.changes.forEach((c, j) => {
      changes.set(changeKey(s, c), c);
      paths.set(`input.${table.queryField}[${i}].changes[${j}]`, changeKey(s, c));
    }));
    input[table.queryField] = scopes.map((s) => ({ id: s.id, where: s.where, ...held.inputs.get(s.id), changes: s.changes }));
  }
  return {
    syncId: flight.syncId, input, tables, changes, paths, digests: held.digests,
    sent: new Map(flight.sent.map(([key, rev]) => [key, rev])),
    seqs: new Map(flight.sent.filter((s): s is [string, number, number] => s[2] !== undefined).map(([key, , seq]) => [key, seq])),
    replay: taken.replay, leftOut: taken.leftOut, rejected, settlements,
  };
}

type HeldInput = { held: string[] } | { heldDigest: string };

/** Per scope of the flight, the rows held unchanged (not pending, not in the flight), as a list or a digest. */
async function heldInputs(replica: Replica, flight: Flight, budget: { rows: number; bytes: number }, digestFrom: number, maxBuckets: number) {
  const tx = replica.transaction('readonly');
  const skip = new Set([...((await tx.objectStore(OUTBOX).getAllKeys()) as string[]), ...flight.sent.map(([key]) => key)]);
  const unchanged = new Map<string, StoredRow[]>();
  const sizes: ScopeSize[] = [];
  for (const scope of flight.scopes) {
    const rows = ((await tx.objectStore(scope.table).index(SCOPES_INDEX).getAll(scope.id)) as StoredRow[])
      .filter((r) => r.version > 0 && !skip.has(outboxKey(scope.table, r.uid)));
    unchanged.set(scope.id, rows);
    sizes.push({ id: scope.id, unchanged: rows.length, live: rows.filter(digestible).length });
  }
  await tx.done;
  const forms = sizeHeld(sizes, { rows: budget.rows, bytes: budget.bytes }, digestFrom, maxBuckets);
  const inputs = new Map<string, HeldInput>();
  const digests = new Map<string, { digest: HeldDigest; uids: string[] }>();
  for (const scope of flight.scopes) {
    const rows = unchanged.get(scope.id)!;
    const form = forms.get(scope.id)!;
    if (form.kind === 'list') {
      inputs.set(scope.id, { held: rows.map((r) => `${r.uid}:${r.version}`) });
      continue;
    }
    // A digest covers live rows only; the server answers every row of each bucket that differs.
    const digest = new HeldDigest(form.buckets);
    for (const r of rows.filter(digestible)) digest.add(r.uid, r.version);
    digests.set(scope.id, { digest, uids: rows.map((r) => r.uid) });
    inputs.set(scope.id, { heldDigest: digest.encode() });
  }
  return { inputs, digests };
}

/**
 * A row a digest covers: a live one, or one tombstoned only by the local cascade of a pending
 * delete (the server still holds it live; its tombstone comes back if the delete is applied).
 */
function digestible(row: StoredRow): boolean {
  return row.deletedAt == null || row.__cascade !== undefined;
}
