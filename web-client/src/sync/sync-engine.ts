/**
 * What the leader tab runs: the realtime link, and on each of its sessions the order the server
 * requires (every scope subscribed and READY, then syncs of the ready scopes), then live events,
 * one sync at a time; events that arrive during a sync wait until its answer is applied. A failed
 * sync is retried as its failure allows (see `sync-rounds.ts`): at once, with backoff, on a new
 * link or a new token; a refusal the server would repeat is never retried as it is.
 */
import type { Replica } from '../replica/replica.js';
import type { ChangeEvent, Rejection, Scope } from '../replica/types.js';
import type { GraphQLHttp } from '../transport/graphql-http.js';
import { subscriptionDocument } from './documents.js';
import { LiveConnection, type LiveOptions, type RefusedScope } from './live-connection.js';
import { applyEvent } from './sync-apply.js';
import { SyncRounds, type RoundOutcome } from './sync-rounds.js';

export interface EngineState {
  online: boolean;
  syncing: boolean;
  lastSyncAt: string | null;
  lastError: string | null;
  lastErrorCode: string | null;
  unauthenticated: boolean;
  refusedScopes: RefusedScope[];
}

export interface EngineHooks {
  state(patch: Partial<EngineState>): void;
  rejected(rejections: Rejection[]): void;
  /** Reads the server's schema version and limits again; true when the limits changed. */
  checkSchema(): Promise<boolean>;
}

/** WebSocket close codes of a refused token (graphql-transport-ws: 4401, 4403). */
const AUTH_CLOSE = new Set([4401, 4403]);
/** Requests in one sync cycle before it yields to a backoff (each makes progress; this only bounds a surprise). */
const MAX_ROUNDS = 200;

export class SyncEngine {
  private readonly link: LiveConnection;
  private readonly rounds: SyncRounds;
  private readySession: number | null = null;
  private readyScopes: Scope[] = [];
  private syncing = false;
  private syncAgain = false;
  private stopped = false;
  private queued: { session: number; scope: Scope; event: ChangeEvent }[] = [];
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private retries = 0;

  constructor(
    private readonly replica: Replica,
    http: GraphQLHttp,
    private readonly options: LiveOptions,
    private readonly hooks: EngineHooks,
    networkOnline: boolean,
    digestFrom?: number,
  ) {
    this.rounds = new SyncRounds(replica, http, { rejected: (r) => hooks.rejected(r), refreshLimits: () => hooks.checkSchema() }, digestFrom);
    const subscriptions = replica.scopes.map((scope) => {
      const table = replica.schema.table(scope.table);
      return { scope, query: subscriptionDocument(replica.schema, table), field: table.subscriptionField };
    });
    this.link = new LiveConnection(options, subscriptions, {
      onReady: (session, ready, refused) => {
        const first = this.readySession !== session;
        this.readySession = session;
        this.readyScopes = ready;
        this.hooks.state({ online: true, refusedScopes: refused, unauthenticated: false });
        if (first) void this.hooks.checkSchema();
        void this.sync(); // at first, and again for each scope whose READY came later
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

  /** Syncs now if the session is ready (else its READY will); a sync running now is followed by one more. */
  async sync(): Promise<void> {
    if (this.stopped || this.readySession === null) return;
    if (this.syncing) {
      this.syncAgain = true;
      return;
    }
    this.syncing = true;
    clearTimeout(this.retryTimer);
    this.hooks.state({ syncing: true });
    try {
      await this.cycle(this.readySession);
    } catch (e) {
      this.hooks.state({ lastError: (e as Error).message, lastErrorCode: 'CLIENT_ERROR' });
    } finally {
      this.syncing = false;
      this.hooks.state({ syncing: false });
      await this.drain();
      if (this.syncAgain) {
        this.syncAgain = false;
        void this.sync();
      }
    }
  }

  /** Syncs every ready scope, in groups the server accepts, until nothing is left out or a failure stops it. */
  private async cycle(session: number): Promise<void> {
    const max = Math.max(1, this.replica.schema.limits.maxSyncScopes);
    const groups: Scope[][] = [];
    for (let i = 0; i < this.readyScopes.length; i += max) groups.push(this.readyScopes.slice(i, i + max));
    if (groups.length === 0) groups.push([]); // a stored flight may still wait to be sent again
    let rounds = 0;
    for (const group of groups) {
      for (;;) {
        if (this.stopped || session !== this.readySession) return;
        if (++rounds > MAX_ROUNDS) return this.retryLater();
        const outcome = await this.rounds.run(group);
        if (outcome.kind === 'idle') break;
        if (outcome.kind === 'synced') {
          this.retries = 0;
          this.hooks.state({ lastSyncAt: new Date().toISOString(), lastError: null, lastErrorCode: null, unauthenticated: false });
          if (outcome.more) continue;
          break;
        }
        if (!this.failed(outcome, session)) return;
      }
    }
  }

  /** Reports a failed request; true when the next one may go at once. */
  private failed(outcome: Extract<RoundOutcome, { kind: 'failed' }>, session: number): boolean {
    this.hooks.state({ lastError: outcome.error.message, lastErrorCode: outcome.code, ...(outcome.retry === 'token' ? { unauthenticated: true } : {}) });
    switch (outcome.retry) {
      case 'now':
        return true;
      case 'link':
        if (session === this.readySession) this.link.restart('sync failed');
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
      if (session !== this.readySession) continue;
      try {
        await applyEvent(this.replica, scope, event);
      } catch (e) {
        this.hooks.state({ lastError: (e as Error).message });
      }
    }
  }
}
