/**
 * One device of the fault test: a non-admin user's replica (one dbName) with one or two tabs (a
 * TidemarkClient each, in this process: they share fake-indexeddb's factory and Node's global
 * BroadcastChannel, as tabs of one origin share IndexedDB), its own network (a FaultProxy and the
 * `online`/`offline` signal), its token (expirable, refreshable), and the Ledger that watches its
 * syncs and the rejections its tabs report.
 */
import { TidemarkClient, type ScopeDeclaration, type ScopeHandle } from '../../src/index.js';
import type { Rejection } from '../../src/replica/types.js';
import type { FetchLike } from '../../src/transport/graphql-http.js';
import type { Cluster } from './cluster.js';
import { FaultProxy } from './fault-proxy.js';
import { crash } from './crash.js';
import { trace, tracedWebSocket } from './trace.js';
import type { Ledger } from './ledger.js';

/**
 * Every table but the documents' events, its where left to the user's row policy: what the user may
 * see is what it syncs. Events come with the documents the app opens: a scope per open document,
 * added and removed at runtime (`client.scope`), as the demo does.
 */
export const SCOPES: ScopeDeclaration[] = ['User', 'Group', 'UserGroup', 'UserDocument'].map((table) => ({ table }));

/** The scope of one open document's events. */
export const docScope = (doc: string) => ({ table: 'UserDocumentEvent', where: { documentUid: { eq: doc } } });

/** Opening a tab longer than this is a finding: the replica is out of the app's reach meanwhile. */
export const SLOW_OPEN_MS = 5_000;

export interface Tab {
  name: string;
  client: TidemarkClient | null;
  /** The documents this tab has open: the scope of each one's events, and how many times it was opened. */
  docs: Map<string, { handle: ScopeHandle; uses: number }>;
}

export class Device {
  readonly tabs: Tab[];
  readonly network = new EventTarget();
  /** The device believes it is offline (the `offline` event was sent). */
  signalledOffline = false;
  private currentToken = '';
  tokenExpiresAt = Infinity;

  private constructor(
    readonly name: string,
    readonly user: string,
    readonly dbName: string,
    readonly proxy: FaultProxy,
    private readonly cluster: Cluster,
    readonly ledger: Ledger,
    tabNames: string[],
  ) {
    this.tabs = tabNames.map((n) => ({ name: n, client: null, docs: new Map() }));
  }

  static async create(cluster: Cluster, ledger: Ledger, name: string, user: string, dbName: string, tabNames: string[]): Promise<Device> {
    const proxy = await FaultProxy.start(() => cluster.ports());
    const device = new Device(name, user, dbName, proxy, cluster, ledger, tabNames);
    await device.refreshToken();
    return device;
  }

  get openTabs(): (Tab & { client: TidemarkClient })[] {
    return this.tabs.filter((t): t is Tab & { client: TidemarkClient } => t.client !== null);
  }

  /** The token the app holds now. */
  get token(): string {
    return this.currentToken;
  }

  get tokenExpired(): boolean {
    return Date.now() >= this.tokenExpiresAt;
  }

  async refreshToken(): Promise<void> {
    this.currentToken = await this.cluster.token({ user: this.user });
    this.tokenExpiresAt = Infinity;
  }

  /** From now on the app holds a token that expires in `seconds` (as a session does). */
  async shortToken(seconds: number): Promise<void> {
    this.currentToken = await this.cluster.token({ user: this.user }, seconds);
    this.tokenExpiresAt = Date.now() + seconds * 1000;
  }

  /**
   * Opens a tab. Returns the time it took; throws what open() threw. The tab's rejections go to
   * the ledger; its syncs are watched through the fetch it is given.
   */
  async open(tab: Tab): Promise<number> {
    const started = Date.now();
    const client = await TidemarkClient.open({
      url: this.proxy.url,
      dbName: this.dbName,
      scopes: SCOPES,
      token: () => this.currentToken,
      webSocketImpl: tracedWebSocket(this.name, tab.name),
      connectivity: this.network,
      fetch: this.watchedFetch(tab.name),
      keepAliveMs: 1000,
      pongTimeoutMs: 2000,
      minBackoffMs: 100,
      maxBackoffMs: 1000,
      leaseMs: 1500,
      // A document's events leave the replica as soon as no open tab has it open: the oracle (I1) knows exactly what to expect.
      releasedScopeTtlMs: 0,
    });
    tab.client = client;
    client.onRejected((rejections: Rejection[]) => this.ledger.told(this.name, tab.name, rejections));
    return Date.now() - started;
  }

  async close(tab: Tab): Promise<void> {
    const client = tab.client;
    tab.client = null;
    tab.docs.clear(); // a page's scopes do not outlive it
    await client?.close();
  }

  /** The tab dies without a word: its timers, channel, link and database stop where they are (see crash.ts). */
  crash(tab: Tab): void {
    const client = tab.client;
    tab.client = null;
    tab.docs.clear();
    if (client) crash(client);
  }

  /** The documents whose events the device's replica must hold: those its open tabs have open. */
  get openDocs(): Set<string> {
    return new Set(this.openTabs.flatMap((t) => [...t.docs.keys()]));
  }

  /** The network goes (with or without the `offline` signal); the proxy breaks every connection. */
  cut(fault: 'refuse' | 'silent', signal: boolean): void {
    this.proxy.cut(fault);
    if (signal && !this.signalledOffline) {
      this.signalledOffline = true;
      this.network.dispatchEvent(new Event('offline'));
    }
  }

  restore(): void {
    this.proxy.restore();
    if (this.signalledOffline) {
      this.signalledOffline = false;
      this.network.dispatchEvent(new Event('online'));
    }
  }

  async dispose(): Promise<void> {
    await Promise.all(this.tabs.map((t) => this.close(t)));
    await this.proxy.stop();
    await new Promise<void>((resolve) => {
      const request = indexedDB.deleteDatabase(this.dbName);
      request.onsuccess = request.onerror = request.onblocked = () => resolve();
    });
  }

  /** fetch, with every sync request and answer shown to the ledger. */
  private watchedFetch(tab: string): FetchLike {
    return async (url, init) => {
      const request = JSON.parse(init.body) as { query: string; variables: { input?: Record<string, unknown> } };
      const isSync = request.query.startsWith('mutation Sync(');
      const sent = isSync ? this.ledger.sending(this.name, request.variables.input!, tab) : undefined;
      let response: Response;
      let text: string;
      try {
        response = await fetch(url, init);
        text = await response.text();
      } catch (e) {
        if (sent) this.ledger.noAnswer(sent);
        throw e;
      }
      if (sent) this.ledger.answered(sent, response.status, text);
      trace(this.name, { tab, request, status: response.status, answer: text });
      return { ok: response.ok, status: response.status, json: async () => JSON.parse(text) as unknown };
    };
  }
}
