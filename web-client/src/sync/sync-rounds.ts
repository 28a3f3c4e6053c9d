/**
 * One sync request at a time, and what to do when the server refuses one. A refused request
 * wrote nothing, so the change at fault is looked for: the one the error names, else by halving
 * the changes sent (after a sync without changes proved the rest of the request fine). The change
 * found alone is rejected to the app with the server's code; every other change is synced.
 */
import type { Replica } from '../replica/replica.js';
import type { Rejection, Scope, SyncResult } from '../replica/types.js';
import type { GraphQLHttp } from '../transport/graphql-http.js';
import { GraphQLRequestError } from '../transport/graphql-http.js';
import { syncDocument } from './documents.js';
import { dropFlight, hasFlight } from './flight.js';
import { discardChanges } from './rejections.js';
import { applySyncResult } from './sync-apply.js';
import { classify, failureCode, type FailureKind } from './sync-errors.js';
import type { Settlement } from './settlements.js';
import { buildSyncPlan, type SyncPlan } from './sync-plan.js';
import { forgetStamp, type AnswerSource } from './stamps.js';

/** How the next request should follow a failed one. */
export type Retry = 'now' | 'link' | 'backoff' | 'token' | 'never';

export type RoundOutcome =
  | { kind: 'synced'; more: boolean }
  /** No scope to sync (every subscription refused) and no flight to send again: nothing sent. */
  | { kind: 'idle' }
  | { kind: 'failed'; failure: FailureKind; code: string; error: Error; retry: Retry };

export interface RoundHooks {
  rejected(rejections: Rejection[]): void;
  /** The outcome of changes (applied, refused), for the promises of the writes that made them. */
  settled(settlements: Settlement[]): void;
  /** Reads the server's limits again; true when they changed. */
  refreshLimits(): Promise<boolean>;
  /** How the server answered each scope of an applied sync (change log or comparison, and why). */
  answered?(sources: Map<string, AnswerSource>): void;
}

export interface RoundOptions {
  digestFrom?: number;
  /** A stamped scope is compared whole (`verify: true`) once this many ms passed since its last comparison. */
  verifyEvery?: number;
}

/** Unexpected failures in a row before the changes are suspected. */
const UNEXPECTED_BEFORE_SUSPECTING = 2;
const MIN_SHRINK = 1 / 1024;

export class SyncRounds {
  /** Keys of changes among which one the server refuses is; null when none is suspected. */
  private suspects: string[] | null = null;
  /** The changes the next request may carry (an empty set: none, to check the rest of the request). */
  private window: Set<string> | null = null;
  private shrink = 1;
  private unexpected = 0;

  constructor(
    private readonly replica: Replica,
    private readonly http: GraphQLHttp,
    private readonly hooks: RoundHooks,
    private readonly options: RoundOptions = {},
  ) {}

  /** Sends one sync of these scopes (or the stored flight) and applies its answer; changes of rows of `waiting` scopes stay. */
  async run(scopes: Scope[], waiting?: Set<string>): Promise<RoundOutcome> {
    if (await this.http.tokenRefused()) {
      // Nothing is built nor sent until the token source gives another token than the one refused.
      const error = new GraphQLRequestError('The server refused this token; waiting for a new one', 'UNAUTHENTICATED', []);
      return { kind: 'failed', failure: 'unauthenticated', code: 'UNAUTHENTICATED', error, retry: 'token' };
    }
    if (scopes.length === 0 && !(await hasFlight(this.replica))) return { kind: 'idle' };
    const probe = this.window?.size === 0;
    const plan = await buildSyncPlan(this.replica, {
      scopes, waiting, window: this.window, shrink: this.shrink, digestFrom: this.options.digestFrom,
      verifyEvery: this.options.verifyEvery, identity: await this.http.identity(),
    });
    if (plan.rejected.length > 0) this.hooks.rejected(plan.rejected);
    if (plan.settlements.length > 0) this.hooks.settled(plan.settlements);
    let result: SyncResult;
    try {
      result = (await this.http.request<{ sync: SyncResult }>(syncDocument(this.replica.schema, plan.tables), { input: plan.input })).sync;
    } catch (e) {
      return this.failed(e as Error, plan);
    }
    const { rejections, settlements, sources } = await applySyncResult(this.replica, plan, result);
    this.hooks.answered?.(sources);
    if (rejections.length > 0) this.hooks.rejected(rejections);
    if (settlements.length > 0) this.hooks.settled(settlements);
    this.unexpected = 0;
    if (this.suspects) this.narrow(plan, probe);
    return { kind: 'synced', more: plan.leftOut || this.window !== null };
  }

