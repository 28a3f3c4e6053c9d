/**
 * The scopes one tab holds (declared at `open`, added with `client.scope()`), each counted as many
 * times as it was added, and the handle the app got for it: adding the same scope (same table and
 * where, in any key order, or the same id) again returns the same handle; the scope is released
 * when `remove()` was called as many times. A handle's `ready` follows the leader's progress.
 */
import type { Scope } from '../replica/types.js';
import type { Where } from '../replica/where.js';

/** A scope the app added: ready once subscribed and synced; remove() releases this use of it. */
export interface ScopeHandle {
  readonly id: string;
  readonly table: string;
  readonly where: Where | null;
  /**
   * Resolves once the scope is subscribed and its first sync is stored (its rows are in the
   * replica); rejects if the server refuses the scope for good (`ScopeRefusedError`) or the scope
   * is removed before.
   */
  readonly ready: Promise<void>;
  /** Releases one use of the scope; after the last, its rows no other scope holds leave the replica. */
  remove(): void;
}

/** The server refused a scope for good (its where, or one subscription too many): `code` says why. */
export class ScopeRefusedError extends Error {
  constructor(readonly scopeId: string, readonly code: string | null, message: string) {
    super(message);
    this.name = 'ScopeRefusedError';
  }
}

interface Claim {
  scope: Scope;
  uses: number;
  handle: ScopeHandle;
  settled: boolean;
  resolve(): void;
  reject(error: Error): void;
}

export class ScopeClaims {
  private readonly claims = new Map<string, Claim>();

  /** @param changed called when the set of scopes this tab holds changed */
  constructor(private readonly changed: () => void) {}

  get scopes(): Scope[] {
    return [...this.claims.values()].map((c) => c.scope);
  }

  add(scope: Scope): ScopeHandle {
    const existing = this.claims.get(scope.id);
    if (existing) {
      existing.uses++;
      return existing.handle;
    }
    let resolve!: () => void;
    let reject!: (error: Error) => void;
    const ready = new Promise<void>((res, rej) => { resolve = res; reject = rej; });
    ready.catch(() => undefined); // an app that never looks at ready must not get an unhandled rejection
    const claim: Claim = {
      scope, uses: 1, settled: false,
      resolve: () => { claim.settled = true; resolve(); },
      reject: (e) => { claim.settled = true; reject(e); },
      handle: { id: scope.id, table: scope.table, where: scope.where, ready, remove: () => this.release(claim) },
    };
    this.claims.set(scope.id, claim);
    this.changed();
    return claim.handle;
  }

  /** The leader's progress and refusals: settles the handles they decide. */
  follow(progress: Record<string, { ready: boolean } | undefined>, refused: { id: string; code: string | null; message: string; retrying: boolean }[]): void {
    for (const claim of this.claims.values()) {
      if (claim.settled) continue;
      if (progress[claim.scope.id]?.ready) claim.resolve();
      const refusal = refused.find((r) => r.id === claim.scope.id && !r.retrying);
      if (refusal) claim.reject(new ScopeRefusedError(claim.scope.id, refusal.code, refusal.message));
    }
  }

  /** Whether every scope this tab holds is ready or refused for good. */
  get allSettled(): boolean {
    return [...this.claims.values()].every((c) => c.settled);
  }

  private release(claim: Claim): void {
    if (this.claims.get(claim.scope.id) !== claim || --claim.uses > 0) return;
    this.claims.delete(claim.scope.id);
    if (!claim.settled) claim.reject(new Error(`Scope ${claim.scope.id} was removed before it was ready`));
    this.changed();
  }
}
