/**
 * The realtime link: one graphql-ws connection per session, every scope subscribed on it. A
 * session ends on close, error, a missing pong (a dead link browsers would keep open) or the
 * `offline` signal; the next one starts after a backoff with jitter, or at once on `online`.
 */
import { createClient, type Client } from 'graphql-ws';
import type { ChangeEvent, Scope } from '../replica/types.js';
import { currentToken, type TokenSource } from '../transport/graphql-http.js';

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

export interface LiveSubscription {
  scope: Scope;
  query: string;
  field: string;
}

export interface LiveHandlers {
  /** Every subscription of the session delivered READY: sync now (I7). */
  onReady(session: number): void;
  onEvent(session: number, scope: Scope, event: ChangeEvent): void;
  /** The session ended; events of it will not come any more. */
  onDown(session: number, reason: string): void;
  onError(error: Error): void;
}

export class LiveConnection {
  private client: Client | undefined;
  private session = 0;
  private attempts = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private running = false;

  constructor(
    private readonly options: LiveOptions,
    private readonly subscriptions: LiveSubscription[],
    private readonly handlers: LiveHandlers,
    private online = true,
  ) {}

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
          this.end(session, `closed ${(event as { code?: number }).code ?? ''}`);
        },
        error: () => this.end(session, 'socket error'),
      },
    });
    this.client = client;
    const ready = new Set<string>();
    for (const sub of this.subscriptions) {
      client.subscribe<Record<string, ChangeEvent>>(
        { query: sub.query, variables: { where: sub.scope.where } },
        {
          next: (message) => {
            if (message.errors?.length) {
              this.handlers.onError(new Error(`Subscription of scope ${sub.scope.id} refused: ${message.errors[0]!.message}`));
              return;
            }
            const event = message.data?.[sub.field];
            if (!event || session !== this.session) return;
            if (event.operation === 'READY') {
              ready.add(sub.scope.id);
              if (ready.size === this.subscriptions.length) this.handlers.onReady(session);
            } else {
              this.handlers.onEvent(session, sub.scope, event);
            }
          },
          error: (error) => {
            const closed = typeof (error as { code?: unknown })?.code === 'number';
            if (!closed) this.handlers.onError(new Error(`Subscription of scope ${sub.scope.id} failed: ${describe(error)}`));
            this.end(session, 'subscription ended');
          },
          complete: () => this.end(session, 'subscription completed'),
        },
      );
    }
  }

  private end(session: number, reason: string): void {
    if (session !== this.session || !this.client) return;
    const client = this.client;
    this.client = undefined;
    client.terminate();
    void client.dispose();
    this.handlers.onDown(session, reason);
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (!this.running || !this.online) return;
    const ceiling = Math.min(this.options.maxBackoffMs, this.options.minBackoffMs * 2 ** this.attempts);
    const delay = ceiling / 2 + (this.options.random ?? Math.random)() * (ceiling / 2); // jitter: no thundering herd after a restart
    this.attempts++;
    this.timer = setTimeout(() => this.connect(), delay);
  }
}

function describe(error: unknown): string {
  if (Array.isArray(error)) return error.map((e) => (e as { message?: string }).message).join('; ');
  return (error as { message?: string })?.message ?? String(error);
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
