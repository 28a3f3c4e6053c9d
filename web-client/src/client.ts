/**
 * The Tidemark client: a replica of the app's scopes in IndexedDB that the app reads and writes
 * at once, kept in sync with the server by its leader tab: on every (re)connection it subscribes
 * every scope, waits for each READY, then syncs (I7); between syncs it applies live events.
 */
import { INITIAL_STATE, scopesOf, type ClientState, type TidemarkOptions } from './client/options.js';
import { fetchSchema, fetchVersion, loadSchema, storeNextSchema } from './client/schema-source.js';
import { StateHub } from './client/state-hub.js';
import { openReplicaDb, type MigrationReport } from './replica/replica-db.js';
import { Replica, type ListOptions } from './replica/replica.js';
import type { Rejection, RejectionRecord, Row } from './replica/types.js';
import { SchemaIndex } from './schema/sync-schema.js';
import { acknowledgeRejection, countRejections, listRejections } from './sync/rejections.js';
import { SyncEngine } from './sync/sync-engine.js';
import { TabCoordinator, type TabMessage } from './tabs/tab-coordinator.js';
import { GraphQLHttp } from './transport/graphql-http.js';

export type { ClientState, ScopeDeclaration, TidemarkOptions } from './client/options.js';

export class TidemarkClient {
  private engine: SyncEngine | undefined;
  private newerSchema: string | null = null;
  private networkOnline: boolean;
  private readonly states: StateHub;
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
    private readonly dbName: string,
  ) {
    this.networkOnline = (globalThis as { navigator?: { onLine?: boolean } }).navigator?.onLine ?? true;
    this.states = new StateHub(tabs);
  }

  /**
   * Opens the replica at once from the schema stored with it (a first start fetches the server's),
   * whatever the network and the token; the leader tab then connects and syncs in the background.
   */
  static async open(options: TidemarkOptions): Promise<TidemarkClient> {
    const dbName = options.dbName ?? 'tidemark';
    const http = new GraphQLHttp(`${options.url}/graphql`, options.fetch, undefined, options.token);
    const schema = options.schema ?? (await loadSchema(http, dbName));
    const holder: { client?: TidemarkClient } = {};
    const opened = await openReplicaDb(dbName, schema, () => holder.client?.blocked());
    const replica = new Replica(opened.db, new SchemaIndex(schema), scopesOf(options.scopes));
    await replica.pruneScopes();
    const tabs = new TabCoordinator(dbName, (leader) => holder.client?.lead(leader), { leaseMs: options.leaseMs });
    const client = new TidemarkClient(replica, opened.migration, http, tabs, options, dbName);
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
        this.states.set({ lastError: (e as Error).message });
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
    await this.refreshCounts();
    this.wrote();
    return row;
  }

  async delete(table: string, uid: string): Promise<Row> {
    const row = await this.replica.delete(table, uid);
    await this.refreshCounts();
    this.wrote();
    return row;
  }

  // ---- sync state ----

  get state(): ClientState {
    return this.states.state;
  }

  onState(listener: (state: ClientState) => void): () => void {
    return this.states.onState(listener);
  }

  /** Local changes the server refused or overrode (conflicts lost, parents deleted...), as they come back. */
  onRejected(listener: (rejections: Rejection[]) => void): () => void {
    this.rejectionListeners.add(listener);
    return () => this.rejectionListeners.delete(listener);
  }

  /** Every rejection kept (with the refused local values) and not yet acknowledged, oldest first; they survive reloads. */
  rejections(): Promise<RejectionRecord[]> {
    return listRejections(this.replica.db);
  }

  /** Forgets a rejection the app has dealt with (shown it, say); false when no record has this id. */
  async acknowledge(id: string): Promise<boolean> {
    const found = await acknowledgeRejection(this.replica.db, id);
    await this.refreshCounts();
    this.tabs.post({ type: 'rejected', rejections: [] });
    return found;
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

  /** Asks for a sync now (the leader runs it when its link is up): after a new token, say. */
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
    await this.refreshCounts();
    if (this.options.connect !== false && !this.options.schema) void this.checkSchema().catch(() => undefined);
  }

  private changed(tables: Set<string>): void {
    for (const listener of [...this.changeListeners]) listener(tables);
    void this.refreshCounts();
  }

  private receive(message: TabMessage): void {
    if (message.type === 'changed') this.changed(new Set(message.tables));
    else if (message.type === 'rejected') this.reject(message.rejections as Rejection[]);
    else if (message.type === 'state') this.states.fromLeader(message.state as Partial<ClientState>);
    else if (message.type === 'hello') this.states.announce();
    else if ((message.type === 'outbox' || message.type === 'sync') && this.tabs.isLeader) void this.engine?.sync();
  }

  private lead(leader: boolean): void {
    this.states.set({ leader });
    this.engine?.stop();
    this.engine = undefined;
    if (!leader) return;
    // This tab now owns the link: until its own engine says otherwise, it is down.
    const { online, syncing, lastError, lastErrorCode, unauthenticated, refusedScopes } = INITIAL_STATE;
    this.states.set({ online, syncing, lastError, lastErrorCode, unauthenticated, refusedScopes });
    if (this.closed || this.options.connect === false) return;
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
        state: (patch) => this.states.set(patch),
        rejected: (rejections) => {
          this.reject(rejections);
          this.tabs.post({ type: 'rejected', rejections });
        },
        checkSchema: () => this.checkSchema(),
      },
      this.networkOnline,
      o.heldDigestFrom,
    );
    this.engine.start();
  }

  /**
   * Reads the server's schema version and limits: new limits apply at once; a new version is
   * stored for the next opening (which migrates) and told to the app. True when the limits changed.
   */
  private async checkSchema(): Promise<boolean> {
    const server = await fetchVersion(this.http).catch(() => undefined);
    if (!server || this.closed) return false;
    const before = JSON.stringify(this.replica.schema.limits);
    if (server.limits) this.replica.schema.limits = server.limits;
    if (server.version !== this.replica.schema.schema.version && this.newerSchema !== server.version) {
      const schema = await fetchSchema(this.http).catch(() => undefined);
      if (schema && !this.closed) {
        await storeNextSchema(this.dbName, schema).catch(() => undefined);
        this.newerSchema = schema.version;
        for (const listener of [...this.schemaListeners]) listener(schema.version);
      }
    }
    return JSON.stringify(this.replica.schema.limits) !== before;
  }

  private wrote(): void {
    if (this.tabs.isLeader) void this.engine?.sync();
    else this.tabs.post({ type: 'outbox' });
  }

  private reject(rejections: Rejection[]): void {
    if (rejections.length > 0) for (const listener of [...this.rejectionListeners]) listener(rejections);
    void this.refreshCounts();
  }

  private blocked(): void {
    this.states.set({ lastError: 'The replica was upgraded by another tab: reopen the client' });
    void this.close();
  }

  private async refreshCounts(): Promise<void> {
    if (this.closed) return;
    try {
      this.states.set({ pending: await this.replica.pendingCount(), rejections: await countRejections(this.replica.db) });
    } catch {
      // closing
    }
  }
}
