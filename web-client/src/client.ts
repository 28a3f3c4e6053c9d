/**
 * The Tidemark client: a replica of the app's scopes in IndexedDB that the app reads and writes
 * at once, kept in sync with the server by its leader tab: on every (re)connection it subscribes
 * every scope, waits for each READY, then syncs (I7); between syncs it applies live events. Scopes
 * come and go at runtime (`scope()`); every write has a local and a server outcome; the outbox and
 * the rejection records are durable and queryable. Generic over the app's generated `Schema`
 * (`tidemark-codegen`): table names, rows, wheres and save inputs are then checked by the compiler.
 */
import { LeaderLink } from './client/leader-link.js';
import { LinkSwitch } from './client/link-switch.js';
import type { ClientState, TidemarkOptions } from './client/options.js';
import { loadSchema } from './client/schema-source.js';
import { SchemaWatch } from './client/schema-watch.js';
import type { LiveReader } from './client/live-reader.js';
import { LiveReads } from './client/live-reads.js';
import { RejectionDesk } from './client/rejection-desk.js';
import { StateHub } from './client/state-hub.js';
import { TabRelay } from './client/tab-relay.js';
import { answered, outboxItems, rowStatus, waitingChanges, type OutboxItem, type OutboxStatus } from './outbox/outbox-status.js';
import { WriteTracker, type WriteResult } from './outbox/write-tracker.js';
import { deleteRow, saveRow, type LocalWrite } from './replica/local-writes.js';
import { openReplicaDb, type MigrationReport } from './replica/replica-db.js';
import { Replica, type ListOptions } from './replica/replica.js';
import type { Rejection, RejectionRecord, Row } from './replica/types.js';
import { checkWhere } from './replica/where-check.js';
import type { Where } from './replica/where.js';
import { SchemaIndex } from './schema/sync-schema.js';
import type { RowOf, SaveValues, TableName, UntypedSchema, WhereOf } from './schema/typed-schema.js';
import type { ScopeHandle } from './scopes/scope-claims.js';
import { ScopeCoordinator } from './scopes/scope-coordinator.js';
import { scopeOf } from './scopes/scope-key.js';
import { countRejections } from './sync/rejections.js';
import { livenessFor, TabCoordinator } from './tabs/tab-coordinator.js';
import { GraphQLHttp } from './transport/graphql-http.js';

export type { ClientState, ScopeDeclaration, ScopeProgress, TidemarkOptions } from './client/options.js';

