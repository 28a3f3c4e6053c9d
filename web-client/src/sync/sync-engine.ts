/**
 * What the leader tab runs: the realtime link, and on each of its sessions the order the server
 * requires (every scope subscribed and READY, then syncs of the ready scopes), then live events,
 * one sync at a time; events that arrive during a sync wait until its answer is applied. Scopes
 * come and go while it runs: an added scope is subscribed and, once READY, synced alone (paged if
 * large, see `sync-cycle.ts`); a removed one is unsubscribed and its waiting events dropped. A
 * failed sync is retried as its failure allows (see `sync-rounds.ts`): at once, with backoff, on
 * a new link or a new token; a refusal the server would repeat is never retried as it is. What
 * each event does in each state is one table (`engine-table.ts`), which `EngineMachine` runs; this
 * class holds the engine's data (scopes, waiting events, the wanted sync, progress) and carries out
 * the table's effects on the link, the replica and the app's state.
 */
import type { ScopeProgress } from '../client/options.js';
import type { Replica } from '../replica/replica.js';
import type { ChangeEvent, Rejection, Scope } from '../replica/types.js';
import type { GraphQLHttp } from '../transport/graphql-http.js';
import { subscriptionDocument } from './documents.js';
import { EngineMachine } from './engine-machine.js';
import type { Effects, Event } from './engine-states.js';
import { LiveConnection, type LiveOptions, type LiveSubscription, type RefusedScope } from './live-connection.js';
import { ScopePaging } from './paging.js';
import type { Settlement } from './settlements.js';
import { applyEvent } from './sync-apply.js';
import { SyncCycle } from './sync-cycle.js';
import { SyncRounds, type RoundOutcome } from './sync-rounds.js';

export interface EngineState {
  online: boolean;
  syncing: boolean;
  lastSyncAt: string | null;
  lastError: string | null;
  lastErrorCode: string | null;
  unauthenticated: boolean;
  refusedScopes: RefusedScope[];
  progress: Record<string, ScopeProgress>;
}

export interface EngineHooks {
  state(patch: Partial<EngineState>): void;
  rejected(rejections: Rejection[]): void;
  settled(settlements: Settlement[]): void;
  /** Reads the server's schema version and limits again; true when the limits changed. */
  checkSchema(): Promise<boolean>;
}

export interface EngineOptions {
  digestFrom?: number;
  /** A stamped scope is compared whole once this many ms passed since its last comparison (24 h by default). */
  verifyEvery?: number;
  /** Rows per page of a scope's first sync. */
  pageSize: number;
}

/** WebSocket close codes of a refused token (graphql-transport-ws: 4401, 4403). */
const AUTH_CLOSE = new Set([4401, 4403]);

export class SyncEngine {
  private readonly link: LiveConnection;
  private readonly cycle: SyncCycle;
  private readonly machine: EngineMachine;
  private readyScopes: Scope[] = [];
  /** Scopes asked to sync and not yet synced: all of them, or those added since. */
  private wanted: 'all' | Set<string> | null = null;
  /** Live events waiting to be applied, in the order they came. */
  private queue: { scope: Scope; event: ChangeEvent }[] = [];
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private retries = 0;
  private readonly progress = new Map<string, ScopeProgress>();

  constructor(
    private readonly replica: Replica,
    http: GraphQLHttp,
    private readonly options: LiveOptions,
    private readonly hooks: EngineHooks,
    networkOnline: boolean,
    engineOptions: EngineOptions,
  ) {
    const rounds = new SyncRounds(replica, http, {
      rejected: (r) => hooks.rejected(r), settled: (s) => hooks.settled(s), refreshLimits: () => hooks.checkSchema(),
      answered: (sources) => { for (const [id, answeredBy] of sources) this.report(id, { answeredBy }); },
    }, { digestFrom: engineOptions.digestFrom, verifyEvery: engineOptions.verifyEvery });
    const paging = new ScopePaging(replica, http, engineOptions.pageSize, { progress: (id, received, total) => this.report(id, { received, total }) });
    this.cycle = new SyncCycle(replica, rounds, paging, {
      synced: () => {
        this.retries = 0;
        this.hooks.state({ lastSyncAt: new Date().toISOString(), lastError: null, lastErrorCode: null, unauthenticated: false });
      },
      failed: (outcome) => this.failed(outcome),
      later: () => this.retryLater(),
      ready: (ids) => { for (const id of ids) this.report(id, { ready: true }); },
    });
    for (const scope of replica.scopes) this.track(scope);
    this.machine = new EngineMachine(this.effects(), {
      waiting: () => ({ events: this.queue.length, sync: this.wanted !== null }),
      startApply: () => this.applyNext(),
      startCycle: () => this.runCycle(),
    });
    this.link = new LiveConnection(options, replica.scopes.map((s) => this.subscription(s)), {
      onReady: (_session, ready, refused, fresh) => this.dispatch(fresh === 'all' ? { type: 'sessionReady', ready, refused } : { type: 'scopesReady', ready, refused, fresh }),
      onEvent: (_session, scope, event) => this.dispatch(event.operation === 'RESYNC' ? { type: 'syncWanted' } : { type: 'change', scope, event }),
      onDown: (_session, reason, closeCode) => this.dispatch({ type: 'sessionDown', reason, closeCode }),
      onError: (error) => this.dispatch({ type: 'linkError', error }),
    }, networkOnline);
  }

  start(): void {
    this.dispatch({ type: 'start' });
  }

  stop(): void {
    this.dispatch({ type: 'stop' });
  }

  setOnline(online: boolean): void {
    this.link.setOnline(online);
  }

