/**
 * The sync engine's transition table: every state × event written down, with a one-line reason.
 * `EngineMachine` runs it; the README's grid (web-client/README.md, "The engine's states") is
 * generated from it and checked against it by `engine-table.test.ts`.
 */
import type { Cell, Effects, EventOf, EventType, State, Table, Waiting } from './engine-states.js';

function move<E extends EventType>(
  to: State | readonly [State, ...State[]],
  why: string,
  run?: (effects: Effects, event: EventOf<E>) => void,
  pick?: (waiting: Waiting, event: EventOf<E>) => State,
): Cell<E> {
  return { kind: 'move', to: typeof to === 'string' ? [to] : to, why, run, pick };
}

const ignored = (why: string): Cell<EventType> => ({ kind: 'ignored', why });
const impossible = (why: string): Cell<EventType> => ({ kind: 'impossible', why });

const stopLink = (x: Effects): void => x.stopLink();
const setScopes = (x: Effects, e: EventOf<'scopesChanged'>): void => x.setScopes(e.scopes);
const want = (x: Effects, e: EventOf<'syncWanted'>): void => x.want(e.only);
const sessionUp = (x: Effects, e: EventOf<'sessionReady'>): void => {
  x.linkReady(e.ready, e.refused);
  x.checkSchema();
  x.want();
};
const scopesUp = (x: Effects, e: EventOf<'scopesReady'>): void => {
  x.linkReady(e.ready, e.refused);
  if (e.fresh.length > 0) x.want(e.fresh);
};
const enqueue = (x: Effects, e: EventOf<'change'>): void => x.enqueue(e.scope, e.event);
const linkDown = (x: Effects, e: EventOf<'sessionDown'>): void => x.linkDown(e.reason, e.closeCode);
const report = (x: Effects, e: EventOf<'linkError'>): void => x.reportError(e.error);
/** After a work ended: the events that waited (they came first), then a wanted sync, else nothing. */
const nextWork = (w: Waiting): State => (w.events > 0 ? 'applying' : w.sync ? 'syncing' : 'ready');
const freshOrNot = (_w: Waiting, e: EventOf<'scopesReady'>): State => (e.fresh.length > 0 ? 'syncing' : 'ready');

const ONCE = 'an engine is started once: the leader link builds a new one for each leadership';
const NOT_STARTED = 'the link starts with the engine: nothing of it comes before';
const NO_REQUESTS = 'only a running sync cycle sends requests';
const NO_APPLY = 'no event is being applied';
const NO_CYCLE = 'no sync cycle runs';
const FIRST_ONCE = "a session makes its first report once, and the next session starts only after this one's end";
const FIRST_FIRST = 'a session reports later READYs only after its first report, and nothing after its end';
const BEFORE_READY = "an event before its session's first report: the sync that report starts covers it";
const NEXT_READY = "no session is ready: the next one's first report syncs every scope";
const AFTER_STOP = 'stop() ended the session: its subscriptions report nothing after';
const NO_APPLY_IN_CYCLE = 'events wait while a cycle runs: none is being applied';

