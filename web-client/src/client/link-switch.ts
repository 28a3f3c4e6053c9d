/**
 * The app's own online/offline switch (`client.setOnline`), one per replica: while it is off the
 * leader's link stays down whatever the network says (no socket, no request), so a user can work
 * offline on purpose, on a phone too. It is stored in the replica, so that every tab, the next
 * leader and the next opening (a reload) find it as it was left, and told to the other tabs.
 */
import { META, type ReplicaDb } from '../replica/replica-db.js';
import type { TabCoordinator, TabMessage } from '../tabs/tab-coordinator.js';

const KEY = 'linkSwitch';

export class LinkSwitch {
  private on = true;
  /** A tab's message came before the stored value was read: it is the newer one. */
  private told = false;

  constructor(
    private readonly db: ReplicaDb,
    private readonly tabs: TabCoordinator,
    /** Called with the switch's position whenever it moves (here or in another tab), and once loaded. */
    private readonly changed: (on: boolean) => void,
  ) {}

  /** Whether the link may run (the network permitting). */
  get isOn(): boolean {
    return this.on;
  }

  /** Reads the stored position (on when never set) and follows the other tabs'; returns how to stop following. */
  async load(): Promise<() => void> {
    const stop = this.tabs.onMessage((message) => this.receive(message));
    const stored = (await this.db.get(META, KEY)) as { value: { on: boolean } } | undefined;
    if (!this.told) this.move(stored?.value.on ?? true);
    return stop;
  }

  /** Moves the switch for every tab of the replica, stored before it is told, so that a tab leading next reads it. */
  async set(on: boolean): Promise<void> {
    await this.db.put(META, { key: KEY, value: { on } });
    this.told = true;
    this.move(on);
    this.tabs.post({ type: 'link', on });
  }

  private receive(message: TabMessage): void {
    if (message.type !== 'link') return;
    this.told = true;
    this.move(message.on);
  }

  private move(on: boolean): void {
    this.on = on;
    this.changed(on);
  }
}
