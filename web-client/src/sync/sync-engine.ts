/**
 * What the leader tab runs: the realtime link, and on each of its sessions the order the server
 * requires (every scope subscribed and READY, then syncs of the ready scopes), then live events,
 * one sync at a time; events that arrive during a sync wait until its answer is applied. Scopes
 * come and go while it runs: an added scope is subscribed and, once READY, synced alone (paged if
 * large, see `sync-cycle.ts`); a removed one is unsubscribed and its waiting events dropped. A
 * failed sync is retried as its failure allows (see `sync-rounds.ts`): at once, with backoff, on
 * a new link or a new token; a refusal the server would repeat is never retried as it is.
 */
import type { ScopeProgress } from '../client/options.js';
import type { Replica } from '../replica/replica.js';
import type { ChangeEvent, Rejection, Scope } from '../replica/types.js';
import type { GraphQLHttp } from '../transport/graphql-http.js';
import { subscriptionDocument } from './documents.js';
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
  /** Rows per page of a scope's first sync. */
  pageSize: number;
}

/** WebSocket close codes of a refused token (graphql-transport-ws: 4401, 4403). */
const AUTH_CLOSE = new Set([4401, 4403]);

export class SyncEngine {
  private readonly link: LiveConnection;
  private readonly cycle: SyncCycle;
  private scopes: Scope[];
  private readySession: number | null = null;
  private readyScopes: Scope[] = [];
  private syncing = false;
  /** Scopes asked to sync and not yet synced: all of them, or those added since. */
  private wanted: 'all' | Set<string> | null = null;
  private stopped = false;
  private queued: { session: number; scope: Scope; event: ChangeEvent }[] = [];
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
    }, engineOptions.digestFrom);
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
    this.scopes = [...replica.scopes];
    for (const scope of this.scopes) this.track(scope);
    this.link = new LiveConnection(options, this.scopes.map((s) => this.subscription(s)), {
      onReady: (session, ready, refused, fresh) => {
        const first = this.readySession !== session;
        this.readySession = session;
        this.readyScopes = ready;
        this.hooks.state({ online: true, refusedScopes: refused, unauthenticated: false });
        if (first) void this.hooks.checkSchema();
        if (fresh === 'all') void this.sync();
        else if (fresh.length > 0) void this.sync(fresh); // a scope added while the session lives: it alone
      },
      onEvent: (session, scope, event) => {
        if (event.operation === 'RESYNC') void this.sync();
        else {
          this.queued.push({ session, scope, event });
          void this.drain();
        }
      },
      onDown: (_session, reason, closeCode) => {
        this.readySession = null;
        this.queued = []; // the next session's sync heals what they would have told
        const refusedToken = closeCode !== null && AUTH_CLOSE.has(closeCode);
        this.hooks.state({ online: false, ...(refusedToken ? { unauthenticated: true, lastErrorCode: 'UNAUTHENTICATED', lastError: `The server refused the token (${reason})` } : {}) });
      },
      onError: (error) => this.hooks.state({ lastError: error.message }),
    }, networkOnline);
  }

  start(): void {
    this.publish();
    this.link.start();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    this.link.stop();
  }

  setOnline(online: boolean): void {
    this.link.setOnline(online);
  }

  /** The scopes to subscribe and sync from now on (the union of the tabs' scopes). */
  setScopes(scopes: Scope[]): void {
    const ids = new Set(scopes.map((s) => s.id));
    this.scopes = [...scopes];
    for (const id of [...this.progress.keys()]) if (!ids.has(id)) this.progress.delete(id);
    for (const scope of scopes) this.track(scope);
    this.readyScopes = this.readyScopes.filter((s) => ids.has(s.id));
    this.queued = this.queued.filter((q) => ids.has(q.scope.id));
    this.link.setSubscriptions(scopes.map((s) => this.subscription(s)));
    this.publish();
  }

  /** Syncs now if the session is ready (else its READY will): every ready scope, or only these; a sync running now is followed by one more. */
  async sync(only?: Scope[]): Promise<void> {
    if (this.stopped || this.readySession === null) return;
    if (!only || this.wanted === 'all') this.wanted = 'all';
    else this.wanted = new Set([...(this.wanted ?? []), ...only.map((s) => s.id)]);
    return this.run();
  }

  private async run(): Promise<void> {
    if (this.syncing || this.stopped || this.readySession === null || this.wanted === null) return;
    const wanted = this.wanted;
    this.wanted = null;
    this.syncing = true;
    clearTimeout(this.retryTimer);
    this.hooks.state({ syncing: true });
    const session = this.readySession;
    try {
      const scopes = wanted === 'all' ? this.readyScopes : this.readyScopes.filter((s) => wanted.has(s.id));
      await this.cycle.run(scopes, () => !this.stopped && session === this.readySession);
    } catch (e) {
      this.hooks.state({ lastError: (e as Error).message, lastErrorCode: 'CLIENT_ERROR' });
    } finally {
      this.syncing = false;
      this.hooks.state({ syncing: false });
      await this.drain();
      void this.run();
    }
  }

  /** Reports a failed request; true when the next one may go at once. */
  private failed(outcome: Extract<RoundOutcome, { kind: 'failed' }>): boolean {
    const session = this.readySession;
    this.hooks.state({ lastError: outcome.error.message, lastErrorCode: outcome.code, ...(outcome.retry === 'token' ? { unauthenticated: true } : {}) });
    switch (outcome.retry) {
      case 'now':
        return true;
      case 'link':
        if (session !== null) this.link.restart('sync failed');
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
    this.retryTimer = setTimeout(() => void this.sync(), delay);
  }

  private async drain(): Promise<void> {
    while (!this.syncing && this.queued.length > 0) {
      const { session, scope, event } = this.queued.shift()!;
      if (session !== this.readySession || !this.scopes.some((s) => s.id === scope.id)) continue;
      try {
        await applyEvent(this.replica, scope, event);
      } catch (e) {
        this.hooks.state({ lastError: (e as Error).message });
      }
    }
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
