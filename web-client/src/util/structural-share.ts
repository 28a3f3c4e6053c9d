/**
 * Structural sharing between two results of one read: the parts of `next` deeply equal to the same
 * parts of `prev` are replaced by `prev`'s objects, so a re-run that changed one row of 10,000
 * hands back 9,999 rows (and every unchanged nested value) by the same reference, and React's
 * `memo` skips their components. Plain objects and arrays are compared by content; anything else
 * (a Date, a Map, a class instance) only by identity.
 */

/** `next` with every part equal to `prev`'s replaced by `prev`'s; `prev` itself when all is equal. */
export function shareEqual<T>(prev: unknown, next: T): T {
  if (Object.is(prev, next)) return prev as T;
  if (Array.isArray(prev) && Array.isArray(next)) return shareArray(prev, next) as T;
  if (isPlain(prev) && isPlain(next)) return shareObject(prev, next) as T;
  return next;
}

function shareArray(prev: unknown[], next: unknown[]): unknown[] {
  let byUid: Map<string, unknown> | null | undefined; // built on the first row not at its old index
  let same = prev.length === next.length;
  const out = next.map((item, i) => {
    const uid = isPlain(item) && typeof item.uid === 'string' ? item.uid : undefined;
    let before = prev[i];
    if (uid !== undefined && !(isPlain(before) && before.uid === uid)) {
      // Rows keep their identity when others are inserted or removed before them: matched by uid.
      byUid ??= uidIndex(prev);
      before = byUid ? byUid.get(uid) : before;
    }
    const shared = shareEqual(before, item);
    if (shared !== prev[i]) same = false;
    return shared;
  });
  return same ? prev : out;
}

function shareObject(prev: Record<string, unknown>, next: Record<string, unknown>): Record<string, unknown> {
  // Most rows are unchanged: check without allocating, copy only a changed one.
  if (deepEqual(prev, next)) return prev;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(next)) out[key] = shareEqual(prev[key], next[key]);
  return out;
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((item, i) => deepEqual(item, b[i]));
  if (!isPlain(a) || !isPlain(b)) return false;
  let size = 0;
  for (const key in b) {
    size++;
    if (!(key in a) || !deepEqual(a[key], b[key])) return false;
  }
  for (const _ in a) size--;
  return size === 0;
}

/** The items of a list of rows by uid; null when the list is not one (an item without a string uid). */
function uidIndex(list: unknown[]): Map<string, unknown> | null {
  const index = new Map<string, unknown>();
  for (const item of list) {
    if (!isPlain(item) || typeof item.uid !== 'string') return null;
    index.set(item.uid, item);
  }
  return index;
}

function isPlain(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}
