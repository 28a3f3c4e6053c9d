/**
 * Lets several tabs (client instances) of one app share one replica. All of them read and write
 * IndexedDB directly (its transactions keep the stores consistent); one of them, the leader (see
 * `leadership.ts`), alone talks to the server. A BroadcastChannel tells the others what changed,
 * the leader what to send, and a tab that joins the leader's link state (it asks with `hello`).
 */
import { newUid } from '../util/uid.js';
import { LeaseLeadership } from './lease-leadership.js';
import { LockLeadership, webLocks, type Leadership } from './leadership.js';
import { LeaseLiveness, LockLiveness, type TabLiveness } from './tab-liveness.js';

export type TabMessage =
  | { type: 'changed'; tables: string[] }
  | { type: 'outbox' }
  | { type: 'state'; state: unknown }
  | { type: 'rejected'; rejections: unknown[] }
  /** The server's outcome of changes (the leader's answers), for the write promises of every tab. */
  | { type: 'settled'; settlements: unknown[] }
  | { type: 'sync' }
  | { type: 'hello' }
  | { type: 'probe' }
  | { type: 'released' }
  /** A tab's scopes (all of them), to the leader; also its sign of life where Web Locks are missing. */
  | { type: 'claims'; tab: string; scopes: unknown[]; closing?: boolean }
  /** The leader asks every tab (or one, `tab`) for its scopes. */
  | { type: 'claims?'; tab?: string }
  /** The leader's union of every tab's scopes. */
  | { type: 'union'; scopes: unknown[] }
  /** The app's online/offline switch of the replica moved (`client.setOnline`). */
  | { type: 'link'; on: boolean };

export interface TabOptions {
  /** Lease of the fallback leadership (no Web Locks): a leader that stops answering is replaced after it. */
  leaseMs?: number;
  /** Whether tabs share a BroadcastChannel (false: this instance is alone, as in some tests). */
  shared?: boolean;
  /** The Web Locks to lead with; the context's by default, none to use the lease. */
  locks?: LockManager | null;
}

/** The tab liveness that goes with the leadership: Web Locks, else heartbeats over the channel (`tab-liveness.ts`). */
export function livenessFor(coordinator: TabCoordinator, name: string, leaseMs: number, locks: LockManager | null | undefined): TabLiveness {
  const manager = locks === undefined ? webLocks() : locks ?? undefined;
  if (manager) return new LockLiveness(manager, `tidemark-tab:${name}`, coordinator.tab);
  return new LeaseLiveness(coordinator.tab, leaseMs, (signal) => {
    if ('ask' in signal) coordinator.post({ type: 'claims?', tab: signal.ask });
    else coordinator.alive();
  }, () => coordinator.isLeader);
}

export class TabCoordinator {
  readonly tab = newUid();
  private readonly channel: BroadcastChannel | undefined;
  private readonly leadership: Leadership;
  private readonly lease: LeaseLeadership | undefined;
  private readonly messageListeners = new Set<(message: TabMessage) => void>();
  private closed = false;
  /** Called on each heartbeat of the lease liveness: the tab says it lives (its scopes, to the leader). */
  alive: () => void = () => undefined;

  constructor(name: string, onLeadership: (leader: boolean) => void, options: TabOptions = {}) {
    if (options.shared ?? typeof BroadcastChannel !== 'undefined') {
      this.channel = new BroadcastChannel(`tidemark:${name}`);
      this.channel.onmessage = (event: MessageEvent<TabMessage>) => this.receive(event.data);
    }
    const locks = options.locks === undefined ? webLocks() : options.locks ?? undefined;
    if (locks) {
      this.leadership = new LockLeadership(locks, `tidemark-leader:${name}`, onLeadership);
    } else {
      this.lease = new LeaseLeadership(name, this.tab, options.leaseMs ?? 3000, onLeadership, (m) => this.post(m));
      this.leadership = this.lease;
    }
  }

  get isLeader(): boolean {
    return this.leadership.isLeader;
  }

  /** Settles who leads, then asks the leader (if another tab) for its state. */
  async start(): Promise<void> {
    await this.leadership.start();
    if (!this.isLeader) this.post({ type: 'hello' });
  }

  onMessage(listener: (message: TabMessage) => void): () => void {
    this.messageListeners.add(listener);
    return () => this.messageListeners.delete(listener);
  }

  /** Tells the other tabs; nothing once this tab closed (an engine may finish a request after it: a closed channel would throw). */
  post(message: TabMessage): void {
    if (!this.closed) this.channel?.postMessage(message);
  }

  async close(): Promise<void> {
    await this.leadership.close();
    this.closed = true;
    this.channel?.close();
  }

  private receive(message: TabMessage): void {
    this.lease?.receive(message);
    for (const listener of [...this.messageListeners]) listener(message);
  }
}
