/**
 * The leader tab's link to the server: the sync engine it runs while it leads (none in a follower,
 * none with `connect: false`), and what lets it run: the `online`/`offline` signals of the page
 * and the app's own switch (`client.setOnline`); the link is up only while both allow it.
 */
import type { Replica } from '../replica/replica.js';
import type { Scope } from '../replica/types.js';
import { SyncEngine, type EngineHooks } from '../sync/sync-engine.js';
import type { GraphQLHttp } from '../transport/graphql-http.js';
import type { TidemarkOptions } from './options.js';

export class LeaderLink {
  private engine: SyncEngine | undefined;
  private networkOnline = (globalThis as { navigator?: { onLine?: boolean } }).navigator?.onLine ?? true;
  private switchedOn = true;

  constructor(
    private readonly replica: Replica,
    private readonly http: GraphQLHttp,
    private readonly options: TidemarkOptions,
    private readonly hooks: EngineHooks,
  ) {}

  /** Follows the `online`/`offline` events of the page (or the `connectivity` option); returns how to stop. */
  listen(): () => void {
    const target = this.options.connectivity ?? (typeof window !== 'undefined' ? window : undefined);
    if (!target) return () => undefined;
    const offline = (): void => { this.networkOnline = false; this.engine?.setOnline(this.allowed); };
    const online = (): void => { this.networkOnline = true; this.engine?.setOnline(this.allowed); };
    target.addEventListener('offline', offline);
    target.addEventListener('online', online);
    return () => { target.removeEventListener('offline', offline); target.removeEventListener('online', online); };
  }

  /** Starts the engine on the replica's current scopes (this tab leads now). */
  start(): void {
    this.stop();
    if (this.options.connect === false) return;
    const o = this.options;
    this.engine = new SyncEngine(this.replica, this.http, {
      url: o.wsUrl ?? `${o.url.replace(/^http/, 'ws')}/graphql`,
      webSocketImpl: o.webSocketImpl,
      token: o.token,
      keepAliveMs: o.keepAliveMs ?? 10_000,
      pongTimeoutMs: o.pongTimeoutMs ?? 5_000,
      minBackoffMs: o.minBackoffMs ?? 500,
      maxBackoffMs: o.maxBackoffMs ?? 30_000,
    }, this.hooks, this.allowed, { digestFrom: o.heldDigestFrom, verifyEvery: o.verifyEveryMs, pageSize: o.pageSize ?? 2000 });
    this.engine.start();
  }

  /** The app's switch moved: off closes the socket at once, on reconnects at once (the network permitting). */
  setSwitch(on: boolean): void {
    this.switchedOn = on;
    this.engine?.setOnline(this.allowed);
  }

  stop(): void {
    this.engine?.stop();
    this.engine = undefined;
  }

  private get allowed(): boolean {
    return this.networkOnline && this.switchedOn;
  }

  get running(): boolean {
    return this.engine !== undefined;
  }

  setScopes(scopes: Scope[]): void {
    this.engine?.setScopes(scopes);
  }

  sync(): void {
    void this.engine?.sync();
  }
}
