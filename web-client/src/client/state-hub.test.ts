import { describe, expect, it } from 'vitest';
import 'fake-indexeddb/auto';
import { TabCoordinator } from '../tabs/tab-coordinator.js';
import { freshName } from '../test-support/replica-fixture.js';
import type { ClientState } from './options.js';
import { StateHub } from './state-hub.js';

async function until(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A tab's state hub wired to its coordinator as the client wires them. */
async function tab(name: string): Promise<{ tabs: TabCoordinator; hub: StateHub }> {
  const holder: { hub?: StateHub } = {};
  const tabs = new TabCoordinator(name, (leader) => holder.hub?.set({ leader }), { locks: null });
  const hub = new StateHub(tabs);
  holder.hub = hub;
  tabs.onMessage((m) => {
    if (m.type === 'state') hub.fromLeader(m.state as Partial<ClientState>);
    if (m.type === 'hello') hub.announce();
  });
  await tabs.start();
  return { tabs, hub };
}

describe('the link state across tabs', () => {
  it('should show a tab opened after the leader settled the leader\'s link state, not a blank one', async () => {
    const name = freshName();
    const leader = await tab(name);
    leader.hub.set({ online: true, lastSyncAt: '2026-11-30T10:00:00.000Z', pending: 3 });
    await new Promise((r) => setTimeout(r, 50)); // settled: nothing changes any more
    const late = await tab(name);
    await until(() => late.hub.state.online);
    expect(late.hub.state).toMatchObject({ online: true, lastSyncAt: '2026-11-30T10:00:00.000Z', leader: false, pending: 0 });
    await late.tabs.close();
    await leader.tabs.close();
  });
});
