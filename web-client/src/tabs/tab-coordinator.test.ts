import { describe, expect, it } from 'vitest';
import 'fake-indexeddb/auto';
import { freshName } from '../test-support/replica-fixture.js';
import { TabCoordinator, type TabMessage } from './tab-coordinator.js';

async function until(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A tab leading by the lease, the fallback where Web Locks are missing (Node 20 has none). */
const leaseTab = (name: string, onLeadership: (leader: boolean) => void, leaseMs: number, shared = true): TabCoordinator =>
  new TabCoordinator(name, onLeadership, { leaseMs, shared, locks: null });

describe('tabs sharing one replica, without Web Locks', () => {
  it('should elect exactly one leader and hand over when it closes', async () => {
    const name = freshName();
    const leads = { a: false, b: false };
    const tabA = leaseTab(name, (l) => (leads.a = l), 1500);
    const tabB = leaseTab(name, (l) => (leads.b = l), 1500);
    await tabA.start();
    await tabB.start();
    expect(leads).toEqual({ a: true, b: false });
    await sleep(1700); // renewals keep the lease: still one leader after it
    expect(leads).toEqual({ a: true, b: false });
    await tabA.close();
    await until(() => leads.b);
    expect(tabB.isLeader).toBe(true);
    await tabB.close();
  });

  it('should take over from a leader that stopped renewing and answers nothing once its lease expired', async () => {
    const name = freshName();
    let bLeads = false;
    const tabA = leaseTab(name, () => undefined, 400, false);
    await tabA.start();
    freeze(tabA); // a frozen tab: no renewals, no answers, no goodbye
    const tabB = leaseTab(name, (l) => (bLeads = l), 400, false);
    await tabB.start();
    expect(bLeads).toBe(false);
    await until(() => bLeads);
    await tabA.close();
    await tabB.close();
  });

  it('should keep a leader whose timers are throttled (a hidden tab) as long as it answers the others', async () => {
    const name = freshName();
    const leads = { a: false, b: false };
    const flips: string[] = [];
    const tabA = leaseTab(name, (l) => { leads.a = l; flips.push(`a:${l}`); }, 300);
    const tabB = leaseTab(name, (l) => { leads.b = l; flips.push(`b:${l}`); }, 300);
    await tabA.start();
    await tabB.start();
    throttle(tabA); // no more renewals by its timer: only a question from tab B wakes it
    await sleep(1500); // five leases
    expect(flips).toEqual(['a:true']);
    expect(leads).toEqual({ a: true, b: false });
    freeze(tabA); // now it answers nothing either: tab B takes over
    await until(() => leads.b);
    await tabA.close();
    await tabB.close();
  });

  it('should say nothing once closed, without throwing: a request in flight may end after its tab closed', async () => {
    const name = freshName();
    const tab = leaseTab(name, () => undefined, 1000);
    const other = leaseTab(name, () => undefined, 1000);
    await tab.start();
    await other.start();
    const heard: TabMessage[] = [];
    other.onMessage((m) => heard.push(m));
    await tab.close();
    await sleep(50);
    heard.length = 0;
    expect(() => tab.post({ type: 'sync' })).not.toThrow();
    await sleep(50);
    expect(heard).toEqual([]);
    await other.close();
  });

  it('should deliver messages to the other tabs of the same replica only', async () => {
    const name = freshName();
    const one = leaseTab(name, () => undefined, 3000);
    const two = leaseTab(name, () => undefined, 3000);
    const other = leaseTab(`${name}-other`, () => undefined, 3000);
    const got: { two: TabMessage[]; other: TabMessage[]; one: TabMessage[] } = { two: [], other: [], one: [] };
    two.onMessage((m) => got.two.push(m));
    other.onMessage((m) => got.other.push(m));
    one.onMessage((m) => got.one.push(m));
    one.post({ type: 'changed', tables: ['Group'] });
    await until(() => got.two.length === 1);
    expect(got).toEqual({ two: [{ type: 'changed', tables: ['Group'] }], other: [], one: [] });
    await Promise.all([one.close(), two.close(), other.close()]);
  });
});

interface LeaseInternals { lease: { timer: ReturnType<typeof setInterval>; closed: boolean } }

/** Stops the tab's renewal timer, as a browser throttling a hidden tab's timers does. */
function throttle(tab: TabCoordinator): void {
  clearInterval((tab as unknown as LeaseInternals).lease.timer);
}

/** Stops everything the tab does, as a frozen or crashed tab. */
function freeze(tab: TabCoordinator): void {
  throttle(tab);
  (tab as unknown as LeaseInternals).lease.closed = true;
}
