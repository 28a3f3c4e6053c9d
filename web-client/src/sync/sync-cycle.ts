/**
 * One sync cycle of some scopes, in the order that keeps the app responsive: first the scopes whose
 * first sync is done (the outbox goes out with them, a stored flight is sent again), then the pages
 * of the scopes still being filled (`paging.ts`), then the reconcile of those that took several
 * pages (or have changes waiting for them). A scope is reported ready once its rows are in.
 */
import type { Replica } from '../replica/replica.js';
import type { Scope } from '../replica/types.js';
import type { ScopePaging } from './paging.js';
import type { RoundOutcome, SyncRounds } from './sync-rounds.js';

export interface CycleHooks {
  /** A request went through. */
  synced(): void;
  /** A request failed: reports it; true when the next one may go at once. */
  failed(outcome: Extract<RoundOutcome, { kind: 'failed' }>): boolean;
  /** More requests than a cycle should take: try again after a backoff. */
  later(): void;
  /** These scopes' first sync is done: their rows are in the replica. */
  ready(ids: string[]): void;
}

/** Requests in one cycle before it yields to a backoff (each makes progress; this only bounds a surprise). */
const MAX_ROUNDS = 200;

export class SyncCycle {
  private rounds = 0;

  constructor(
    private readonly replica: Replica,
    private readonly sync: SyncRounds,
    private readonly paging: ScopePaging,
    private readonly hooks: CycleHooks,
  ) {}

  /** Syncs these scopes; `current` turns false when the session it runs for ended (stop at once). */
  async run(scopes: Scope[], current: () => boolean): Promise<void> {
    this.rounds = 0;
    const unfilled = await this.paging.unfilled(scopes);
    const waiting = new Set(unfilled.map((s) => s.id));
    const filled = scopes.filter((s) => !waiting.has(s.id));
    if (!(await this.reconcile(filled, waiting, current, true))) return;
    this.hooks.ready(filled.map((s) => s.id));
    if (unfilled.length === 0) return;
    for (;;) {
      const outcome = await this.paging.fill(unfilled, current);
      if (!outcome) return;
      if (outcome.kind === 'failed') {
        if (!this.hooks.failed(outcome) || ++this.rounds > MAX_ROUNDS) return;
        continue;
      }
      this.hooks.synced();
      const changesWait = (await this.replica.pendingCount()) > 0;
      const again = changesWait ? unfilled : outcome.needsReconcile;
      if (!(await this.reconcile(again, new Set(), current, false))) return;
      this.hooks.ready(unfilled.map((s) => s.id));
      return;
    }
  }

  /** Syncs the scopes in groups the server accepts, until nothing is left out; false when a failure or the session stopped it. */
  private async reconcile(scopes: Scope[], waiting: Set<string>, current: () => boolean, flightFirst: boolean): Promise<boolean> {
    const max = Math.max(1, this.replica.schema.limits.maxSyncScopes);
    const groups: Scope[][] = [];
    for (let i = 0; i < scopes.length; i += max) groups.push(scopes.slice(i, i + max));
    if (groups.length === 0 && flightFirst) groups.push([]); // a stored flight may still wait to be sent again
    for (const group of groups) {
      for (;;) {
        if (!current()) return false;
        if (++this.rounds > MAX_ROUNDS) {
          this.hooks.later();
          return false;
        }
        const outcome = await this.sync.run(group, waiting);
        if (outcome.kind === 'idle') break;
        if (outcome.kind === 'synced') {
          this.hooks.synced();
          if (outcome.more) continue;
          break;
        }
        if (!this.hooks.failed(outcome)) return false;
      }
    }
    return true;
  }
}