export const TABLE: Table = {
  idle: {
    start: move('down', 'the link connects; its first session\'s report will sync', (x) => x.startLink()),
    stop: move('stopped', 'stopped before it started', stopLink),
    scopesChanged: move('idle', 'the scopes to subscribe once started', setScopes),
    syncWanted: ignored("not started: the first session's report syncs every scope"),
    sessionReady: impossible(NOT_STARTED),
    scopesReady: impossible(NOT_STARTED),
    change: impossible(NOT_STARTED),
    sessionDown: impossible(NOT_STARTED),
    linkError: impossible(NOT_STARTED),
    linkFailed: impossible(NO_REQUESTS),
    applied: impossible(NO_APPLY),
    cycleEnded: impossible(NO_CYCLE),
  },
  down: {
    start: impossible(ONCE),
    stop: move('stopped', 'the link closes', stopLink),
    scopesChanged: move('down', 'the next session subscribes these', setScopes),
    syncWanted: ignored(NEXT_READY),
    sessionReady: move('syncing', "sync the ready scopes (I7); read the server's schema again", sessionUp),
    scopesReady: impossible(FIRST_FIRST),
    change: ignored(BEFORE_READY),
    sessionDown: move('down', 'a session ended before its first report (a refused token is shown)', linkDown),
    linkError: move('down', 'shown as lastError', report),
    linkFailed: impossible(NO_REQUESTS),
    applied: impossible(NO_APPLY),
    cycleEnded: impossible(NO_CYCLE),
  },
  ready: {
    start: impossible(ONCE),
    stop: move('stopped', 'the link closes', stopLink),
    scopesChanged: move('ready', 'subscribed or unsubscribed on the live session', setScopes),
    syncWanted: move('syncing', 'a cycle of the wanted scopes starts', want),
    sessionReady: impossible(FIRST_ONCE),
    scopesReady: move(['syncing', 'ready'], 'fresh scopes: a cycle of them alone starts (none fresh: the refused list changed)', scopesUp, freshOrNot),
    change: move('applying', 'applied at once', enqueue),
    sessionDown: move('down', 'the next session syncs what this one would have told', linkDown),
    linkError: move('ready', 'shown as lastError', report),
    linkFailed: impossible(NO_REQUESTS),
    applied: impossible(NO_APPLY),
    cycleEnded: impossible(NO_CYCLE),
  },
  applying: {
    start: impossible(ONCE),
    stop: move('stopped', 'the link closes; the apply ends on its own', stopLink),
    scopesChanged: move('applying', 'waiting events of a removed scope are dropped', setScopes),
    syncWanted: move('applying', 'the sync waits for the events already waiting', want),
    sessionReady: impossible(FIRST_ONCE),
    scopesReady: move('applying', 'the cycle of the fresh scopes waits for the events', scopesUp),
    change: move('applying', 'waits behind the events already waiting, in order', enqueue),
    sessionDown: move('applyingDown', 'waiting events and syncs are dropped: the next session syncs', linkDown),
    linkError: move('applying', 'shown as lastError', report),
    linkFailed: impossible(NO_REQUESTS),
    applied: move(['applying', 'syncing', 'ready'], 'the next waiting event, else a wanted sync, else nothing', undefined, nextWork),
    cycleEnded: impossible(NO_CYCLE),
  },
  syncing: {
    start: impossible(ONCE),
    stop: move('stopped', 'the link closes; the cycle stops before its next request', stopLink),
    scopesChanged: move('syncing', 'the running cycle keeps its scopes; the next ones sync these', setScopes),
    syncWanted: move('syncing', 'one more cycle follows this one', want),
    sessionReady: impossible(FIRST_ONCE),
    scopesReady: move('syncing', 'a cycle of the fresh scopes follows this one', scopesUp),
    change: move('syncing', 'waits until the answer is applied: an older answer never overwrites a newer event', enqueue),
    sessionDown: move('syncingDown', 'the cycle stops before its next request; waiting events and syncs are dropped', linkDown),
    linkError: move('syncing', 'shown as lastError', report),
    linkFailed: move('syncing', 'a request found the link dead: it restarts, and its end follows', (x) => x.restartLink()),
    applied: impossible(NO_APPLY_IN_CYCLE),
    cycleEnded: move(['applying', 'syncing', 'ready'], 'the events that waited for the answer, else a sync wanted meanwhile, else nothing', undefined, nextWork),
  },
  applyingDown: {
    start: impossible(ONCE),
    stop: move('stopped', 'the apply ends on its own', stopLink),
    scopesChanged: move('applyingDown', 'the next session subscribes these', setScopes),
    syncWanted: ignored(NEXT_READY),
    sessionReady: move('applying', "the new session's sync starts once the event being applied is in", sessionUp),
    scopesReady: impossible(FIRST_FIRST),
    change: ignored(BEFORE_READY),
    sessionDown: move('applyingDown', 'another session ended before its first report', linkDown),
    linkError: move('applyingDown', 'shown as lastError', report),
    linkFailed: impossible(NO_REQUESTS),
    applied: move('down', 'the events that waited went with the session', undefined),
    cycleEnded: impossible(NO_CYCLE),
  },
  syncingDown: {
    start: impossible(ONCE),
    stop: move('stopped', 'the cycle stops before its next request', stopLink),
    scopesChanged: move('syncingDown', 'the next session subscribes these', setScopes),
    syncWanted: ignored(NEXT_READY),
    sessionReady: move('syncingStale', "the new session's sync waits until the old cycle has stopped", sessionUp),
    scopesReady: impossible(FIRST_FIRST),
    change: ignored(BEFORE_READY),
    sessionDown: move('syncingDown', 'another session ended before its first report', linkDown),
    linkError: move('syncingDown', 'shown as lastError', report),
    linkFailed: ignored("the failed request's session has ended already: the link is reconnecting"),
    applied: impossible(NO_APPLY_IN_CYCLE),
    cycleEnded: move('down', "the old cycle stopped; the next session's first report syncs", undefined),
  },
  syncingStale: {
    start: impossible(ONCE),
    stop: move('stopped', "the old cycle stops; the new session's sync never starts", stopLink),
    scopesChanged: move('syncingStale', 'the new session subscribes these', setScopes),
    syncWanted: move('syncingStale', "joins the new session's sync, which waits", want),
    sessionReady: impossible(FIRST_ONCE),
    scopesReady: move('syncingStale', "joins the new session's sync, which waits", scopesUp),
    change: move('syncingStale', 'waits until the old cycle has stopped', enqueue),
    sessionDown: move('syncingDown', 'the new session ended too: its waiting events and sync are dropped', linkDown),
    linkError: move('syncingStale', 'shown as lastError', report),
    linkFailed: ignored('the failed request belonged to the ended session: the ready one is not at fault'),
    applied: impossible(NO_APPLY_IN_CYCLE),
    cycleEnded: move(['applying', 'syncing'], "the new session's waiting events, then its sync", undefined, nextWork),
  },
  stopped: {
    start: impossible('a stopped engine is not started again: the leader link builds a new one'),
    stop: ignored('stopped already'),
    scopesChanged: ignored('a stopped engine subscribes nothing'),
    syncWanted: ignored('a stopped engine syncs nothing more (a late retry, say)'),
    sessionReady: impossible(AFTER_STOP),
    scopesReady: impossible(AFTER_STOP),
    change: impossible(AFTER_STOP),
    sessionDown: move('stopped', 'stop() ends the session, which says so: the app sees the link down', linkDown),
    linkError: ignored('a late error of the stopped link is no news'),
    linkFailed: ignored("a request of the last cycle failed after the stop: nothing restarts"),
    applied: ignored('the event that was being applied is in; nothing follows'),
    cycleEnded: ignored('the last cycle stopped (it reported syncing: false); nothing follows'),
  },
};
