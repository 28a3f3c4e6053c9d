/**
 * The Tidemark client: a replica of the app's scopes in IndexedDB that the app reads and writes
 * at once, kept in sync with the server by its leader tab: on every (re)connection it subscribes
 * every scope, waits for each READY, then syncs (I7); between syncs it applies live events.
 */
import { openDB } from 'idb';
import { META, openReplicaDb, type MigrationReport } from './replica/replica-db.js';
import { Replica, type ListOptions } from './replica/replica.js';
import type { ChangeEvent, Rejection, Row, Scope, SyncResult } from './replica/types.js';
import type { Where } from './replica/where.js';
import { SCHEMA_VERSION_QUERY, SchemaIndex, SYNC_SCHEMA_QUERY, type SyncSchema } from './schema/sync-schema.js';
import { LiveConnection } from './sync/live-connection.js';
import { subscriptionDocument, syncDocument } from './sync/documents.js';
import { applyEvent, applySyncResult, buildSyncPlan } from './sync/sync-plan.js';
import { TabCoordinator, type TabMessage } from './tabs/tab-coordinator.js';
import { GraphQLHttp, NetworkError, type FetchLike } from './transport/graphql-http.js';

export interface ScopeDeclaration {
  table: string;
  where?: Where | null;
  /** Stable name; defaults to the table and the where. */
  id?: string;
}

export interface TidemarkOptions {
  /** The server's base URL (http://host:port); GraphQL is at /graphql, over HTTP and WebSocket. */
  url: string;
  /** WebSocket URL when it differs from url's /graphql (a proxy, say). */
  wsUrl?: string;
  scopes: ScopeDeclaration[];
  /** IndexedDB database name; tabs that use the same name share one replica. */
  dbName?: string;
  /** The sync schema; by default fetched from the server (the stored copy when offline). */
  schema?: SyncSchema;
  /** A WebSocket class (the `ws` package in Node 20); the global one by default. */
  webSocketImpl?: unknown;
  fetch?: FetchLike;
  /** Where `online`/`offline` events come from: `window` by default. */
  connectivity?: EventTarget;
  keepAliveMs?: number;
  pongTimeoutMs?: number;
  minBackoffMs?: number;
  maxBackoffMs?: number;
  /** Lease of the leader tab; a leader that stops renewing is replaced after it. */
  leaseMs?: number;
  /** false: a local-only replica that never talks to the server (tests, previews). */
  connect?: boolean;
}

/** What the app shows of the sync: link up, sync running, changes waiting, this tab leads. */
export interface ClientState {
  online: boolean;
  syncing: boolean;
  pending: number;
  leader: boolean;
  lastSyncAt: string | null;
  lastError: string | null;
}

export class TidemarkClient {
  private link: LiveConnection | undefined;
  private readySession: number | null = null;
  private syncing = false;
  private syncAgain = false;
  private queued: { session: number; scope: Scope; event: ChangeEvent }[] = [];
  private retry: { syncId: string; sent: Map<string, number> } | undefined;
  private networkOnline: boolean;
  private current: ClientState = { online: false, syncing: false, pending: 0, leader: false, lastSyncAt: null, lastError: null };
  private readonly stateListeners = new Set<(state: ClientState) => void>();
  private readonly rejectionListeners = new Set<(rejections: Rejection[]) => void>();
  private readonly changeListeners = new Set<(tables: Set<string>) => void>();
  private readonly schemaListeners = new Set<(serverVersion: string) => void>();
  private readonly cleanups: (() => void)[] = [];
  private closed = false;

  private constructor(
    readonly replica: Replica,
    readonly migration: MigrationReport | null,
    private readonly http: GraphQLHttp,
    private readonly tabs: TabCoordinator,
    private readonly options: TidemarkOptions,
  ) {
    this.networkOnline = (globalThis as { navigator?: { onLine?: boolean } }).navigator?.onLine ?? true;
  }

  static async open(options: TidemarkOptions): Promise<TidemarkClient> {
    const dbName = options.dbName ?? 'tidemark';
    const http = new GraphQLHttp(`${options.url}/graphql`, options.fetch);
    const schema = options.schema ?? (await fetchSchema(http, dbName));
    const holder: { client?: TidemarkClient } = {};
    const opened = await openReplicaDb(dbName, schema, () => holder.client?.blocked());
    const replica = new Replica(opened.db, new SchemaIndex(schema), scopesOf(options.scopes));
    await replica.pruneScopes();
    const tabs = new TabCoordinator(opened.db, dbName, (leader) => holder.client?.lead(leader), options.leaseMs);
    const client = new TidemarkClient(replica, opened.migration, http, tabs, options);
    holder.client = client;
    await client.start();
    return client;
  }

  // ---- reads ----

  get(table: string, uid: string): Promise<Row | undefined> {
    return this.replica.get(table, uid);
  }

  list(table: string, options?: ListOptions): Promise<Row[]> {
    return this.replica.list(table, options);
  }

