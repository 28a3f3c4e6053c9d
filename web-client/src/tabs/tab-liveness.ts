/**
 * Whether the other tabs of a replica are still alive, so that the leader releases the scopes of a
 * tab that closed or died without saying so (a crash, a discarded tab, a killed browser). Where
 * the browser has Web Locks every tab holds a lock of its own for its lifetime, which the browser
 * releases when the tab goes, however it goes: the leader waits for that lock and learns of the
 * death when it is granted. Elsewhere (Node 20, `http://<LAN address>`) every tab that does not
 * lead says it is alive over the tabs' channel every third of `leaseMs`; a tab silent for a lease is
 * asked once more (a hidden tab's timers may be throttled, its message events are not) and counted
 * gone if it is still silent a period later.
 */

export interface TabLiveness {
  /** Takes this tab's own sign of life (its lock), before it tells anyone it holds scopes. */
  start(): Promise<void>;
  /** Calls `gone` once, when `tab` is known to be gone. Watching a tab already watched does nothing. */
  watch(tab: string, gone: () => void): void;
  /** A message came from `tab`: it is alive (the lease variant counts it). */
  heard(tab: string): void;
  /** Stops watching every tab (this tab no longer leads). */
  unwatchAll(): void;
  close(): void;
}

/** Liveness by Web Locks: each tab holds `tidemark-tab:<dbName>:<tab>` until it goes. */
export class LockLiveness implements TabLiveness {
  private release: (() => void) | undefined;
  private watching = new Map<string, AbortController>();

  constructor(private readonly locks: LockManager, private readonly prefix: string, private readonly tab: string) {}

  async start(): Promise<void> {
    await new Promise<void>((taken) => {
      void this.locks.request(this.name(this.tab), () => new Promise<void>((release) => {
        this.release = release;
        taken();
      })).catch(() => taken());
    });
  }

  watch(tab: string, gone: () => void): void {
    if (tab === this.tab || this.watching.has(tab)) return;
    const abort = new AbortController();
    this.watching.set(tab, abort);
    // Granted only once the tab's own hold on it ended: the tab closed or died.
    this.locks.request(this.name(tab), { signal: abort.signal }, () => {
      this.watching.delete(tab);
      gone();
    }).catch(() => undefined);
  }

  heard(): void {
    // The lock says it all.
  }

  unwatchAll(): void {
    for (const abort of this.watching.values()) abort.abort();
    this.watching.clear();
  }

  close(): void {
    this.unwatchAll();
    this.release?.();
  }

  private name(tab: string): string {
    return `${this.prefix}:${tab}`;
  }
}

/** Liveness by messages, where Web Locks are missing: see the module comment. */
export class LeaseLiveness implements TabLiveness {
  private readonly lastHeard = new Map<string, number>();
  private readonly watching = new Map<string, { gone: () => void; askedAt: number | null }>();
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly tab: string,
    private readonly leaseMs: number,
    /** Tells the others this tab lives (when it does not lead), or asks one tab whether it does. */
    private readonly signal: (message: { alive: true } | { ask: string }) => void,
    private readonly leads: () => boolean,
  ) {}

  async start(): Promise<void> {
    this.timer = setInterval(() => this.tick(), this.period);
  }

  watch(tab: string, gone: () => void): void {
    if (tab === this.tab || this.watching.has(tab)) return;
    if (!this.lastHeard.has(tab)) this.lastHeard.set(tab, Date.now()); // a lease of grace from now
    this.watching.set(tab, { gone, askedAt: null });
  }

  heard(tab: string): void {
    this.lastHeard.set(tab, Date.now());
    const watched = this.watching.get(tab);
    if (watched) watched.askedAt = null;
  }

  unwatchAll(): void {
    this.watching.clear();
  }

  close(): void {
    clearInterval(this.timer);
    this.watching.clear();
  }

  private get period(): number {
    return Math.max(100, this.leaseMs / 3);
  }

  private tick(): void {
    if (!this.leads()) this.signal({ alive: true });
    const now = Date.now();
    for (const [tab, watched] of this.watching) {
      if (now - (this.lastHeard.get(tab) ?? 0) < this.leaseMs) continue;
      if (watched.askedAt === null) {
        watched.askedAt = now;
        this.signal({ ask: tab });
      } else if (now - watched.askedAt >= this.period) {
        this.watching.delete(tab);
        this.lastHeard.delete(tab);
        watched.gone();
      }
    }
  }
}