  /** The scopes to subscribe and sync from now on (the union of the tabs' scopes). */
  setScopes(scopes: Scope[]): void {
    this.dispatch({ type: 'scopesChanged', scopes });
  }

  /** Asks for a sync of every ready scope, or only of these; the table says when it runs (now, after the running work, or at the next session's READY). */
  sync(only?: Scope[]): void {
    this.dispatch({ type: 'syncWanted', only });
  }

  /** Hands the event to the table; an impossible one is a bug of the client: shown as lastError, and thrown. */
  private dispatch(event: Event): void {
    try {
      this.machine.dispatch(event);
    } catch (e) {
      this.hooks.state({ lastError: (e as Error).message, lastErrorCode: 'CLIENT_ERROR' });
      throw e;
    }
  }

  /** What the table's cells do. */
  private effects(): Effects {
    return {
      startLink: () => {
        this.publish();
        this.link.start();
      },
      stopLink: () => {
        clearTimeout(this.retryTimer);
        this.link.stop();
      },
      setScopes: (scopes) => this.updateScopes(scopes),
      want: (only) => {
        this.wanted = !only || this.wanted === 'all' ? 'all' : new Set([...(this.wanted ?? []), ...only.map((s) => s.id)]);
      },
      linkReady: (ready, refused) => {
        this.readyScopes = ready;
        this.hooks.state({ online: true, refusedScopes: refused, unauthenticated: false });
      },
      checkSchema: () => void this.hooks.checkSchema(),
      linkDown: (reason, closeCode) => {
        this.queue = [];
        this.wanted = null;
        const refusedToken = closeCode !== null && AUTH_CLOSE.has(closeCode);
        this.hooks.state({ online: false, ...(refusedToken ? { unauthenticated: true, lastErrorCode: 'UNAUTHENTICATED', lastError: `The server refused the token (${reason})` } : {}) });
      },
      enqueue: (scope, event) => this.queue.push({ scope, event }),
      restartLink: () => this.link.restart('sync failed'),
      reportError: (error) => this.hooks.state({ lastError: error.message }),
    };
  }

  private updateScopes(scopes: Scope[]): void {
    const ids = new Set(scopes.map((s) => s.id));
    for (const id of [...this.progress.keys()]) if (!ids.has(id)) this.progress.delete(id);
    for (const scope of scopes) this.track(scope);
    this.readyScopes = this.readyScopes.filter((s) => ids.has(s.id));
    this.queue = this.queue.filter((q) => ids.has(q.scope.id));
    this.link.setSubscriptions(scopes.map((s) => this.subscription(s)));
    this.publish();
  }

  /** A cycle of the wanted scopes; it goes on while the table keeps the engine `syncing` (not once its session ended or the engine stopped). */
  private runCycle(): void {
    const wanted = this.wanted;
    if (wanted === null) throw new Error('A sync cycle was started with no sync wanted'); // the table enters `syncing` only with one
    this.wanted = null;
    clearTimeout(this.retryTimer);
    this.hooks.state({ syncing: true });
    const scopes = wanted === 'all' ? this.readyScopes : this.readyScopes.filter((s) => wanted.has(s.id));
    void this.cycle.run(scopes, () => this.machine.state === 'syncing')
      .catch((e: Error) => this.hooks.state({ lastError: e.message, lastErrorCode: 'CLIENT_ERROR' }))
      .finally(() => {
        this.hooks.state({ syncing: false });
        this.dispatch({ type: 'cycleEnded' });
      });
  }

  /** Applies the first waiting event (each only if newer than the row held: see `applyEvent`). */
  private applyNext(): void {
    const next = this.queue.shift();
    if (!next) throw new Error('An event apply was started with no event waiting'); // the table enters `applying` only with one
    void applyEvent(this.replica, next.scope, next.event)
      .catch((e: Error) => this.hooks.state({ lastError: e.message }))
      .finally(() => this.dispatch({ type: 'applied' }));
  }

  /** Reports a failed request; true when the next one may go at once. */
  private failed(outcome: Extract<RoundOutcome, { kind: 'failed' }>): boolean {
    this.hooks.state({ lastError: outcome.error.message, lastErrorCode: outcome.code, ...(outcome.retry === 'token' ? { unauthenticated: true } : {}) });
    switch (outcome.retry) {
      case 'now':
        return true;
      case 'link':
        this.dispatch({ type: 'linkFailed' });
        return false;
      case 'backoff':
      case 'token':
        this.retryLater();
        return false;
      case 'never':
        return false;
    }
  }

  /** Another try after a backoff with jitter (a new token is looked for at each, without a request until it changes). */
  private retryLater(): void {
    clearTimeout(this.retryTimer);
    const ceiling = Math.min(this.options.maxBackoffMs, this.options.minBackoffMs * 2 ** this.retries++);
    const delay = ceiling / 2 + (this.options.random ?? Math.random)() * (ceiling / 2);
    this.retryTimer = setTimeout(() => this.sync(), delay);
  }

  private subscription(scope: Scope): LiveSubscription {
    const table = this.replica.schema.table(scope.table);
    return { scope, query: subscriptionDocument(this.replica.schema, table), field: table.subscriptionField };
  }

  private track(scope: Scope): void {
    if (!this.progress.has(scope.id)) this.progress.set(scope.id, { table: scope.table, received: 0, total: null, ready: false });
  }

  private report(id: string, patch: Partial<ScopeProgress>): void {
    const current = this.progress.get(id);
    if (!current) return; // removed meanwhile
    this.progress.set(id, { ...current, ...patch });
    this.publish();
  }

  private publish(): void {
    this.hooks.state({ progress: Object.fromEntries(this.progress) });
  }
}
