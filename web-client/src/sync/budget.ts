/**
 * Sizes what a sync sends about the rows a client holds unchanged so that the request stays
 * within the server's limits (its `syncSchema.limits`): every held row, change and digest bucket
 * counts toward `maxSyncRows`. Small scopes go as "uid:version" lists, large ones as held digests;
 * when the lists do not fit, the largest become digests; digests share what is left, each with a
 * power of two of buckets (fewer buckets than rows only makes a differing bucket send more rows).
 */

/** A scope's unchanged rows: all of them (a list names tombstones too) and those a digest covers. */
export interface ScopeSize {
  id: string;
  unchanged: number;
  live: number;
}

export type HeldForm = { kind: 'list' } | { kind: 'digest'; buckets: number };

export interface HeldBudget {
  /** Rows (held rows plus digest buckets) the held part may count. */
  rows: number;
  /** Bytes the held part may take in the request body. */
  bytes: number;
}

/** Bytes of one `"uid:version",` in a held list at most (36 + 1 + 16 digits + 3). */
export const LIST_ROW_BYTES = 56;
/** Bytes of one digest bucket in base64. */
export const BUCKET_BYTES = 6;

/** The largest power of two not above `n` (1 for n < 2). */
export function floorPow2(n: number): number {
  let p = 1;
  while (p * 2 <= n) p *= 2;
  return p;
}

/** The smallest power of two holding `rows` rows at about one per bucket, capped at `max`. */
export function bucketsFor(rows: number, max = 1 << 20): number {
  let buckets = 1;
  while (buckets < rows && buckets < max) buckets *= 2;
  return buckets;
}

/** Picks each scope's form (list, or digest with its bucket count) within the budget. */
export function sizeHeld(scopes: ScopeSize[], budget: HeldBudget, digestFrom: number, maxBuckets: number): Map<string, HeldForm> {
  const digest = new Set(scopes.filter((s) => s.unchanged >= digestFrom).map((s) => s.id));
  const lists = (): ScopeSize[] => scopes.filter((s) => !digest.has(s.id));
  const listRows = (): number => lists().reduce((n, s) => n + s.unchanged, 0);
  const over = (): boolean => listRows() + digest.size > budget.rows || listRows() * LIST_ROW_BYTES + digest.size * BUCKET_BYTES > budget.bytes;
  while (over()) {
    const largest = lists().filter((s) => s.unchanged > 0).sort((a, b) => b.unchanged - a.unchanged)[0];
    if (!largest) break;
    digest.add(largest.id);
  }
  const rowsLeft = Math.max(0, budget.rows - listRows());
  const bucketsLeft = Math.min(rowsLeft, Math.floor(Math.max(0, budget.bytes - listRows() * LIST_ROW_BYTES) / BUCKET_BYTES));
  const digests = scopes.filter((s) => digest.has(s.id));
  const live = digests.reduce((n, s) => n + s.live, 0);
  const forms = new Map<string, HeldForm>();
  for (const s of scopes) {
    if (!digest.has(s.id)) {
      forms.set(s.id, { kind: 'list' });
      continue;
    }
    // An equal share for the count, the rest in proportion to the rows: every digest gets at least one bucket.
    const share = Math.floor((bucketsLeft - digests.length) * (live === 0 ? 1 / digests.length : s.live / live)) + 1;
    forms.set(s.id, { kind: 'digest', buckets: Math.min(bucketsFor(s.live, maxBuckets), floorPow2(Math.max(1, share))) });
  }
  return forms;
}
