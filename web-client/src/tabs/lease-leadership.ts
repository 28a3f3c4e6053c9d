/**
 * The leadership fallback where Web Locks are missing: a lease (tab, expiry) renewed every third
 * of `leaseMs` in a small database of its own, so renewals never queue behind the replica's data
 * transactions. A follower that finds the lease expired first asks the leader over the tabs'
 * channel (a hidden tab's timers may be throttled to one a minute, its message events are not) and
 * takes over only if the lease is still expired a renewal period later: a throttled leader keeps
 * leading, a frozen or dead one is replaced.
 */
import { openDB, type IDBPDatabase } from 'idb';
import type { Leadership } from './leadership.js';

interface Lease {
  tab: string;
  expires: number;
}

const STORE = 'lease';

export class LeaseLeadership implements Leadership {
  private db: IDBPDatabase<unknown> | undefined;
  private timer: ReturnType<typeof setInterval> | undefined;
  private leader = false;
  private closed = false;
  /** When this tab asked a silent leader whether it is alive; null when it has not. */
  private probedAt: number | null = null;

  constructor(
    private readonly name: string,
    private readonly tab: string,
    private readonly leaseMs: number,
    private readonly onChange: (leader: boolean) => void,
    private readonly post: (message: { type: 'probe' } | { type: 'released' }) => void,
  ) {}

  get isLeader(): boolean {
    return this.leader;
  }

  async start(): Promise<void> {
    this.db = await openDB(`${this.name}:leader`, 1, { upgrade: (db) => db.createObjectStore(STORE) });
    await this.renew();
    this.timer = setInterval(() => void this.renew(), this.period);
  }

  /** A message from another tab: a probe is answered by a renewal, a release by a try to take over. */
  receive(message: { type: string }): void {
    if (message.type === 'probe' && this.leader) void this.renew();
    if (message.type === 'released' && !this.leader) void this.renew();
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    if (this.leader) {
      this.setLeader(false);
      try {
        await this.db?.put(STORE, { tab: this.tab, expires: 0 } satisfies Lease, 'leader');
      } catch {
        // database already closed: the lease simply expires
      }
      this.post({ type: 'released' });
    }
    this.db?.close();
  }

  private get period(): number {
    return Math.max(100, this.leaseMs / 3);
  }

  /** Takes, renews or leaves the lease in one read-write transaction (IndexedDB serialises them: no two leaders). */
  private async renew(): Promise<void> {
    if (this.closed || !this.db) return;
    let leader = false;
    let probe = false;
    try {
      const tx = this.db.transaction(STORE, 'readwrite');
      const lease = (await tx.store.get('leader')) as Lease | undefined;
      const now = Date.now();
      const mine = !lease || lease.tab === this.tab || lease.expires === 0;
      const expired = lease !== undefined && lease.expires < now;
      if (!mine && expired && this.probedAt === null) probe = true;
      leader = mine || (expired && this.probedAt !== null && now - this.probedAt >= this.period);
      if (!expired) this.probedAt = null;
      if (leader) await tx.store.put({ tab: this.tab, expires: now + this.leaseMs } satisfies Lease, 'leader');
      await tx.done;
    } catch {
      leader = false; // database closing
    }
    if (probe) {
      this.probedAt = Date.now();
      this.post({ type: 'probe' });
    }
    if (!this.closed) this.setLeader(leader);
  }

  private setLeader(leader: boolean): void {
    if (leader === this.leader) return;
    this.leader = leader;
    if (leader) this.probedAt = null;
    this.onChange(leader);
  }
}
