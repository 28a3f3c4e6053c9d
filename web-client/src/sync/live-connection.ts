/**
 * The realtime link: one graphql-ws connection per session, every scope subscribed on it. A
 * session ends on close, error, a missing pong (a dead link browsers would keep open) or the
 * `offline` signal; the next one starts after a backoff with jitter, or at once on `online`.
 * A subscription the server refuses (a where it rejects, one subscription too many) leaves that
 * scope out of the session; the others go on.
 */
import { createClient, type Client } from 'graphql-ws';
import type { ChangeEvent, Scope } from '../replica/types.js';
import { currentToken, type TokenSource } from '../transport/graphql-http.js';
import { SessionSubscriptions, type LiveSubscription, type RefusedScope } from './session-subscriptions.js';

export type { LiveSubscription, RefusedScope } from './session-subscriptions.js';

export interface LiveOptions {
  url: string;
  webSocketImpl?: unknown;
  /** Sent as `{Authorization: 'Bearer <token>'}` in the connection_init payload of every connection. */
  token?: TokenSource;
  /** Interval of keep-alive pings. */
  keepAliveMs: number;
  /** A ping not answered within this time ends the session. */
  pongTimeoutMs: number;
  minBackoffMs: number;
  maxBackoffMs: number;
  random?: () => number;
}


export interface LiveHandlers {
  /**
   * Every subscription of the session delivered READY or was refused: sync the ready scopes now
   * (I7); later, a scope added meanwhile delivered its READY (`fresh`: sync it alone).
   */
  onReady(session: number, ready: Scope[], refused: RefusedScope[], fresh: Scope[] | 'all'): void;
  onEvent(session: number, scope: Scope, event: ChangeEvent): void;
  /** The session ended (with the socket's close code, if it closed); events of it will not come any more. */
  onDown(session: number, reason: string, closeCode: number | null): void;
  onError(error: Error): void;
}

export class LiveConnection {
  private client: Client | undefined;
  private session = 0;
  private attempts = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private running = false;
  private scopes: SessionSubscriptions | undefined;

  constructor(
    private readonly options: LiveOptions,
    private subscriptions: LiveSubscription[],
    private readonly handlers: LiveHandlers,
    private online = true,
  ) {}

  /** The scopes to subscribe from now on: those added are subscribed on the live session, those gone unsubscribed. */
  setSubscriptions(subscriptions: LiveSubscription[]): void {
    const before = new Map(this.subscriptions.map((s) => [s.scope.id, s]));
    const after = new Set(subscriptions.map((s) => s.scope.id));
    this.subscriptions = subscriptions;
    for (const id of before.keys()) if (!after.has(id)) this.scopes?.remove(id);
    for (const sub of subscriptions) if (!before.has(sub.scope.id)) this.scopes?.add(sub);
  }

  get connected(): boolean {
    return this.client !== undefined;
  }

  start(): void {
    this.running = true;
    this.connect();
  }

  stop(): void {
    this.running = false;
    clearTimeout(this.timer);
    this.end(this.session, 'stopped');
  }

  /** `offline` closes the socket at once (browsers keep dead sockets open); `online` reconnects now. */
  setOnline(online: boolean): void {
    this.online = online;
    if (!online) {
      clearTimeout(this.timer);
      this.end(this.session, 'offline');
      return;
    }
    this.attempts = 0;
    clearTimeout(this.timer);
    this.connect();
  }

  /** Ends the current session (a failed sync on it, say) and reconnects after a backoff. */
  restart(reason: string): void {
    this.end(this.session, reason);
  }

  private connect(): void {
    if (!this.running || !this.online || this.client) return;
    const session = ++this.session;
    let pongTimer: ReturnType<typeof setTimeout> | undefined;
    // graphql-ws waits for the socket to open without a limit; a handshake lost on a dead link would hang.
    const openTimer = setTimeout(() => this.end(session, 'no connection ack: dead link'), 2 * this.options.pongTimeoutMs);
    const client = createClient({
      url: this.options.url,
      webSocketImpl: quiet(this.options.webSocketImpl),
      lazy: false,
      retryAttempts: 0,
      connectionParams: async () => {
        const token = await currentToken(this.options.token);
        return token ? { Authorization: `Bearer ${token}` } : {};
      },
      keepAlive: this.options.keepAliveMs,
      connectionAckWaitTimeout: this.options.pongTimeoutMs,
      on: {
        connected: () => {
          clearTimeout(openTimer);
          this.attempts = 0;
        },
        ping: (received) => {
          if (!received) pongTimer = setTimeout(() => this.end(session, 'no pong: dead link'), this.options.pongTimeoutMs);
        },
        pong: (received) => { if (received) clearTimeout(pongTimer); },
        closed: (event) => {
          clearTimeout(pongTimer);
          clearTimeout(openTimer);
          const code = (event as { code?: number }).code;
          this.end(session, `closed ${code ?? ''}`, typeof code === 'number' ? code : null);
        },
        error: () => this.end(session, 'socket error'),
      },
    });
    this.client = client;
    this.scopes = new SessionSubscriptions(client, this.subscriptions, {
      ready: (ready, refused, fresh) => { if (session === this.session) this.handlers.onReady(session, ready, refused, fresh); },
      event: (scope, event) => { if (session === this.session) this.handlers.onEvent(session, scope, event); },
      error: (error) => this.handlers.onError(error),
      end: (reason) => this.end(session, reason),
    }, (attempts) => this.delay(attempts));
    this.scopes.start();
  }

  private end(session: number, reason: string, closeCode: number | null = null): void {
    if (session !== this.session || !this.client) return;
    const client = this.client;
    this.client = undefined;
    this.scopes?.stop();
    client.terminate();
    void client.dispose();
    this.handlers.onDown(session, reason, closeCode);
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (!this.running || !this.online) return;
    this.timer = setTimeout(() => this.connect(), this.delay(this.attempts++));
  }

  /** Exponential backoff with jitter: no thundering herd after a restart. */
  private delay(attempts: number): number {
    const ceiling = Math.min(this.options.maxBackoffMs, this.options.minBackoffMs * 2 ** attempts);
    return ceiling / 2 + (this.options.random ?? Math.random)() * (ceiling / 2);
  }
}

/**
 * The `ws` package (Node) emits an 'error' event when a socket still connecting is closed, and an
 * EventEmitter throws an error nobody listens to; graphql-ws has stopped listening by then.
 */
function quiet(impl: unknown): unknown {
  const base = impl as (new (...args: unknown[]) => { on(event: string, listener: () => void): void }) | undefined;
  if (typeof base !== 'function' || typeof base.prototype?.on !== 'function') return impl;
  return class extends base {
    constructor(...args: unknown[]) {
      super(...args);
      this.on('error', () => undefined);
    }
  };
}