  /** Runs a read now and again after every change; calls back when its result differs. */
  live<T>(read: () => Promise<T>, onValue: (value: T) => void): () => void {
    let last: string | undefined;
    let running = false;
    let again = false;
    const run = async (): Promise<void> => {
      if (running) { again = true; return; }
      running = true;
      try {
        do {
          again = false;
          const value = await read();
          const text = JSON.stringify(value);
          if (text !== last && !this.closed) { last = text; onValue(value); }
        } while (again);
      } catch (e) {
        this.setState({ lastError: (e as Error).message });
      } finally {
        running = false;
      }
    };
    void run();
    const listener = (): void => void run();
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  watchList(table: string, options: ListOptions, onRows: (rows: Row[]) => void): () => void {
    return this.live(() => this.list(table, options), onRows);
  }

  // ---- writes ----

  async save(table: string, values: Record<string, unknown>): Promise<Row> {
    const row = await this.replica.save(table, values);
    await this.refreshPending();
    this.wrote();
    return row;
  }

  async delete(table: string, uid: string): Promise<Row> {
    const row = await this.replica.delete(table, uid);
    await this.refreshPending();
    this.wrote();
    return row;
  }

  // ---- sync state ----

  get state(): ClientState {
    return { ...this.current };
  }

  onState(listener: (state: ClientState) => void): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  /** Local changes the server refused or overrode (conflicts lost, parents deleted...), as they come back. */
  onRejected(listener: (rejections: Rejection[]) => void): () => void {
    this.rejectionListeners.add(listener);
    return () => this.rejectionListeners.delete(listener);
  }

  /** Tables changed in the replica (by this tab, another tab, a sync or an event). */
  onChange(listener: (tables: Set<string>) => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  /** The server's schema differs from the replica's: reopen the client (a reload) to migrate. */
  onSchemaChange(listener: (serverVersion: string) => void): () => void {
    this.schemaListeners.add(listener);
    return () => this.schemaListeners.delete(listener);
  }

  /** Asks for a sync now (the leader runs it when its link is up). */
  sync(): void {
    if (this.tabs.isLeader) void this.runSync();
    else this.tabs.post({ type: 'sync' });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.link?.stop();
    this.link = undefined;
    for (const cleanup of this.cleanups) cleanup();
    await this.tabs.close();
    this.replica.db.close();
  }

  // ---- internals ----

  private async start(): Promise<void> {
    this.replica.onChange((tables) => {
      this.tabs.post({ type: 'changed', tables: [...tables] });
      this.changed(tables);
    });
    this.cleanups.push(this.tabs.onMessage((message) => this.receive(message)));
    const target = this.options.connectivity ?? (typeof window !== 'undefined' ? window : undefined);
    if (target) {
      const offline = (): void => { this.networkOnline = false; this.link?.setOnline(false); };
      const online = (): void => { this.networkOnline = true; this.link?.setOnline(true); };
      target.addEventListener('offline', offline);
      target.addEventListener('online', online);
      this.cleanups.push(() => { target.removeEventListener('offline', offline); target.removeEventListener('online', online); });
    }
    await this.tabs.start();
    await this.refreshPending();
  }

  private changed(tables: Set<string>): void {
    for (const listener of [...this.changeListeners]) listener(tables);
    void this.refreshPending();
  }

  private receive(message: TabMessage): void {
    if (message.type === 'changed') this.changed(new Set(message.tables));
    else if (message.type === 'rejected') this.reject(message.rejections as Rejection[]);
    else if (message.type === 'state' && !this.tabs.isLeader) {
      const s = message.state as ClientState;
      this.setState({ online: s.online, syncing: s.syncing, lastSyncAt: s.lastSyncAt, lastError: s.lastError });
    } else if ((message.type === 'outbox' || message.type === 'sync') && this.tabs.isLeader) void this.runSync();
  }

  private lead(leader: boolean): void {
    this.setState({ leader });
    if (!leader || this.closed || this.options.connect === false) {
      this.link?.stop();
      this.link = undefined;
      return;
    }
    const schema = this.replica.schema;
    const subscriptions = this.replica.scopes.map((scope) => {
      const table = schema.table(scope.table);
      return { scope, query: subscriptionDocument(schema, table), field: table.subscriptionField };
    });
    const wsUrl = this.options.wsUrl ?? `${this.options.url.replace(/^http/, 'ws')}/graphql`;
    this.link = new LiveConnection(
      {
        url: wsUrl,
        webSocketImpl: this.options.webSocketImpl,
        keepAliveMs: this.options.keepAliveMs ?? 10_000,
        pongTimeoutMs: this.options.pongTimeoutMs ?? 5_000,
        minBackoffMs: this.options.minBackoffMs ?? 500,
        maxBackoffMs: this.options.maxBackoffMs ?? 30_000,
      },
      subscriptions,
      {
        onReady: (session) => {
          this.readySession = session;
          this.setState({ online: true });
          void this.checkSchema();
          void this.runSync();
        },
        onEvent: (session, scope, event) => {
          if (event.operation === 'RESYNC') void this.runSync();
          else { this.queued.push({ session, scope, event }); void this.drain(); }
        },
        onDown: () => {
          this.readySession = null;
          this.queued = []; // the next session's sync heals what they would have told
          this.setState({ online: false });
        },
        onError: (error) => this.setState({ lastError: error.message }),
      },
      this.networkOnline,
    );
    this.link.start();
  }

  private wrote(): void {
    if (this.tabs.isLeader) void this.runSync();
    else this.tabs.post({ type: 'outbox' });
  }

  /** One sync at a time, only on a session whose subscriptions are all READY; events wait meanwhile. */
  private async runSync(): Promise<void> {
    if (this.closed || !this.tabs.isLeader || this.readySession === null) return;
    if (this.syncing) { this.syncAgain = true; return; }
    this.syncing = true;
    this.setState({ syncing: true });
    const session = this.readySession;
    try {
      const plan = await buildSyncPlan(this.replica);
      if (this.retry && sameSent(this.retry.sent, plan.sent)) {
        plan.syncId = this.retry.syncId; // same changes after a lost answer: replayed, not applied twice (I4)
        plan.input.syncId = plan.syncId;
      }
      this.retry = { syncId: plan.syncId, sent: plan.sent };
      const data = await this.http.request<{ sync: SyncResult }>(syncDocument(this.replica.schema, plan.tables), { input: plan.input });
      this.retry = undefined;
      const rejections = await applySyncResult(this.replica, plan, data.sync);
      this.setState({ lastSyncAt: new Date().toISOString(), lastError: null });
      if (rejections.length > 0) {
        this.reject(rejections);
        this.tabs.post({ type: 'rejected', rejections });
      }
    } catch (e) {
      this.setState({ lastError: (e as Error).message });
      if (e instanceof NetworkError && session === this.readySession) this.link?.restart('sync failed');
    } finally {
      this.syncing = false;
      this.setState({ syncing: false });
      await this.drain();
      if (this.syncAgain) {
        this.syncAgain = false;
        void this.runSync();
      }
    }
  }

  private async drain(): Promise<void> {
    while (!this.syncing && this.queued.length > 0) {
      const { session, scope, event } = this.queued.shift()!;
      if (session !== this.readySession) continue;
      try {
        await applyEvent(this.replica, scope, event);
      } catch (e) {
        this.setState({ lastError: (e as Error).message });
      }
    }
  }

  private async checkSchema(): Promise<void> {
    try {
      const data = await this.http.request<{ syncSchema: { version: string } }>(SCHEMA_VERSION_QUERY);
      if (data.syncSchema.version !== this.replica.schema.schema.version) {
        for (const listener of [...this.schemaListeners]) listener(data.syncSchema.version);
      }
    } catch {
      // the sync reports connectivity problems
    }
  }

  private reject(rejections: Rejection[]): void {
    for (const listener of [...this.rejectionListeners]) listener(rejections);
  }

  private blocked(): void {
    this.setState({ lastError: 'The replica was upgraded by another tab: reopen the client' });
    void this.close();
  }

  private async refreshPending(): Promise<void> {
    if (this.closed) return;
    try {
      this.setState({ pending: await this.replica.pendingCount() });
    } catch {
      // closing
    }
  }

  private setState(patch: Partial<ClientState>): void {
    const next = { ...this.current, ...patch };
    if (JSON.stringify(next) === JSON.stringify(this.current)) return;
    this.current = next;
    if (this.tabs.isLeader) this.tabs.post({ type: 'state', state: next });
    for (const listener of [...this.stateListeners]) listener({ ...next });
  }
}

function scopesOf(declarations: ScopeDeclaration[]): Scope[] {
  return declarations.map((d) => ({ id: d.id ?? `${d.table}:${JSON.stringify(d.where ?? null)}`, table: d.table, where: d.where ?? null }));
}

function sameSent(a: Map<string, number>, b: Map<string, number>): boolean {
  return a.size === b.size && [...a].every(([key, rev]) => b.get(key) === rev);
}

/** The server's schema, or the one stored with the replica when the server cannot be reached. */
async function fetchSchema(http: GraphQLHttp, dbName: string): Promise<SyncSchema> {
  try {
    return (await http.request<{ syncSchema: SyncSchema }>(SYNC_SCHEMA_QUERY)).syncSchema;
  } catch (e) {
    if (!(e instanceof NetworkError)) throw e;
    const db = await openDB(dbName);
    try {
      const stored = db.objectStoreNames.contains(META) ? ((await db.get(META, 'schema')) as { value: SyncSchema } | undefined) : undefined;
      if (!stored) throw new NetworkError(`Offline and no replica yet: the first start needs the server (${e.message})`);
      return stored.value;
    } finally {
      db.close();
    }
  }
}
