/**
 * What the tabs of one replica tell each other, both ways: changed tables, rejections, the
 * server's outcomes of writes, the leader's state, scope claims, and the writes and sync requests
 * only the leader acts on; and the link, which moves with the leadership.
 */
import type { WriteTracker } from '../outbox/write-tracker.js';
import type { Replica } from '../replica/replica.js';
import type { Rejection } from '../replica/types.js';
import type { ScopeCoordinator } from '../scopes/scope-coordinator.js';
import type { Settlement } from '../sync/settlements.js';
import type { TabCoordinator, TabMessage } from '../tabs/tab-coordinator.js';
import type { LeaderLink } from './leader-link.js';
import { INITIAL_STATE, type ClientState } from './options.js';
import type { StateHub } from './state-hub.js';

/** What the relay needs of its client. */
export interface RelayedClient {
  /** Tables changed in the replica, by this tab or another: watchers re-run, counts refresh. */
  changed(tables: Set<string>): void;
  /** Rejections the leader's link got: the app's listeners hear them, counts refresh. */
  rejected(rejections: Rejection[]): void;
  refreshCounts(): Promise<void>;
  closed(): boolean;
}

export class TabRelay {
  /** Bumped on every leadership change and on close: a link start still waiting for an older one is dropped. */
  private leadership = 0;

  constructor(
    private readonly tabs: TabCoordinator,
    private readonly link: LeaderLink,
    private readonly states: StateHub,
    private readonly scopes: ScopeCoordinator,
    private readonly writes: WriteTracker,
    private readonly client: RelayedClient,
  ) {}

  /** A message of another tab. */
  receive(message: TabMessage): void {
    if (message.type === 'changed') this.client.changed(new Set(message.tables));
    else if (message.type === 'rejected') this.client.rejected(message.rejections as Rejection[]);
    else if (message.type === 'settled') this.writes.settle(message.settlements as Settlement[]);
    else if (message.type === 'state') this.states.fromLeader(message.state as Partial<ClientState>);
    else if (message.type === 'hello') this.states.announce();
    else if ((message.type === 'outbox' || message.type === 'sync') && this.tabs.isLeader) this.link.sync();
    else this.scopes.receive(message);
  }

  lead(leader: boolean): void {
    const generation = ++this.leadership;
    this.states.set({ leader });
    this.link.stop();
    if (leader) {
      // This tab now owns the link: until its own engine says otherwise, it is down.
      const { online, syncing, lastError, lastErrorCode, unauthenticated, refusedScopes, progress } = INITIAL_STATE;
      this.states.set({ online, syncing, lastError, lastErrorCode, unauthenticated, refusedScopes, progress });
    }
    void this.scopes.lead(leader).then(() => {
      if (generation === this.leadership && leader && !this.client.closed() && this.tabs.isLeader) this.link.start();
    });
  }

  /** The client closes: a leadership change under way starts no link. */
  close(): void {
    this.leadership++;
  }

  /** Follows the replica's changes (the other tabs' watchers re-run too) and the other tabs' messages; returns how to stop. */
  listen(replica: Replica): () => void {
    replica.onChange((tables) => {
      this.tabs.post({ type: 'changed', tables: [...tables] });
      this.client.changed(tables);
    });
    return this.tabs.onMessage((message) => this.receive(message));
  }

  /** Rejections this tab's link got: for this tab's listeners and the other tabs'. */
  rejected(rejections: Rejection[]): void {
    this.client.rejected(rejections);
    this.tabs.post({ type: 'rejected', rejections });
  }

  /** Outcomes decided in this tab (its link's answers, a discard): for its own writes and the other tabs'. */
  settle(settlements: Settlement[]): void {
    if (settlements.length === 0) return;
    this.writes.settle(settlements);
    this.tabs.post({ type: 'settled', settlements });
  }

  /** A sync asked for in this tab (`sync`), or a local write to send (`outbox`): the leader runs it. */
  toLeader(type: 'sync' | 'outbox'): void {
    if (this.tabs.isLeader) this.link.sync();
    else this.tabs.post({ type });
  }

  /** A rejection record ended (acknowledged, retried, discarded): counts and other tabs follow. */
  async recorded(): Promise<void> {
    await this.client.refreshCounts();
    this.tabs.post({ type: 'rejected', rejections: [] });
  }
}
