/**
 * The client's state as the app sees it: the leader's link (this tab's own engine, or what the
 * leader tab sends), and this tab's pending and rejection counts and leadership. The leader sends
 * its link fields on every change and to every tab that joins (`hello`), so a tab opened after
 * the leader settled shows the link as it is.
 */
import type { TabCoordinator } from '../tabs/tab-coordinator.js';
import { INITIAL_STATE, LEADER_FIELDS, type ClientState } from './options.js';

export class StateHub {
  private current: ClientState = { ...INITIAL_STATE };
  private readonly listeners = new Set<(state: ClientState) => void>();

  constructor(private readonly tabs: TabCoordinator) {}

  get state(): ClientState {
    return structuredClone(this.current);
  }

  onState(listener: (state: ClientState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  set(patch: Partial<ClientState>): void {
    const next = { ...this.current, ...patch };
    if (JSON.stringify(next) === JSON.stringify(this.current)) return;
    const linkChanged = LEADER_FIELDS.some((f) => JSON.stringify(next[f]) !== JSON.stringify(this.current[f]));
    this.current = next;
    if (linkChanged) this.announce();
    for (const listener of [...this.listeners]) listener(structuredClone(next));
  }

  /** The leader's link state, received from its tab. */
  fromLeader(state: Partial<ClientState>): void {
    if (this.tabs.isLeader) return;
    const patch: Partial<ClientState> = {};
    for (const field of LEADER_FIELDS) if (field in state) (patch as Record<string, unknown>)[field] = state[field];
    this.set(patch);
  }

  /** Sends the link state to the other tabs, if this tab leads. */
  announce(): void {
    if (!this.tabs.isLeader) return;
    const link = Object.fromEntries(LEADER_FIELDS.map((f) => [f, this.current[f]]));
    this.tabs.post({ type: 'state', state: link });
  }
}
