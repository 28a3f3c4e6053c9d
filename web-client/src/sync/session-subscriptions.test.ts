import { describe, expect, it } from 'vitest';
import type { Client } from 'graphql-ws';
import type { Scope } from '../replica/types.js';
import { SessionSubscriptions, type LiveSubscription } from './session-subscriptions.js';

type Sink = { next(message: unknown): void; error(e: unknown): void; complete(): void };

/** A graphql-ws client whose subscriptions the test drives: one sink per subscribe, and the unsubscribed ones. */
function fakeClient() {
  const sinks = new Map<string, Sink>();
  const unsubscribed: string[] = [];
  const client = {
    subscribe(payload: { variables: { where: { id: string } } }, sink: Sink) {
      const id = payload.variables.where.id;
      sinks.set(id, sink);
      return () => unsubscribed.push(id);
    },
  } as unknown as Client;
  const ready = (id: string) => sinks.get(id)!.next({ data: { groupChanged: { operation: 'READY', uid: null, version: null, cursor: 'c', row: null } } });
  const upsert = (id: string) => sinks.get(id)!.next({ data: { groupChanged: { operation: 'UPSERT', uid: 'u', version: 2, cursor: 'c', row: {} } } });
  return { client, ready, upsert, unsubscribed };
}

const scope = (id: string): Scope => ({ id, table: 'Group', where: { id } as never });
const sub = (id: string): LiveSubscription => ({ scope: scope(id), query: 'subscription', field: 'groupChanged' });

describe('the subscriptions of a session', () => {
  it('should report every scope ready at first, then each scope added later alone, and ignore a removed one', async () => {
    const fake = fakeClient();
    const reports: [string[], string[] | 'all'][] = [];
    const events: string[] = [];
    const session = new SessionSubscriptions(fake.client, [sub('a')], {
      ready: (ready, _refused, fresh) => reports.push([ready.map((s) => s.id), fresh === 'all' ? 'all' : fresh.map((s) => s.id)]),
      event: (s) => events.push(s.id), error: () => undefined, end: () => undefined,
    }, () => 10);
    session.start();
    fake.ready('a');
    session.add(sub('b'));
    fake.ready('b');
    expect(reports).toEqual([[['a'], 'all'], [['a', 'b'], ['b']]]);
    session.remove('a');
    expect(fake.unsubscribed).toEqual(['a']);
    fake.upsert('a'); // late: after the unsubscribe
    fake.upsert('b');
    expect(events).toEqual(['b']);
  });

  it('should make its first report when the scope it still awaited is removed', () => {
    const { session, reports } = awaitingB();
    expect(reports).toEqual([]); // b's READY still awaited
    session.remove('b');
    expect(reports).toEqual([['a']]);
  });

  it('should report nothing once stopped, even when the scope it still awaited is removed', () => {
    // The link removes scopes from the session it had last; once that session ended, a first
    // report from it would tell the engine a dead session is ready.
    const { session, reports } = awaitingB();
    session.stop();
    session.remove('b');
    expect(reports).toEqual([]);
  });
});

/** A session of scopes a and b, started, with a's READY in and b's awaited; its reports, as lists of ready scopes. */
function awaitingB() {
  const fake = fakeClient();
  const reports: string[][] = [];
  const session = new SessionSubscriptions(fake.client, [sub('a'), sub('b')], {
    ready: (ready) => reports.push(ready.map((s) => s.id)), event: () => undefined, error: () => undefined, end: () => undefined,
  }, () => 10);
  session.start();
  fake.ready('a');
  return { session, reports };
}
