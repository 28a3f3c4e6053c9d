/**
 * Scopes at runtime across the tabs of one replica. Each tab holds its own scopes (`ScopeClaims`)
 * and tells the leader; the leader keeps the union (`ScopeUnion`), subscribes and syncs it, tells
 * every tab what it is (their writes and reads need it), and releases a tab's scopes when the tab
 * closes, or dies without a word (`TabLiveness`). A scope nobody holds leaves the union: its rows
 * are evicted at once when the app removed it, after the TTL when its last tab went (see
 * `scope-union.ts`). Every tab's replica lists the union and its own scopes.
 */
import type { Replica } from '../replica/replica.js';
import type { Scope } from '../replica/types.js';
import type { TabCoordinator, TabMessage } from '../tabs/tab-coordinator.js';
import type { TabLiveness } from '../tabs/tab-liveness.js';
import { evictScopes } from './eviction.js';
import { ScopeClaims, type ScopeHandle } from './scope-claims.js';
import { ScopeUnion } from './scope-union.js';

export class ScopeCoordinator {
  readonly claims: ScopeClaims;
  private union: ScopeUnion | null = null;
  /** The union as the leader last told it (or as this tab, leading, keeps it). */
  private told: Scope[] = [];
  private generation = 0;
  /** The leader's changes to the union, one at a time (each persists it and may evict). */
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;
  private expiry: ReturnType<typeof setTimeout> | undefined;
  private reporting = false;

  constructor(
    private readonly replica: Replica,
    private readonly tabs: TabCoordinator,
    private readonly liveness: TabLiveness,
    /** The leader's union changed: what its link must subscribe and sync. */
    private readonly unionChanged: (scopes: Scope[]) => void,
    /** How long the rows of a scope whose last tab went are kept. */
    private readonly ttlMs: number,
  ) {
    this.claims = new ScopeClaims(() => this.ownChanged());
  }

  /** Takes this tab's sign of life, before it tells the leader of any scope. */
  async start(): Promise<void> {
    await this.liveness.start();
  }

  add(scope: Scope): ScopeHandle {
    return this.claims.add(scope);
  }

  /** Becomes the leader (loads the union the last one left, asks every tab for its scopes) or stops being it. */
  lead(leader: boolean): Promise<void> {
    const generation = ++this.generation;
    this.liveness.unwatchAll();
    clearTimeout(this.expiry);
    if (!leader) {
      this.union = null;
      this.report();
      return Promise.resolve();
    }
    return this.serially(async () => {
      const union = new ScopeUnion(this.replica, this.ttlMs);
      await union.load();
      if (generation !== this.generation || this.closed) return;
      this.union = union;
      const removed = await union.claim(this.tabs.tab, this.claims.scopes);
      for (const tab of union.tabs) this.watch(tab);
      this.tabs.post({ type: 'claims?' });
      await this.publish([...removed, ...(await union.expire(this.listed()))]);
    });
  }

  receive(message: TabMessage): void {
    if (message.type === 'claims') {
      this.liveness.heard(message.tab);
      if (!this.union) return;
      const union = this.union;
      void this.serially(async () => {
        if (this.union !== union) return;
        const evicted = message.closing ? await union.release(message.tab, this.listed()) : await union.claim(message.tab, message.scopes as Scope[]);
        if (!message.closing) this.watch(message.tab);
        await this.publish(evicted);
      });
    } else if (message.type === 'claims?' && (message.tab === undefined || message.tab === this.tabs.tab) && !this.union) {
      this.report();
    } else if (message.type === 'union' && !this.union) {
      this.told = message.scopes as Scope[];
      this.list();
    }
  }

  /** Tells the leader this tab lives (the lease variant's heartbeat): its scopes again. */
  alive(): void {
    if (!this.union) this.report();
  }

  /** Releases this tab's scopes: the leader's own at once (evicting what nobody else holds), a follower's by telling the leader. */
  async close(): Promise<void> {
    this.closed = true;
    this.generation++;
    this.liveness.unwatchAll();
    clearTimeout(this.expiry);
    const union = this.union;
    if (union) await this.serially(async () => this.evict(await union.release(this.tabs.tab, this.listed())));
    else this.tabs.post({ type: 'claims', tab: this.tabs.tab, scopes: [], closing: true });
    this.union = null;
    this.liveness.close();
  }

  private ownChanged(): void {
    this.list();
    if (!this.union) {
      // Once per turn: a scope removed and added again at once (a component remounted) never leaves the union.
      if (!this.reporting) {
        this.reporting = true;
        queueMicrotask(() => { this.reporting = false; if (!this.union) this.report(); });
      }
      return;
    }
    const union = this.union;
    // Claims as they are when it runs: a scope removed and added again meanwhile never leaves the union.
    void this.serially(async () => {
      if (this.union === union) await this.publish(await union.claim(this.tabs.tab, this.claims.scopes));
    });
  }

  private report(): void {
    if (!this.closed) this.tabs.post({ type: 'claims', tab: this.tabs.tab, scopes: this.claims.scopes });
  }

  private watch(tab: string): void {
    const union = this.union;
    this.liveness.watch(tab, () => {
      void this.serially(async () => {
        if (this.union === union && union) await this.publish(await union.release(tab, this.listed()));
      });
    });
  }

  /** The leader's union changed: every tab learns it, the link follows it, then the rows of `evicted` go. */
  private async publish(evicted: string[]): Promise<void> {
    const union = this.union;
    if (!union) return;
    this.told = union.scopes;
    this.list();
    this.unionChanged(this.told);
    this.tabs.post({ type: 'union', scopes: this.told });
    await this.evict(evicted);
    this.scheduleExpiry(union);
  }

  /** Evicts the kept scopes when their time runs out (a timer cannot wait longer than ~24.8 days: it looks again then). */
  private scheduleExpiry(union: ScopeUnion): void {
    clearTimeout(this.expiry);
    const next = union.nextExpiry;
    if (next === null) return;
    this.expiry = setTimeout(() => {
      void this.serially(async () => {
        if (this.union === union) await this.publish(await union.expire(this.listed()));
      });
    }, Math.min(2 ** 31 - 1, Math.max(0, next - Date.now())));
  }

  private async evict(ids: string[]): Promise<void> {
    if (ids.length > 0) await evictScopes(this.replica, ids).catch(() => undefined); // closing: the next leader evicts them
  }

  private listed(): Set<string> {
    return new Set(this.replica.scopes.map((s) => s.id));
  }

  /** The replica's scopes: the union and this tab's own (which the union may not list yet). */
  private list(): void {
    const scopes = new Map(this.told.map((s) => [s.id, s]));
    for (const scope of this.claims.scopes) scopes.set(scope.id, scope);
    this.replica.setScopes([...scopes.values()]);
  }

  private serially<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => undefined);
    return next;
  }
}
