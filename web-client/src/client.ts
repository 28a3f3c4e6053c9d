/**
 * The Tidemark client: a replica of the app's scopes in IndexedDB that the app reads and writes
 * at once, kept in sync with the server by its leader tab: on every (re)connection it subscribes
 * every scope, waits for each READY, then syncs (I7); between syncs it applies live events. Scopes
 * come and go at runtime (`scope()`); every write has a local and a server outcome; the outbox and
 * the rejection records are durable and queryable.
 */
import { LeaderLink } from './client/leader-link.js';
import type { ClientState, TidemarkOptions } from './client/options.js';
import { loadSchema } from './client/schema-source.js';
import { SchemaWatch } from './client/schema-watch.js';
import { rerun, until } from './client/reruns.js';
import { StateHub } from './client/state-hub.js';
import { TabRelay } from './client/tab-relay.js';
import { acknowledgeRejection, discardRejection, retryRejection } from './outbox/rejection-actions.js';
import { answered, outboxItems, rowStatus, waitingChanges, type OutboxItem, type OutboxStatus } from './outbox/outbox-status.js';
import { WriteTracker, type WriteResult } from './outbox/write-tracker.js';
import { deleteRow, saveRow, type LocalWrite } from './replica/local-writes.js';
import { openReplicaDb, OUTBOX, type MigrationReport } from './replica/replica-db.js';
import { Replica, type ListOptions } from './replica/replica.js';
import type { Rejection, RejectionRecord, Row } from './replica/types.js';
import { checkWhere } from './replica/where-check.js';
import type { Where } from './replica/where.js';
import { SchemaIndex } from './schema/sync-schema.js';
import type { ScopeHandle } from './scopes/scope-claims.js';
import { ScopeCoordinator } from './scopes/scope-coordinator.js';
import { scopeOf } from './scopes/scope-key.js';
import { countRejections, listRejections } from './sync/rejections.js';
import { livenessFor, TabCoordinator } from './tabs/tab-coordinator.js';
import { GraphQLHttp } from './transport/graphql-http.js';

export type { ClientState, ScopeDeclaration, ScopeProgress, TidemarkOptions } from './client/options.js';

export class TidemarkClient {
  private readonly states: StateHub;
  private readonly writes = new WriteTracker();
  private readonly scopes: ScopeCoordinator;
  private readonly link: LeaderLink;
  private readonly schemaWatch: SchemaWatch;
  private readonly relay: TabRelay;
  private readonly rejectionListeners = new Set<(rejections: Rejection[]) => void>();
  /** Every change of the replica, the outbox's included (reactive reads); `onChange` listeners get tables only. */
  private readonly changeListeners = new Set<(tables: Set<string>) => void>();
  private readonly cleanups: (() => void)[] = [];
  private closed = false;

  private constructor(
    readonly replica: Replica,
    readonly migration: MigrationReport | null,
    http: GraphQLHttp,
    private readonly tabs: TabCoordinator,
    private readonly options: TidemarkOptions,
    dbName: string,
  ) {
    this.states = new StateHub(tabs);
    this.schemaWatch = new SchemaWatch(replica, http, dbName, () => this.closed);
    this.scopes = new ScopeCoordinator(replica, tabs, livenessFor(tabs, dbName, options.leaseMs ?? 3000, undefined),
      (scopes) => this.link.setScopes(scopes), options.releasedScopeTtlMs ?? 24 * 3600_000);
    this.link = new LeaderLink(replica, http, options, {
      state: (patch) => this.states.set(patch),
      rejected: (rejections) => this.relay.rejected(rejections),
      settled: (settlements) => this.relay.settle(settlements),
      checkSchema: () => this.schemaWatch.check(),
    });
    this.relay = new TabRelay(tabs, this.link, this.states, this.scopes, this.writes, {
      changed: (tables) => this.changed(tables), rejected: (rejections) => this.reject(rejections),
      refreshCounts: () => this.refreshCounts(), closed: () => this.closed,
    });
  }

