/**
 * A tab that dies without a word, as a crashed renderer or a killed browser does: its socket goes
 * (the operating system closes it), its timers and channel stop, its IndexedDB connection closes,
 * and nothing is said to the other tabs — no lease given back, no scopes released. The other tabs
 * must find out by themselves (the lease runs out, the liveness check fails). It reaches into the
 * client's internals: no public API kills a client without its goodbye, on purpose.
 */
import type { TidemarkClient } from '../../src/index.js';

interface Internals {
  closed: boolean;
  link: { stop(): void };
  tabs: { closed: boolean; channel?: BroadcastChannel; lease?: { timer: ReturnType<typeof setInterval>; closed: boolean } };
  scopes: { closed: boolean; liveness: { timer?: ReturnType<typeof setInterval>; close(): void } };
  replica: { db: { close(): void } };
}

export function crash(client: TidemarkClient): void {
  const inner = client as unknown as Internals;
  inner.closed = true;
  inner.link.stop();
  inner.tabs.closed = true; // its channel is gone: what the dead tab's pending work would post goes nowhere
  if (inner.tabs.channel) {
    inner.tabs.channel.onmessage = null;
    inner.tabs.channel.close();
  }
  if (inner.tabs.lease) {
    clearInterval(inner.tabs.lease.timer);
    inner.tabs.lease.closed = true;
  }
  inner.scopes.closed = true;
  clearInterval(inner.scopes.liveness.timer);
  inner.replica.db.close();
}
