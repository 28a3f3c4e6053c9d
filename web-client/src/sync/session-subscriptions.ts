/**
 * The subscriptions of one realtime session: every scope subscribed, its READY awaited. A scope
 * the server refuses for good (a where it rejects, one subscription too many) is left out of the
 * session, one refused for a passing reason (the server busy or failing inside) is subscribed
 * again after a backoff; either way the other scopes are reported ready and synced meanwhile,
 * and the scope joins them when its READY comes. Scopes are added and removed while the session
 * lives: an added one is reported ready alone when its READY comes, a removed one is unsubscribed
 * and its later messages ignored.
 */
import type { Client } from 'graphql-ws';
import type { ChangeEvent, Scope } from '../replica/types.js';

export interface LiveSubscription {
  scope: Scope;
  query: string;
  field: string;
}

/** A scope whose subscription the server refused, with its error; `retrying` when it is subscribed again later. */
export interface RefusedScope {
  id: string;
  code: string | null;
  message: string;
  retrying: boolean;
}

export interface SessionHandlers {
  /**
   * Every scope is READY, refused or waiting to be subscribed again (`fresh` 'all': sync them all);
   * called again as more become READY (`fresh`: the scope whose READY just came) or are refused (none).
   */
  ready(ready: Scope[], refused: RefusedScope[], fresh: Scope[] | 'all'): void;
  event(scope: Scope, event: ChangeEvent): void;
  error(error: Error): void;
  /** The session cannot go on (a scope that was live failed: it may have missed events). */
  end(reason: string): void;
}

/**
 * Codes of a refusal the server repeats for the same subscription. Not UNAUTHENTICATED: a refused
 * token closes the socket (4403) instead; on a connection the server accepted it is a passing fault.
 */
const FINAL = new Set(['BAD_USER_INPUT', 'LIMIT_EXCEEDED', 'FORBIDDEN', 'ValidationError']);

export class SessionSubscriptions {
  private readonly ready = new Set<string>();
  private readonly refused = new Map<string, RefusedScope>();
  private readonly retries = new Map<string, { attempts: number; timer: ReturnType<typeof setTimeout> }>();
  private readonly live = new Map<string, { sub: LiveSubscription; unsubscribe: () => void }>();
  private ended = false;
  /** Whether the first report (every scope of the session's start settled) was made. */
  private reported = false;

  constructor(
    private readonly client: Client,
    private readonly subscriptions: LiveSubscription[],
    private readonly handlers: SessionHandlers,
    private readonly backoff: (attempts: number) => number,
  ) {}

  start(): void {
    for (const sub of this.subscriptions) this.subscribe(sub);
    if (this.subscriptions.length === 0) this.report([]);
  }

  /** Ends the session's subscriptions: nothing is reported after, not even the first report a later `remove()` would complete. */
  stop(): void {
    this.ended = true;
    for (const retry of this.retries.values()) clearTimeout(retry.timer);
  }

  /** Subscribes a scope added while the session lives. */
  add(sub: LiveSubscription): void {
    if (this.ended || this.live.has(sub.scope.id)) return;
    this.subscribe(sub);
  }

  /** Unsubscribes a scope removed while the session lives; its later messages are ignored. */
  remove(id: string): void {
    const live = this.live.get(id);
    this.live.delete(id);
    clearTimeout(this.retries.get(id)?.timer);
    this.retries.delete(id);
    this.ready.delete(id);
    this.refused.delete(id);
    live?.unsubscribe();
    if (!this.reported) this.report([]); // the last one awaited may be this one
  }

  private subscribe(sub: LiveSubscription): void {
    const current = (): boolean => !this.ended && this.live.get(sub.scope.id)?.sub === sub;
    const unsubscribe = this.client.subscribe<Record<string, ChangeEvent>>(
      { query: sub.query, variables: { where: sub.scope.where } },
      {
        next: (message) => {
          if (!current()) return;
          if (message.errors?.length) return this.failed(sub, message.errors);
          const event = message.data?.[sub.field];
          if (!event) return;
          if (event.operation !== 'READY') return this.handlers.event(sub.scope, event);
          this.ready.add(sub.scope.id);
          this.refused.delete(sub.scope.id);
          this.retries.delete(sub.scope.id);
          this.report([sub.scope]);
        },
        error: (error) => {
          if (!current()) return;
          if (Array.isArray(error)) return this.failed(sub, error); // an `error` message: the server refused this subscription
          const closed = typeof (error as { code?: unknown })?.code === 'number';
          if (!closed) this.handlers.error(new Error(`Subscription of scope ${sub.scope.id} failed: ${describe(error)}`));
          this.handlers.end('subscription ended');
        },
        complete: () => {
          if (current() && this.ready.has(sub.scope.id)) this.handlers.end('subscription completed');
        },
      },
    );
    this.live.set(sub.scope.id, { sub, unsubscribe });
  }

  private failed(sub: LiveSubscription, errors: readonly unknown[]): void {
    const id = sub.scope.id;
    const message = `Subscription of scope ${id} refused: ${describe(errors)}`;
    this.handlers.error(new Error(message));
    if (this.ready.has(id)) return this.handlers.end('subscription failed'); // it may have missed events: a new session resyncs
    const code = codeOf(errors);
    const retrying = code === null || !FINAL.has(code);
    this.refused.set(id, { id, code, message, retrying });
    if (retrying) {
      clearTimeout(this.retries.get(id)?.timer); // one retry at a time, however many ways the refusal came
      const attempts = this.retries.get(id)?.attempts ?? 0;
      this.retries.set(id, { attempts: attempts + 1, timer: setTimeout(() => { if (this.live.get(id)?.sub === sub && !this.ended) this.subscribe(sub); }, this.backoff(attempts)) });
    }
    this.report([]);
  }

  private report(fresh: Scope[]): void {
    if (this.ended) return; // the link may still remove scopes from its ended session: it is not ready
    const subs = [...this.live.values()].map((l) => l.sub);
    if (!this.reported && this.ready.size + this.refused.size < subs.length) return; // READYs still awaited
    const first = !this.reported;
    this.reported = true;
    this.handlers.ready(subs.filter((s) => this.ready.has(s.scope.id)).map((s) => s.scope), [...this.refused.values()], first ? 'all' : fresh);
  }
}

function codeOf(errors: readonly unknown[]): string | null {
  const first = errors[0] as { extensions?: { code?: unknown; classification?: unknown } } | undefined;
  const code = first?.extensions?.code ?? first?.extensions?.classification;
  return typeof code === 'string' ? code : null;
}

export function describe(error: unknown): string {
  if (Array.isArray(error)) return error.map((e) => (e as { message?: string }).message).join('; ');
  return (error as { message?: string })?.message ?? String(error);
}
