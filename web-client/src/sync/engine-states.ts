/**
 * The sync engine's states and events, and the shape of its one transition table
 * (`engine-table.ts`): for every state and every event, the next state (picked from the event and
 * the waiting work where the table allows several) with the cell's effects, the event ignored, or
 * the event impossible (a broken promise of the link or of the engine's own work, on which
 * `EngineMachine` throws).
 */
import type { ChangeEvent, Scope } from '../replica/types.js';
import type { RefusedScope } from './session-subscriptions.js';

export type State = 'idle' | 'down' | 'ready' | 'applying' | 'syncing' | 'applyingDown' | 'syncingDown' | 'syncingStale' | 'stopped';

export type Event =
  | { type: 'start' }
  | { type: 'stop' }
  | { type: 'scopesChanged'; scopes: Scope[] }
  | { type: 'syncWanted'; only?: Scope[] }
  | { type: 'sessionReady'; ready: Scope[]; refused: RefusedScope[] }
  | { type: 'scopesReady'; ready: Scope[]; refused: RefusedScope[]; fresh: Scope[] }
  | { type: 'change'; scope: Scope; event: ChangeEvent }
  | { type: 'sessionDown'; reason: string; closeCode: number | null }
  | { type: 'linkError'; error: Error }
  | { type: 'linkFailed' }
  | { type: 'applied' }
  | { type: 'cycleEnded' };

export type EventType = Event['type'];
export type EventOf<E extends EventType> = Extract<Event, { type: E }>;

/** What each state means, in one line (the README's legend). */
export const STATES: { readonly [S in State]: string } = {
  idle: 'built, not started',
  down: 'no session is ready (connecting, backing off, offline); nothing runs',
  ready: 'a session is ready; nothing runs',
  applying: 'a session is ready; one waiting live event is being applied, the others wait behind it',
  syncing: 'a session is ready; a sync cycle runs for it',
  applyingDown: 'the session ended while an event was applied; the apply ends on its own',
  syncingDown: 'the session ended while a cycle ran for it; the cycle stops before its next request',
  syncingStale: "a new session is ready while the ended session's cycle stops; its sync waits for that",
  stopped: 'stopped (this tab no longer leads, or the client closed); work that ran ends on its own',
};

/** Where each event comes from, in one line (the README's legend). */
export const EVENTS: { readonly [E in EventType]: string } = {
  start: 'the leader link starts the engine',
  stop: 'the leader link stops it',
  scopesChanged: "the tabs' union of scopes changed",
  syncWanted: 'the app asked (a write, `sync()`), a RESYNC event, or a retry after a backoff',
  sessionReady: "every subscription of a session is READY or refused (the session's first report)",
  scopesReady: 'a scope added to the session is READY, or the refused list changed',
  change: 'a live change event (UPSERT, DELETE, LEAVE_SCOPE)',
  sessionDown: 'the session ended (close, error, missing pong, offline, restart)',
  linkError: 'the link reports an error (a refused subscription, say)',
  linkFailed: 'a sync request failed in a way only a new link can cure',
  applied: 'the apply of one live event ended',
  cycleEnded: 'the sync cycle ended',
};

/** What runs in a state: nothing, the apply of one live event, or a sync cycle. */
export type Work = 'none' | 'apply' | 'cycle';

export const WORK: { readonly [S in State]: Work } = {
  idle: 'none', down: 'none', ready: 'none', applying: 'apply', syncing: 'cycle',
  applyingDown: 'apply', syncingDown: 'cycle', syncingStale: 'cycle', stopped: 'none',
};

/** The events that tell a work ended. */
export const ENDS: { readonly [E in EventType]?: Work } = { applied: 'apply', cycleEnded: 'cycle' };

/** What a cell may do to the engine: its link, its data, the app's state. */
export interface Effects {
  startLink(): void;
  stopLink(): void;
  setScopes(scopes: Scope[]): void;
  /** Asks for a sync of these scopes, or (none given) of every ready one. */
  want(only?: Scope[]): void;
  /** The session's ready and refused scopes; the link is up. */
  linkReady(ready: Scope[], refused: RefusedScope[]): void;
  checkSchema(): void;
  /** The session ended: its waiting events and wanted syncs go with it (the next session's sync heals them). */
  linkDown(reason: string, closeCode: number | null): void;
  enqueue(scope: Scope, event: ChangeEvent): void;
  restartLink(): void;
  reportError(error: Error): void;
}

/** The work waiting, from which a cell with several next states picks one. */
export interface Waiting {
  events: number;
  sync: boolean;
}

export type Cell<E extends EventType> =
  | { readonly kind: 'ignored'; readonly why: string }
  | { readonly kind: 'impossible'; readonly why: string }
  | {
      readonly kind: 'move';
      readonly to: readonly [State, ...State[]];
      readonly why: string;
      /** Required when `to` has several states. */
      readonly pick?: (waiting: Waiting, event: EventOf<E>) => State;
      readonly run?: (effects: Effects, event: EventOf<E>) => void;
    };

/** Every state × event written down: the compiler rejects a missing cell. */
export type Table = { readonly [S in State]: { readonly [E in EventType]: Cell<E> } };
