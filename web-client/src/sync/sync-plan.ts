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
import { stampEpoch, readStamp, stampInput, VERIFY_EVERY_MS } from './stamps.js';
import { canonicalJson } from '../scopes/scope-key.js';

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
  /** Per scope sent: what a stamp its answer carries is taken for (stored with the answer, see `stamps.ts`). */
  stamps: Map<string, StampContext>;
  /** The input path of each stamp sent (`input.groups[0].stamp`) to its scope, to forget a stamp the server refused. */
  stampPaths: Map<string, string>;
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
  /** Who syncs (`tokenIdentity` of the token sent): stamps of another identity are not sent. */
  identity?: string | null;
  /** A stamped scope is compared whole (`verify: true`) once this many ms passed since its last comparison; 24 h by default. */
  verifyEvery?: number;
  now?: () => number;
}

/** What a scope's stamp is taken for, and when the scope was last compared whole (null: never). */
export interface StampContext {
  table: string;
  where: string;
  identity: string | null;
  comparedAt: number | null;
  /** The scope's `stampEpoch` when its held rows were read: its answer stores a stamp only if it has not moved since. */
  epoch: number;
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
  }, options.digestFrom ?? DIGEST_FROM, limits.maxDigestBuckets, {
    identity: options.identity ?? null, verifyEvery: options.verifyEvery ?? VERIFY_EVERY_MS, now: (options.now ?? Date.now)(),
  });
  const tables = replica.schema.tables.filter((t) => flight.scopes.some((s) => s.table === t.name));
  const input: Record<string, unknown> = { syncId: flight.syncId, cutoff: await replica.cursor() };
  const changes = new Map<string, Record<string, unknown>>();
  const paths = new Map<string, string>();
  const stampPaths = new Map<string, string>();
  for (const table of tables) {
    const scopes = flight.scopes.filter((s) => s.table === table.name);
    scopes.forEach((s, i) => { if (held.stamped.has(s.id)) stampPaths.set(`input.${table.queryField}[${i}].stamp`, s.id); });
    scopes.forEach((s, i) => s.changes.forEach((c, j) => {
      changes.set(changeKey(s, c), c);
      paths.set(`input.${table.queryField}[${i}].changes[${j}]`, changeKey(s, c));
    }));
    input[table.queryField] = scopes.map((s) => ({ id: s.id, where: s.where, ...held.inputs.get(s.id), changes: s.changes }));
  }
  return {
    syncId: flight.syncId, input, tables, changes, paths, digests: held.digests, stamps: held.stamps, stampPaths,
    sent: new Map(flight.sent.map(([key, rev]) => [key, rev])),
    seqs: new Map(flight.sent.filter((s): s is [string, number, number] => s[2] !== undefined).map(([key, , seq]) => [key, seq])),
    replay: taken.replay, leftOut: taken.leftOut, rejected, settlements,
  };
}

type HeldInput = ({ held: string[] } | { heldDigest: string }) & { stamp?: string; verify?: true };

/**
 * Per scope of the flight, the rows held unchanged (not pending, not in the flight), as a list or a
 * digest, and its stamp (read in the same transaction as the rows, so never newer than them).
 */
async function heldInputs(replica: Replica, flight: Flight, budget: { rows: number; bytes: number }, digestFrom: number, maxBuckets: number,
  who: { identity: string | null; verifyEvery: number; now: number }) {
  const tx = replica.transaction('readonly');
  const stamps = new Map<string, StampContext>();
  const sentStamps = new Map<string, { stamp?: string; verify?: true }>();
  for (const scope of flight.scopes) {
    const record = await readStamp(tx, scope.id);
    sentStamps.set(scope.id, stampInput(record, scope.where, who.identity, who.now, who.verifyEvery));
    stamps.set(scope.id, { table: scope.table, where: canonicalJson(scope.where ?? null), identity: who.identity, comparedAt: record?.comparedAt ?? null, epoch: await stampEpoch(tx, scope.id) });
  }
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
      inputs.set(scope.id, { held: rows.map((r) => `${r.uid}:${r.version}`), ...sentStamps.get(scope.id) });
      continue;
    }
    // A digest covers live rows only; the server answers every row of each bucket that differs.
    const digest = new HeldDigest(form.buckets);
    for (const r of rows.filter(digestible)) digest.add(r.uid, r.version);
    digests.set(scope.id, { digest, uids: rows.map((r) => r.uid) });
    inputs.set(scope.id, { heldDigest: digest.encode(), ...sentStamps.get(scope.id) });
  }
  const stamped = new Set([...sentStamps].filter(([, s]) => s.stamp !== undefined).map(([id]) => id));
  return { inputs, digests, stamps, stamped };
}

/**
 * A row a digest covers: a live one, or one tombstoned only by the local cascade of a pending
 * delete (the server still holds it live; its tombstone comes back if the delete is applied).
 */
function digestible(row: StoredRow): boolean {
  return row.deletedAt == null || row.__cascade !== undefined;
}
