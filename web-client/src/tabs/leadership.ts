/**
 * Which tab of a replica leads (alone talks to the server). Where the browser has Web Locks
 * (`navigator.locks`: Chromium, Firefox, Safari) the leader holds an exclusive lock that the
 * browser hands to the next waiting tab when it closes or dies: no timers, no IndexedDB writes, so
 * a hidden tab's throttled timers or a long data transaction never flip leadership (each flip
 * costs a new socket and a full sync). Elsewhere (Node 20) a lease in a database of its own is the
 * fallback (`lease-leadership.ts`).
 */

export interface Leadership {
  /** Resolves once it is known whether this tab leads now (if not, it keeps waiting for its turn). */
  start(): Promise<void>;
  readonly isLeader: boolean;
  /** Gives up the leadership, or the wait for it, at once. */
  close(): Promise<void>;
}

/** The Web Locks API of this context, if it has one. */
export function webLocks(): LockManager | undefined {
  const locks = (globalThis as { navigator?: { locks?: LockManager } }).navigator?.locks;
  return typeof locks?.request === 'function' ? locks : undefined;
}

/** Leadership as an exclusive Web Lock named after the replica. */
export class LockLeadership implements Leadership {
  private leader = false;
  private closed = false;
  private release: (() => void) | undefined;
  private readonly abort = new AbortController();

  constructor(
    private readonly locks: LockManager,
    private readonly name: string,
    private readonly onChange: (leader: boolean) => void,
  ) {}

  get isLeader(): boolean {
    return this.leader;
  }

  async start(): Promise<void> {
    const granted = await new Promise<boolean>((resolve, reject) => {
      this.locks.request(this.name, { ifAvailable: true }, (lock) => {
        resolve(lock !== null);
        return lock === null ? undefined : this.hold();
      }).catch(reject);
    });
    if (!granted) {
      // Queued: the browser grants it when the leader's tab closes, crashes or releases it.
      this.locks.request(this.name, { signal: this.abort.signal }, () => this.hold()).catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    this.abort.abort();
    if (this.leader) {
      this.leader = false;
      this.onChange(false);
    }
    this.release?.();
  }

  /** Runs while the lock is held: until close. */
  private hold(): Promise<void> | undefined {
    if (this.closed) return undefined;
    this.leader = true;
    this.onChange(true);
    return new Promise((resolve) => {
      this.release = resolve;
    });
  }
}