  /**
   * Opens the replica at once from the schema stored with it (a first start fetches the server's),
   * whatever the network and the token; the leader tab then connects and syncs in the background.
   * A declared scope whose where the schema refuses rejects the opening (`WhereError`).
   */
  static async open(options: TidemarkOptions): Promise<TidemarkClient> {
    const dbName = options.dbName ?? 'tidemark';
    const http = new GraphQLHttp(`${options.url}/graphql`, options.fetch, options.requestTimeoutMs ?? 30_000, options.token);
    const schema = options.schema ?? (await loadSchema(http, dbName));
    const index = new SchemaIndex(schema);
    const declared = (options.scopes ?? []).map((d, i) => {
      checkWhere(index, d.table, d.where, `scopes[${i}].where`);
      return scopeOf(d.table, d.where, d.id);
    });
    const holder: { client?: TidemarkClient } = {};
    const opened = await openReplicaDb(dbName, schema, () => holder.client?.blocked());
    const replica = new Replica(opened.db, index, declared);
    const tabs = new TabCoordinator(dbName, (leader) => holder.client?.relay.lead(leader), { leaseMs: options.leaseMs });
    const client = new TidemarkClient(replica, opened.migration, http, tabs, options, dbName);
    holder.client = client;
    await client.start(declared);
    return client;
  }

  // ---- scopes ----

  /**
   * Adds a scope at runtime: the leader subscribes it and syncs it alone (paged when large); the
   * handle's `ready` resolves once its rows are in. The same scope added again returns the same
   * handle (counted: as many `remove()` calls release it). A where the schema refuses throws a
   * `WhereError` at once, naming the field. Scopes of all tabs of the replica are one union.
   */
  scope(table: string, where?: Where | null, options: { id?: string } = {}): ScopeHandle {
    checkWhere(this.replica.schema, table, where);
    const handle = this.scopes.add(scopeOf(table, where, options.id));
    this.scopes.claims.follow(this.state.progress, this.state.refusedScopes); // held by another tab already: ready now
    return handle;
  }

  // ---- reads ----

  get(table: string, uid: string): Promise<Row | undefined> {
    return this.replica.get(table, uid);
  }

  /** Rows matching a where; a where the schema refuses rejects with a `WhereError`. */
  list(table: string, options?: ListOptions): Promise<Row[]> {
    return this.replica.list(table, options);
  }

  /** Runs a read now and again after every change; calls back when its result differs. */
  live<T>(read: () => Promise<T>, onValue: (value: T) => void): () => void {
    return rerun((listener) => this.onReplicaChange(listener), read, onValue,
      (e) => this.states.set({ lastError: e.message }), () => this.closed);
  }

  /** `live` of a list; a where the schema refuses throws a `WhereError` at once. */
  watchList(table: string, options: ListOptions, onRows: (rows: Row[]) => void): () => void {
    checkWhere(this.replica.schema, table, options.where);
    return this.live(() => this.list(table, options), onRows);
  }

  // ---- writes ----

  /** Upserts a row at once; `await` it for the row, or use `.local` and `.server` (see `WriteResult`). */
  save(table: string, values: Record<string, unknown>): WriteResult {
    return this.write(saveRow(this.replica, table, values));
  }

  /** Tombstones a row and what its delete cascades to, at once; same result as `save`. */
  delete(table: string, uid: string): WriteResult {
    return this.write(deleteRow(this.replica, table, uid));
  }

  /** Resolves once every local change made before the call was answered by the server and every scope of this tab is ready. */
  async whenSynced(): Promise<void> {
    const changes = await waitingChanges(this.replica);
    const changesOrState = (listener: () => void): () => void => {
      const stopChanges = this.onReplicaChange(listener);
      const stopState = this.states.onState(listener);
      return () => { stopChanges(); stopState(); };
    };
    await until(changesOrState, async () => this.scopes.claims.allSettled && (await answered(this.replica, changes)),
      () => this.closed);
  }

  // ---- the outbox and the rejections ----

  /** Every row with a change the server has not answered (`pending`, `sent`) or a refusal not dealt with (`rejected`). */
  outbox(): Promise<OutboxItem[]> {
    return outboxItems(this.replica);
  }

