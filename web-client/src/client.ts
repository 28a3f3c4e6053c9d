/**
 * The Tidemark client: a replica of the app's scopes in IndexedDB that the app reads and writes
 * at once, kept in sync with the server by its leader tab: on every (re)connection it subscribes
 * every scope, waits for each READY, then syncs (I7); between syncs it applies live events.
 */
import { openDB } from 'idb';
import { META, openReplicaDb, type MigrationReport } from './replica/replica-db.js';
import { Replica, type ListOptions } from './replica/replica.js';
import type { Rejection, Row, Scope } from './replica/types.js';
import type { Where } from './replica/where.js';
import { SchemaIndex, SYNC_SCHEMA_QUERY, type SyncSchema } from './schema/sync-schema.js';
import { SyncEngine } from './sync/sync-engine.js';
import { TabCoordinator, type TabMessage } from './tabs/tab-coordinator.js';
import { GraphQLHttp, NetworkError, type FetchLike, type TokenSource } from './transport/graphql-http.js';

export interface ScopeDeclaration {
  table: string;
  where?: Where | null;
  /** Stable name; defaults to the table and the where. */
  id?: string;
}

export interface TidemarkOptions {
  /** The server's base URL (http://host:port); GraphQL is at /graphql, over HTTP and WebSocket. */
  url: string;
  /**
   * The bearer token (a JWT whose subject is the user's uid), or a function returning the current
   * one; sent on every HTTP request and in the WebSocket connection_init. The server's row policies
   * decide what this user syncs.
   */
  token?: TokenSource;
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
  /**
   * A scope holding at least this many unchanged rows sends them to sync as a held digest (bucket
   * checksums, 4 bytes per ~row instead of ~45) rather than a list; 1000 by default.
   */
  heldDigestFrom?: number;
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
  private engine: SyncEngine | undefined;
  private newerSchema: string | null = null;
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
    const http = new GraphQLHttp(`${options.url}/graphql`, options.fetch, undefined, options.token);
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

  /** The server's schema differs from the replica's: reopen the client (a reload) to migrate. Called at once if already known. */
  onSchemaChange(listener: (serverVersion: string) => void): () => void {
    this.schemaListeners.add(listener);
    if (this.newerSchema !== null) listener(this.newerSchema);
    return () => this.schemaListeners.delete(listener);
  }

  /** Asks for a sync now (the leader runs it when its link is up). */
  sync(): void {
    if (this.tabs.isLeader) void this.engine?.sync();
    else this.tabs.post({ type: 'sync' });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.engine?.stop();
    this.engine = undefined;
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
      const offline = (): void => { this.networkOnline = false; this.engine?.setOnline(false); };
      const online = (): void => { this.networkOnline = true; this.engine?.setOnline(true); };
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
    } else if ((message.type === 'outbox' || message.type === 'sync') && this.tabs.isLeader) void this.engine?.sync();
  }

  private lead(leader: boolean): void {
    this.setState({ leader });
    this.engine?.stop();
    this.engine = undefined;
    if (!leader || this.closed || this.options.connect === false) return;
    const o = this.options;
    this.engine = new SyncEngine(
      this.replica,
      this.http,
      {
        url: o.wsUrl ?? `${o.url.replace(/^http/, 'ws')}/graphql`,
        webSocketImpl: o.webSocketImpl,
        token: o.token,
        keepAliveMs: o.keepAliveMs ?? 10_000,
        pongTimeoutMs: o.pongTimeoutMs ?? 5_000,
        minBackoffMs: o.minBackoffMs ?? 500,
        maxBackoffMs: o.maxBackoffMs ?? 30_000,
      },
      {
        state: (patch) => this.setState(patch),
        rejected: (rejections) => {
          this.reject(rejections);
          this.tabs.post({ type: 'rejected', rejections });
        },
        schemaChanged: (version) => {
          this.newerSchema = version;
          for (const listener of [...this.schemaListeners]) listener(version);
        },
      },
      this.networkOnline,
      o.heldDigestFrom,
    );
    this.engine.start();
  }

  private wrote(): void {
    if (this.tabs.isLeader) void this.engine?.sync();
    else this.tabs.post({ type: 'outbox' });
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
