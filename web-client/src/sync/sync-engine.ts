/**
 * What the leader tab runs: the realtime link, and on each of its sessions the order the server
 * requires (every scope subscribed and READY, then one sync), then live events, one sync at a
 * time; events that arrive during a sync wait until its answer is applied.
 */
import type { Replica } from '../replica/replica.js';
import type { ChangeEvent, Rejection, Scope, SyncResult } from '../replica/types.js';
import { SCHEMA_VERSION_QUERY } from '../schema/sync-schema.js';
import { GraphQLHttp, NetworkError } from '../transport/graphql-http.js';
import { subscriptionDocument, syncDocument } from './documents.js';
import { LiveConnection, type LiveOptions } from './live-connection.js';
import { applyEvent, applySyncResult, buildSyncPlan } from './sync-plan.js';

export interface EngineState {
  online: boolean;
  syncing: boolean;
  lastSyncAt: string | null;
  lastError: string | null;
}

export interface EngineHooks {
  state(patch: Partial<EngineState>): void;
  rejected(rejections: Rejection[]): void;
  schemaChanged(serverVersion: string): void;
}

export class SyncEngine {
  private readonly link: LiveConnection;
  private readySession: number | null = null;
  private syncing = false;
  private syncAgain = false;
  private stopped = false;
  private queued: { session: number; scope: Scope; event: ChangeEvent }[] = [];
  private retry: { syncId: string; sent: Map<string, number> } | undefined;

  constructor(
    private readonly replica: Replica,
    private readonly http: GraphQLHttp,
    options: LiveOptions,
    private readonly hooks: EngineHooks,
    networkOnline: boolean,
    private readonly digestFrom?: number,
  ) {
    const subscriptions = replica.scopes.map((scope) => {
      const table = replica.schema.table(scope.table);
      return { scope, query: subscriptionDocument(replica.schema, table), field: table.subscriptionField };
    });
    this.link = new LiveConnection(options, subscriptions, {
      onReady: (session) => {
        this.readySession = session;
        this.hooks.state({ online: true });
        void this.checkSchema();
        void this.sync();
      },
      onEvent: (session, scope, event) => {
        if (event.operation === 'RESYNC') void this.sync();
        else {
          this.queued.push({ session, scope, event });
          void this.drain();
        }
      },
      onDown: () => {
        this.readySession = null;
        this.queued = []; // the next session's sync heals what they would have told
        this.hooks.state({ online: false });
      },
      onError: (error) => this.hooks.state({ lastError: error.message }),
    }, networkOnline);
  }

  start(): void {
    this.link.start();
  }

  stop(): void {
    this.stopped = true;
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
    this.hooks.state({ syncing: true });
    const session = this.readySession;
    try {
      await this.syncOnce();
    } catch (e) {
      this.hooks.state({ lastError: (e as Error).message });
      if (e instanceof NetworkError && session === this.readySession) this.link.restart('sync failed');
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

  private async syncOnce(): Promise<void> {
    const plan = await buildSyncPlan(this.replica, undefined, this.digestFrom);
    if (this.retry && sameSent(this.retry.sent, plan.sent)) {
      plan.syncId = this.retry.syncId; // the same changes after a lost answer: replayed, not applied twice (I4)
      plan.input.syncId = plan.syncId;
    }
    this.retry = { syncId: plan.syncId, sent: plan.sent };
    const data = await this.http.request<{ sync: SyncResult }>(syncDocument(this.replica.schema, plan.tables), { input: plan.input });
    this.retry = undefined;
    const rejections = await applySyncResult(this.replica, plan, data.sync);
    this.hooks.state({ lastSyncAt: new Date().toISOString(), lastError: null });
    if (rejections.length > 0) this.hooks.rejected(rejections);
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

  private async checkSchema(): Promise<void> {
    try {
      const data = await this.http.request<{ syncSchema: { version: string } }>(SCHEMA_VERSION_QUERY);
      if (data.syncSchema.version !== this.replica.schema.schema.version) this.hooks.schemaChanged(data.syncSchema.version);
    } catch {
      // the sync reports connectivity problems
    }
  }
}

function sameSent(a: Map<string, number>, b: Map<string, number>): boolean {
  return a.size === b.size && [...a].every(([key, rev]) => b.get(key) === rev);
}
