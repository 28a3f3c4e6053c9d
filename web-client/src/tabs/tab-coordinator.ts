/**
 * Lets several tabs (client instances) of one app share one replica. All of them read and write
 * IndexedDB directly (its transactions keep the stores consistent); one of them, the leader,
 * holds a lease in the replica's meta store and alone talks to the server. A BroadcastChannel
 * tells the others what changed, and the leader what to send.
 */
import { META, type ReplicaDb } from '../replica/replica-db.js';

export type TabMessage =
  | { type: 'changed'; tables: string[] }
  | { type: 'outbox' }
  | { type: 'state'; state: unknown }
  | { type: 'rejected'; rejections: unknown[] }
  | { type: 'sync' }
  | { type: 'released' };

interface Lease {
  key: 'leader';
  tab: string;
  expires: number;
}

export class TabCoordinator {
  readonly tab = crypto.randomUUID();
  private readonly channel: BroadcastChannel | undefined;
  private timer: ReturnType<typeof setInterval> | undefined;
  private leader = false;
  private closed = false;
  private readonly messageListeners = new Set<(message: TabMessage) => void>();

  constructor(
    private readonly db: ReplicaDb,
    name: string,
    private readonly onLeadership: (leader: boolean) => void,
    private readonly leaseMs = 3000,
    shared = typeof BroadcastChannel !== 'undefined',
  ) {
    if (shared) {
      this.channel = new BroadcastChannel(`tidemark:${name}`);
      this.channel.onmessage = (event: MessageEvent<TabMessage>) => this.receive(event.data);
    }
  }

  get isLeader(): boolean {
    return this.leader;
  }

  async start(): Promise<void> {
    await this.renew();
    this.timer = setInterval(() => void this.renew(), Math.max(100, this.leaseMs / 3));
  }

  onMessage(listener: (message: TabMessage) => void): () => void {
    this.messageListeners.add(listener);
    return () => this.messageListeners.delete(listener);
  }

  post(message: TabMessage): void {
    this.channel?.postMessage(message);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    if (this.leader) {
      this.setLeader(false);
      try {
        await this.db.put(META, { key: 'leader', tab: this.tab, expires: 0 } satisfies Lease);
      } catch {
        // database already closed: the lease simply expires
      }
      this.post({ type: 'released' });
    }
    this.channel?.close();
  }

  private receive(message: TabMessage): void {
    if (message.type === 'released' && !this.leader) void this.renew();
    for (const listener of [...this.messageListeners]) listener(message);
  }

  /** Takes or renews the lease in one read-write transaction (IndexedDB serialises them: no two leaders). */
  private async renew(): Promise<void> {
    if (this.closed) return;
    let leader: boolean;
    try {
      const tx = this.db.transaction(META, 'readwrite');
      const lease = (await tx.store.get('leader')) as Lease | undefined;
      const now = Date.now();
      leader = !lease || lease.tab === this.tab || lease.expires < now;
      if (leader) await tx.store.put({ key: 'leader', tab: this.tab, expires: now + this.leaseMs } satisfies Lease);
      await tx.done;
    } catch {
      leader = false; // database closing (schema upgrade in another tab)
    }
    if (!this.closed) this.setLeader(leader);
  }

  private setLeader(leader: boolean): void {
    if (leader === this.leader) return;
    this.leader = leader;
    this.onLeadership(leader);
  }
}
