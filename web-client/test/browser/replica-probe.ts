/**
 * Reads of a demo page's IndexedDB replica (the page names it in `<html data-replica>`), from inside the page: what the
 * client keeps, where the screen cannot say it (rows of a table, the leader's union of the tabs' scopes).
 */
import type { Page } from 'playwright-core';

/** The count of a store's rows (key null), or the value at a key. */
function read<T>(page: Page, store: string, key: string | null): Promise<T> {
  return page.evaluate(async ({ store, key }) => {
    const name = document.documentElement.dataset.replica!;
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open(name);
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    try {
      return await new Promise<unknown>((resolve, reject) => {
        const objects = db.transaction(store).objectStore(store);
        const request = key === null ? objects.count() : objects.get(key);
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
    } finally {
      db.close();
    }
  }, { store, key }) as Promise<T>;
}

/** Rows of a table in the page's replica, tombstones included. */
export function held(page: Page, table: string): Promise<number> {
  return read<number>(page, table, null);
}

/** The union of the tabs' scopes as the leader keeps it (`src/scopes/scope-union.ts`): held by which tabs, or released and when. */
export interface StoredUnion {
  held: { scope: { id: string }; tabs: string[] }[];
  released: { scope: { id: string }; at: number }[];
}

export async function union(page: Page): Promise<StoredUnion> {
  return (await read<{ value: StoredUnion } | undefined>(page, '__meta', 'scopes'))?.value ?? { held: [], released: [] };
}

/** The tabs holding a scope in the union (none when it is not held), and whether it is kept as released. */
export async function scopeInUnion(page: Page, scopeId: string): Promise<{ tabs: number; released: boolean }> {
  const u = await union(page);
  return { tabs: u.held.find((h) => h.scope.id === scopeId)?.tabs.length ?? 0, released: u.released.some((r) => r.scope.id === scopeId) };
}