export class TidemarkClient<S = UntypedSchema> {
  private readonly states: StateHub;
  private readonly writes = new WriteTracker();
  private readonly scopes: ScopeCoordinator;
  private readonly link: LeaderLink;
  private readonly schemaWatch: SchemaWatch;
  private readonly linkSwitch: LinkSwitch;
  private readonly relay: TabRelay;
  private readonly reads: LiveReads;
  private readonly desk: RejectionDesk;
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
    this.reads = new LiveReads(replica, () => this.closed);
    this.desk = new RejectionDesk(replica, () => this.relay, (write, after) => this.write(write, after));
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
    this.linkSwitch = new LinkSwitch(replica.db, tabs, (on) => {
      this.link.setSwitch(on);
      this.states.set({ switchedOff: !on });
    });
  }

  /**
   * Opens the replica at once from the schema stored with it (a first start fetches the server's),
   * whatever the network and the token; the leader tab then connects and syncs in the background.
   * A declared scope whose where the schema refuses rejects the opening (`WhereError`).
   */
  static async open<S = UntypedSchema>(options: TidemarkOptions<NoInfer<S>>): Promise<TidemarkClient<S>> {
    const dbName = options.dbName ?? 'tidemark';
    const http = new GraphQLHttp(`${options.url}/graphql`, options.fetch, options.requestTimeoutMs ?? 30_000, options.token);
    const schema = options.schema ?? (await loadSchema(http, dbName));
    const index = new SchemaIndex(schema);
    const declared = (options.scopes ?? []).map((d: { table: string; where?: unknown; id?: string }, i) => {
      checkWhere(index, d.table, d.where, `scopes[${i}].where`);
      return scopeOf(d.table, d.where as Where | null | undefined, d.id);
    });
    const holder: { client?: TidemarkClient<S> } = {};
    const opened = await openReplicaDb(dbName, schema, () => holder.client?.blocked());
    const replica = new Replica(opened.db, index, declared);
    const tabs = new TabCoordinator(dbName, (leader) => holder.client?.relay.lead(leader), { leaseMs: options.leaseMs });
    const client = new TidemarkClient<S>(replica, opened.migration, http, tabs, options as TidemarkOptions, dbName);
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
  scope<T extends TableName<S>>(table: T, where?: WhereOf<S, T> | null, options: { id?: string } = {}): ScopeHandle {
    checkWhere(this.replica.schema, table, where);
    const handle = this.scopes.add(scopeOf(table, where as Where | null | undefined, options.id));
    this.scopes.claims.follow(this.state.progress, this.state.refusedScopes); // held by another tab already: ready now
    return handle;
  }

  // ---- reads ----

  get<T extends TableName<S>>(table: T, uid: string): Promise<RowOf<S, T> | undefined> {
    return this.replica.get(table, uid) as Promise<RowOf<S, T> | undefined>;
  }

  /** Rows matching a where; a where the schema refuses rejects with a `WhereError`. */
  list<T extends TableName<S>>(table: T, options?: ListOptions<WhereOf<S, T>>): Promise<RowOf<S, T>[]> {
    return this.replica.list(table, options as ListOptions) as Promise<RowOf<S, T>[]>;
  }

  /**
   * Runs a read now and again after each change to a table it read through `db` (its argument);
   * calls back when its result differs, unchanged rows by the same objects as before. A read that
   * reads nothing through `db` runs again after every change. Errors go to `onError` (by default
   * the state's `lastError`) and the read runs again after the next change.
   */
  live<V>(read: (db: LiveReader<S>) => Promise<V>, onValue: (value: V) => void, onError?: (error: Error) => void): () => void {
    return this.reads.live(read as unknown as (db: LiveReader) => Promise<V>, onValue,
      onError ?? ((e) => this.states.set({ lastError: e.message })));
  }

  /** `live` of a list; a where the schema refuses throws a `WhereError` at once. */
  watchList<T extends TableName<S>>(table: T, options: ListOptions<WhereOf<S, T>>, onRows: (rows: RowOf<S, T>[]) => void): () => void {
    checkWhere(this.replica.schema, table, options.where);
    return this.live((db) => db.list(table, options), onRows);
  }

  // ---- writes ----

  /** Upserts a row at once; `await` it for the row, or use `.local` and `.server` (see `WriteResult`). */
  save<T extends TableName<S>>(table: T, values: SaveValues<S, T>): WriteResult<RowOf<S, T>> {
    return this.write(saveRow(this.replica, table, values as Record<string, unknown>)) as WriteResult<RowOf<S, T>>;
  }

  /** Tombstones a row and what its delete cascades to, at once; same result as `save`. */
  delete<T extends TableName<S>>(table: T, uid: string): WriteResult<RowOf<S, T>> {
    return this.write(deleteRow(this.replica, table, uid)) as WriteResult<RowOf<S, T>>;
  }

  /** Resolves once every local change made before the call was answered by the server and every scope of this tab is ready. */
  async whenSynced(): Promise<void> {
    const changes = await waitingChanges(this.replica);
    await this.reads.until(async () => this.scopes.claims.allSettled && (await answered(this.replica, changes)),
      (listener) => this.states.onState(listener));
  }

  // ---- the outbox and the rejections ----

  /** Every row with a change the server has not answered (`pending`, `sent`) or a refusal not dealt with (`rejected`). */
  outbox(): Promise<OutboxItem<TableName<S>>[]> {
    return outboxItems(this.replica) as Promise<OutboxItem<TableName<S>>[]>;
  }

  /** One row's status: `synced`, `pending`, `sent` or `rejected`. */
  syncStatus(table: TableName<S>, uid: string): Promise<OutboxStatus | 'synced'> {
    return rowStatus(this.replica, table, uid);
  }

  /** `live` of the outbox. */
  watchOutbox(onItems: (items: OutboxItem<TableName<S>>[]) => void): () => void {
    return this.live((db) => db.outbox(), onItems);
  }

  /** Local changes the server refused or overrode (conflicts lost, parents deleted...), as they come back. */
  onRejected(listener: (rejections: Rejection[]) => void): () => void {
    return this.desk.onRejected(listener);
  }

  /** Every rejection kept (with the refused local values) and not yet dealt with, oldest first; they survive reloads. */
  rejections(): Promise<RejectionRecord[]> {
    return this.desk.list();
  }

  /** Forgets a rejection the app has shown; the outcome stands. False when no record has this id. */
  acknowledge(id: string): Promise<boolean> {
    return this.desk.acknowledge(id);
  }

  /** "Keep mine": writes the refused values again on top of the server's row, a new change (applied, or refused again). */
  retry(id: string): WriteResult {
    return this.desk.retry(id);
  }

  /** "Keep theirs": gives up the refused values and any later change of the row not yet sent; false when no record has this id. */
  discard(id: string): Promise<boolean> {
    return this.desk.discard(id);
  }

  // ---- sync state ----

  get state(): ClientState {
    return this.states.state;
  }

  onState(listener: (state: ClientState) => void): () => void {
    return this.states.onState(listener);
  }

  /** Tables changed in the replica (by this tab, another tab, a sync or an event). */
  onChange(listener: (tables: Set<TableName<S>>) => void): () => void {
    return this.reads.onTables(listener as (tables: Set<string>) => void);
  }

  /** The server's schema differs from the replica's: reopen the client (a reload) to migrate. Called at once if already known. */
  onSchemaChange(listener: (serverVersion: string) => void): () => void {
    return this.schemaWatch.onChange(listener);
  }

  /** The replica's own online switch (every tab, kept across reloads): false closes the socket and sends nothing until true. */
  setOnline(online: boolean): Promise<void> {
    return this.linkSwitch.set(online);
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
    this.cleanups.push(await this.linkSwitch.load()); // before leading: a link switched off never starts up
    await this.scopes.start();
    for (const scope of declared) this.scopes.add(scope);
    await this.tabs.start();
    await this.refreshCounts();
    if (this.options.connect !== false && !this.options.schema && this.linkSwitch.isOn) void this.schemaWatch.check().catch(() => undefined);
  }

  private write(write: Promise<LocalWrite>, after?: () => Promise<void>): WriteResult {
    return this.writes.track(write.then(async (w) => {
      await after?.();
      await this.refreshCounts();
      this.relay.toLeader('outbox');
      return w;
    }));
  }

  private changed(tables: Set<string>): void {
    this.reads.changed(tables);
    void this.refreshCounts();
  }

  private reject(rejections: Rejection[]): void {
    this.desk.told(rejections);
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