  /** One row's status: `synced`, `pending`, `sent` or `rejected`. */
  syncStatus(table: string, uid: string): Promise<OutboxStatus | 'synced'> {
    return rowStatus(this.replica, table, uid);
  }

  /** `live` of the outbox. */
  watchOutbox(onItems: (items: OutboxItem[]) => void): () => void {
    return this.live(() => this.outbox(), onItems);
  }

  /** Local changes the server refused or overrode (conflicts lost, parents deleted...), as they come back. */
  onRejected(listener: (rejections: Rejection[]) => void): () => void {
    this.rejectionListeners.add(listener);
    return () => this.rejectionListeners.delete(listener);
  }

  /** Every rejection kept (with the refused local values) and not yet dealt with, oldest first; they survive reloads. */
  rejections(): Promise<RejectionRecord[]> {
    return listRejections(this.replica.db);
  }

  /** Forgets a rejection the app has shown; the outcome stands. False when no record has this id. */
  async acknowledge(id: string): Promise<boolean> {
    const found = await acknowledgeRejection(this.replica, id);
    await this.relay.recorded();
    return found;
  }

  /** "Keep mine": writes the refused values again on top of the server's row, a new change (applied, or refused again). */
  retry(id: string): WriteResult {
    return this.write(retryRejection(this.replica, id), () => this.relay.recorded());
  }

  /** "Keep theirs": gives up the refused values and any later change of the row not yet sent; false when no record has this id. */
  async discard(id: string): Promise<boolean> {
    const done = await discardRejection(this.replica, id);
    if (done) this.relay.settle(done.settlements);
    await this.relay.recorded();
    return done !== undefined;
  }

  // ---- sync state ----

  get state(): ClientState {
    return this.states.state;
  }

  onState(listener: (state: ClientState) => void): () => void {
    return this.states.onState(listener);
  }

  /** Tables changed in the replica (by this tab, another tab, a sync or an event). */
  onChange(listener: (tables: Set<string>) => void): () => void {
    const tables = (changed: Set<string>): void => {
      const real = new Set([...changed].filter((t) => t !== OUTBOX));
      if (real.size > 0) listener(real);
    };
    return this.onReplicaChange(tables);
  }

  /** The server's schema differs from the replica's: reopen the client (a reload) to migrate. Called at once if already known. */
  onSchemaChange(listener: (serverVersion: string) => void): () => void {
    return this.schemaWatch.onChange(listener);
  }

  /** Asks for a sync now (the leader runs it when its link is up): after a new token, say. */
  sync(): void {
    this.relay.toLeader('sync');
  }

  /** Releases this tab's scopes, closes the socket, hands the leadership over, closes the database. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.relay.close();
    this.link.stop();
    for (const cleanup of this.cleanups) cleanup();
    await this.scopes.close();
    await this.tabs.close();
    this.replica.db.close();
  }

  // ---- internals ----

  private async start(declared: ReturnType<typeof scopeOf>[]): Promise<void> {
    this.cleanups.push(this.relay.listen(this.replica));
    this.cleanups.push(this.link.listen());
    this.cleanups.push(this.states.onState((s) => this.scopes.claims.follow(s.progress, s.refusedScopes)));
    this.tabs.alive = () => this.scopes.alive();
    await this.scopes.start();
    for (const scope of declared) this.scopes.add(scope);
    await this.tabs.start();
    await this.refreshCounts();
    if (this.options.connect !== false && !this.options.schema) void this.schemaWatch.check().catch(() => undefined);
  }

  private write(write: Promise<LocalWrite>, after?: () => Promise<void>): WriteResult {
    return this.writes.track(write.then(async (w) => {
      await after?.();
      await this.refreshCounts();
      this.relay.toLeader('outbox');
      return w;
    }));
  }

  /** Every change of the replica, the outbox's included (what reactive reads follow). */
  private onReplicaChange(listener: (tables: Set<string>) => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  private changed(tables: Set<string>): void {
    for (const listener of [...this.changeListeners]) listener(tables);
    void this.refreshCounts();
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