  /** After a sync went through while a change is suspected: the changes it applied are innocent. */
  private narrow(plan: SyncPlan, probe: boolean): void {
    const applied = new Set(plan.sent.keys());
    if (probe) {
      this.window = firstHalf(this.suspects!); // the request without changes is fine: halve the changes
      return;
    }
    // Nothing sent of a non-empty window: its changes are gone from the outbox (answered, discarded).
    this.suspects = applied.size === 0 ? [] : this.suspects!.filter((k) => !applied.has(k));
    if (this.suspects.length === 0) this.suspects = null;
    this.window = this.suspects && new Set(this.suspects);
  }

  private async failed(error: Error, plan: SyncPlan): Promise<RoundOutcome> {
    const failure = classify(error);
    const out = (retry: Retry): RoundOutcome => ({ kind: 'failed', failure, code: failureCode(error), error, retry });
    switch (failure) {
      case 'network':
        return out('link');
      case 'unauthenticated':
        return out('token');
      case 'busy':
        return out('backoff');
      case 'reused':
        await dropFlight(this.replica, plan.syncId);
        return out('now');
      case 'limit':
        await dropFlight(this.replica, plan.syncId);
        if (!(await this.hooks.refreshLimits())) this.shrink /= 2;
        return out(this.shrink < MIN_SHRINK ? 'never' : 'now');
      case 'unexpected':
        // Even a sync without changes fails: the server's trouble, not a change's. Once a sync without
        // the changes went through (a change is suspected), a failure with them is the changes' doing.
        if (plan.sent.size === 0 || (this.suspects === null && ++this.unexpected < UNEXPECTED_BEFORE_SUSPECTING)) return out('backoff');
        await dropFlight(this.replica, plan.syncId);
        return this.isolate(error, plan, out);
      case 'refused':
        await dropFlight(this.replica, plan.syncId);
        if (await this.forgetRefusedStamp(error, plan)) return out('now');
        return this.isolate(error, plan, out);
    }
  }

  /**
   * A stamp the server refused (BAD_USER_INPUT naming `input.<table>[i].stamp`: not one it issued):
   * forgotten, so the next sync, at once, compares the scope whole. The failure is reported (the
   * state's lastError) like any other; the stamp is not sent again, so this cannot loop.
   */
  private async forgetRefusedStamp(error: Error, plan: SyncPlan): Promise<boolean> {
    const field = error instanceof GraphQLRequestError ? error.field : null;
    const scopeId = field === null ? undefined : plan.stampPaths.get(field);
    if (scopeId === undefined) return false;
    const tx = this.replica.transaction('readwrite');
    await forgetStamp(tx, scopeId);
    await tx.done;
    this.hooks.answered?.(new Map([[scopeId, { source: null, fallback: 'STAMP_REFUSED' }]]));
    return true;
  }

  private async isolate(error: Error, plan: SyncPlan, out: (retry: Retry) => RoundOutcome): Promise<RoundOutcome> {
    const keys = [...plan.sent.keys()];
    const named = namedChange(error, plan);
    if (named !== undefined) {
      await this.reject([named], error, plan);
      return out('now');
    }
    if (keys.length === 0) {
      // Refused without any change: nothing to isolate here (a scope or the server); the next trigger tries again.
      this.suspects = null;
      this.window = null;
      return out('never');
    }
    if (this.suspects === null) {
      // First make sure the request without changes goes through: a refusal of the rest is no change's fault.
      this.suspects = keys;
      this.window = new Set();
    } else if (keys.length === 1) {
      await this.reject(keys, error, plan);
    } else {
      this.suspects = keys;
      this.window = firstHalf(keys);
    }
    return out('now');
  }

  private async reject(keys: string[], error: Error, plan: SyncPlan): Promise<void> {
    const refused = keys.map((key) => ({
      table: key.slice(0, key.indexOf(':')),
      change: plan.changes.get(key)!,
      sentRev: plan.sent.get(key),
      reason: failureCode(error),
      field: error instanceof GraphQLRequestError ? error.field : null,
      message: error.message,
      serverRow: null,
    }));
    const discarded = await discardChanges(this.replica, refused, plan.syncId);
    this.hooks.rejected(discarded.rejections);
    this.hooks.settled(discarded.settlements);
    this.suspects = this.suspects?.filter((k) => !keys.includes(k)) ?? null;
    if (this.suspects?.length === 0) this.suspects = null;
    this.window = this.suspects && new Set(this.suspects);
  }
}

/** The change an error's input path points into (`input.groups[0].changes[3].name`). */
function namedChange(error: Error, plan: SyncPlan): string | undefined {
  const field = error instanceof GraphQLRequestError ? error.field : null;
  const path = field?.match(/^input\.\w+\[\d+\]\.changes\[\d+\]/)?.[0];
  return path === undefined ? undefined : plan.paths.get(path);
}

function firstHalf(keys: string[]): Set<string> {
  return new Set(keys.slice(0, Math.ceil(keys.length / 2)));
}
