import { describe, expect, it } from 'vitest';
import 'fake-indexeddb/auto';
import { openReplicaDb } from '../replica/replica-db.js';
import { demoSchema } from '../test-support/demo-schema.js';
import { freshName } from '../test-support/replica-fixture.js';
import { TabCoordinator, type TabMessage } from './tab-coordinator.js';

async function until(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('tabs sharing one replica', () => {
  it('should elect exactly one leader and hand over when it closes', async () => {
    const name = freshName();
    const a = await openReplicaDb(name, demoSchema, () => undefined);
    const b = await openReplicaDb(name, demoSchema, () => undefined);
    const leads = { a: false, b: false };
    const tabA = new TabCoordinator(a.db, name, (l) => (leads.a = l), 1500);
    const tabB = new TabCoordinator(b.db, name, (l) => (leads.b = l), 1500);
    await tabA.start();
    await tabB.start();
    expect(leads).toEqual({ a: true, b: false });
    await new Promise((r) => setTimeout(r, 1700)); // renewals keep the lease: still one leader after it
    expect(leads).toEqual({ a: true, b: false });
    await tabA.close();
    await until(() => leads.b);
    expect(tabB.isLeader).toBe(true);
    await tabB.close();
    a.db.close();
    b.db.close();
  });

  it('should take over from a leader that stopped renewing once its lease expired', async () => {
    const name = freshName();
    const a = await openReplicaDb(name, demoSchema, () => undefined);
    const b = await openReplicaDb(name, demoSchema, () => undefined);
    let bLeads = false;
    const tabA = new TabCoordinator(a.db, name, () => undefined, 400, false);
    await tabA.start();
    (tabA as unknown as { closed: boolean }).closed = true; // a frozen tab: no renewals, no goodbye
    const tabB = new TabCoordinator(b.db, name, (l) => (bLeads = l), 400, false);
    await tabB.start();
    expect(bLeads).toBe(false);
    await until(() => bLeads);
    await tabA.close();
    await tabB.close();
    a.db.close();
    b.db.close();
  });

  it('should deliver messages to the other tabs of the same replica only', async () => {
    const name = freshName();
    const { db } = await openReplicaDb(name, demoSchema, () => undefined);
    const one = new TabCoordinator(db, name, () => undefined);
    const two = new TabCoordinator(db, name, () => undefined);
    const other = new TabCoordinator(db, `${name}-other`, () => undefined);
    const got: { two: TabMessage[]; other: TabMessage[]; one: TabMessage[] } = { two: [], other: [], one: [] };
    two.onMessage((m) => got.two.push(m));
    other.onMessage((m) => got.other.push(m));
    one.onMessage((m) => got.one.push(m));
    one.post({ type: 'changed', tables: ['Group'] });
    await until(() => got.two.length === 1);
    expect(got).toEqual({ two: [{ type: 'changed', tables: ['Group'] }], other: [], one: [] });
    await Promise.all([one.close(), two.close(), other.close()]);
    db.close();
  });
});
