/**
 * The leader tab's view of which tabs hold which scopes: the union of the scopes of all tabs of
 * one replica, each with the tabs that hold it. It is kept in the replica's meta store, so that the
 * next leader (after a handover, a crash, a reload) knows the scopes of tabs it has not heard from
 * yet and releases those of tabs that are gone instead of forgetting them. A scope no tab holds
 * leaves the union; the caller evicts its rows (`eviction.ts`) once the replica's scopes no longer
 * list it, so that no sync answer applied after the eviction puts its id back on a row.
 */
import { META } from '../replica/replica-db.js';
import type { Replica } from '../replica/replica.js';
import type { Scope } from '../replica/types.js';
import { heldScopeIds } from './eviction.js';

interface Held {
  scope: Scope;
  tabs: string[];
}

const KEY = 'scopes';

export class ScopeUnion {
  private readonly held = new Map<string, { scope: Scope; tabs: Set<string> }>();

  constructor(private readonly replica: Replica) {}

  /** Loads the union the previous leader left; rows of scopes in no union at all (an older replica, say) are evicted. */
  async load(): Promise<void> {
    const stored = ((await this.replica.db.get(META, KEY)) as { value: Held[] } | undefined)?.value ?? [];
    this.held.clear();
    for (const { scope, tabs } of stored) this.held.set(scope.id, { scope, tabs: new Set(tabs) });
  }

  get scopes(): Scope[] {
    return [...this.held.values()].map((h) => h.scope);
  }

  /** Every tab holding a scope (to watch whether it is still alive). */
  get tabs(): Set<string> {
    return new Set([...this.held.values()].flatMap((h) => [...h.tabs]));
  }

  /** The scopes `tab` holds now (its whole list); returns the ids of the scopes nobody holds any more (they left the union). */
  async claim(tab: string, scopes: Scope[]): Promise<string[]> {
    const wanted = new Map(scopes.map((s) => [s.id, s]));
    for (const [id, entry] of this.held) if (!wanted.has(id)) entry.tabs.delete(tab);
    for (const scope of wanted.values()) {
      const entry = this.held.get(scope.id) ?? { scope, tabs: new Set<string>() };
      entry.tabs.add(tab);
      this.held.set(scope.id, entry);
    }
    return this.settle();
  }

  /** A tab closed or died: its scopes are released. */
  release(tab: string): Promise<string[]> {
    return this.claim(tab, []);
  }

  /** Scope ids rows carry that no scope of the union has (left by tabs of an older client, say): to evict. */
  async strays(): Promise<string[]> {
    return [...(await heldScopeIds(this.replica))].filter((id) => !this.held.has(id));
  }

  private async settle(): Promise<string[]> {
    const released = [...this.held].filter(([, e]) => e.tabs.size === 0).map(([id]) => id);
    for (const id of released) this.held.delete(id);
    const stored: Held[] = [...this.held.values()].map((e) => ({ scope: e.scope, tabs: [...e.tabs] }));
    await this.replica.db.put(META, { key: KEY, value: stored });
    return released;
  }
}
