/**
 * The leader tab's view of which tabs hold which scopes: the union of the scopes of all tabs of
 * one replica, each with the tabs that hold it. It is kept in the replica's meta store, so that the
 * next leader (after a handover, a crash, a reload) knows the scopes of tabs it has not heard from
 * yet and releases those of tabs that are gone instead of forgetting them.
 *
 * A scope leaves the union when no tab holds it. Removed by the app (`handle.remove()`), its rows
 * are evicted at once. Released because its last tab closed or died, it is no longer subscribed
 * nor synced, but its rows stay for `ttlMs` (PowerSync keeps an unsubscribed stream's data for a
 * day for the same reason): a reload, or the app opened again offline, finds them, and adding the
 * scope again within that time syncs only what changed. The caller evicts the rows (`eviction.ts`)
 * once the replica's scopes no longer list the scope, so that no sync answer applied after the
 * eviction puts its id back on a row.
 */
import { META } from '../replica/replica-db.js';
import type { Replica } from '../replica/replica.js';
import type { Scope } from '../replica/types.js';
import { heldScopeIds } from './eviction.js';

interface Stored {
  held: { scope: Scope; tabs: string[] }[];
  /** Scopes whose last tab went, and when: their rows are kept until `ttlMs` after it. */
  released: { scope: Scope; at: number }[];
}

const KEY = 'scopes';

export class ScopeUnion {
  private readonly held = new Map<string, { scope: Scope; tabs: Set<string> }>();
  private readonly released = new Map<string, { scope: Scope; at: number }>();

  constructor(private readonly replica: Replica, private readonly ttlMs: number, private readonly now: () => number = Date.now) {}

  /** Loads the union the previous leader left. */
  async load(): Promise<void> {
    const stored = ((await this.replica.db.get(META, KEY)) as { value: Stored } | undefined)?.value;
    this.held.clear();
    this.released.clear();
    for (const { scope, tabs } of stored?.held ?? []) this.held.set(scope.id, { scope, tabs: new Set(tabs) });
    for (const entry of stored?.released ?? []) this.released.set(entry.scope.id, entry);
  }

  get scopes(): Scope[] {
    return [...this.held.values()].map((h) => h.scope);
  }

  /** Every tab holding a scope (to watch whether it is still alive). */
  get tabs(): Set<string> {
    return new Set([...this.held.values()].flatMap((h) => [...h.tabs]));
  }

  /** When the next kept scope expires (ms since the epoch), or null. */
  get nextExpiry(): number | null {
    const times = [...this.released.values()].map((r) => r.at + this.ttlMs);
    return times.length === 0 ? null : Math.min(...times);
  }

  /**
   * The scopes `tab` holds now (its whole list): those it no longer lists were removed by the app.
   * Returns the ids to evict now (removed, and no other tab holds them).
   */
  async claim(tab: string, scopes: Scope[]): Promise<string[]> {
    const wanted = new Map(scopes.map((s) => [s.id, s]));
    const removed: string[] = [];
    for (const [id, entry] of this.held) {
      if (wanted.has(id) || !entry.tabs.delete(tab)) continue;
      if (entry.tabs.size === 0) removed.push(id);
    }
    for (const scope of wanted.values()) {
      const entry = this.held.get(scope.id) ?? { scope, tabs: new Set<string>() };
      entry.tabs.add(tab);
      this.held.set(scope.id, entry);
      this.released.delete(scope.id); // back before its rows expired: they are still there
    }
    for (const id of removed) this.held.delete(id);
    await this.save();
    return removed;
  }

  /** A tab closed or died: its scopes leave the union; those no other tab holds are kept for the TTL. Returns the ids to evict now (see expire). */
  async release(tab: string, keep: Set<string>): Promise<string[]> {
    const at = this.now();
    for (const [id, entry] of this.held) {
      if (!entry.tabs.delete(tab) || entry.tabs.size > 0) continue;
      this.held.delete(id);
      this.released.set(id, { scope: entry.scope, at });
    }
    return this.expire(keep);
  }

  /**
   * The kept scopes whose time ran out, and scope ids on rows that nothing records (left by an older
   * client) except those in `keep` (the replica's scopes now: a tab's own, not yet claimed): to evict now.
   */
  async expire(keep: Set<string>): Promise<string[]> {
    const now = this.now();
    const expired = [...this.released.values()].filter((r) => r.at + this.ttlMs <= now).map((r) => r.scope.id);
    for (const id of expired) this.released.delete(id);
    await this.save();
    const strays = [...(await heldScopeIds(this.replica))].filter((id) => !this.held.has(id) && !this.released.has(id) && !keep.has(id));
    return [...expired, ...strays.filter((id) => !expired.includes(id))];
  }

  private async save(): Promise<void> {
    const stored: Stored = {
      held: [...this.held.values()].map((e) => ({ scope: e.scope, tabs: [...e.tabs] })),
      released: [...this.released.values()],
    };
    await this.replica.db.put(META, { key: KEY, value: stored });
  }
}
