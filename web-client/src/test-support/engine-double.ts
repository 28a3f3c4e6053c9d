/**
 * A stand-in for the sync engine around a real `EngineMachine` and the real table: it records
 * the effects the cells call, keeps the waiting events and the wanted sync as the engine does, and
 * holds the work the machine starts until the test ends it (`endApply`, `endCycle`).
 */
import { EngineMachine, type Worker } from '../sync/engine-machine.js';
import type { Effects, Event, State, Waiting } from '../sync/engine-states.js';
import type { ChangeEvent, Scope } from '../replica/types.js';

export const scopeA: Scope = { id: 'a', table: 'Group', where: null };
export const scopeB: Scope = { id: 'b', table: 'Group', where: { name: { eq: 'b' } } };

export function change(version: number, scope: Scope = scopeA): Event {
  const event: ChangeEvent = { operation: 'UPSERT', uid: `u${version}`, version, cursor: `${version}@c`, row: null };
  return { type: 'change', scope, event };
}

/** One event of every type, for walking the table. */
export const SAMPLE: { [E in Event['type']]: Extract<Event, { type: E }> } = {
  start: { type: 'start' },
  stop: { type: 'stop' },
  scopesChanged: { type: 'scopesChanged', scopes: [scopeA] },
  syncWanted: { type: 'syncWanted' },
  sessionReady: { type: 'sessionReady', ready: [scopeA], refused: [] },
  scopesReady: { type: 'scopesReady', ready: [scopeA, scopeB], refused: [], fresh: [scopeB] },
  change: change(1) as Extract<Event, { type: 'change' }>,
  sessionDown: { type: 'sessionDown', reason: 'closed 1006', closeCode: 1006 },
  linkError: { type: 'linkError', error: new Error('refused') },
  linkFailed: { type: 'linkFailed' },
  applied: { type: 'applied' },
  cycleEnded: { type: 'cycleEnded' },
};

export class EngineDouble implements Effects, Worker {
  /** Every effect and work start, in order (`want:all`, `enqueue:3`, `startCycle:a,b`...). */
  readonly calls: string[] = [];
  queue: number[] = [];
  wanted: 'all' | Set<string> | null = null;
  /** Work started and not yet ended: the versions of events being applied, the scopes of cycles. */
  readonly applies: number[] = [];
  readonly cycles: string[] = [];
  readonly machine: EngineMachine;
  /** What the link does when stopped or restarted (a test's link model reports its session's end here). */
  onStopLink = (): void => undefined;
  onRestartLink = (): void => undefined;

  constructor(initial: State = 'idle', waiting: Partial<Waiting> = {}) {
    this.queue = Array.from({ length: waiting.events ?? 0 }, (_, i) => 100 + i);
    this.wanted = waiting.sync ? 'all' : null;
    this.machine = new EngineMachine(this, this, initial);
  }

  get state(): State {
    return this.machine.state;
  }

  dispatch(event: Event): void {
    this.machine.dispatch(event);
  }

  endApply(): number {
    const version = this.applies.shift();
    if (version === undefined) throw new Error('no apply runs');
    this.dispatch({ type: 'applied' });
    return version;
  }

  endCycle(): string {
    const scopes = this.cycles.shift();
    if (scopes === undefined) throw new Error('no cycle runs');
    this.dispatch({ type: 'cycleEnded' });
    return scopes;
  }

  // ---- Worker ----

  waiting(): Waiting {
    return { events: this.queue.length, sync: this.wanted !== null };
  }

  startApply(): void {
    const version = this.queue.shift();
    if (version === undefined) throw new Error('an apply started with no event waiting');
    this.applies.push(version);
    this.calls.push(`startApply:${version}`);
  }

  startCycle(): void {
    if (this.wanted === null) throw new Error('a cycle started with no sync wanted');
    const scopes = this.wanted === 'all' ? 'all' : [...this.wanted].join(',');
    this.wanted = null;
    this.cycles.push(scopes);
    this.calls.push(`startCycle:${scopes}`);
  }

  // ---- Effects ----

  startLink(): void {
    this.calls.push('startLink');
  }

  stopLink(): void {
    this.calls.push('stopLink');
    this.onStopLink();
  }

  setScopes(scopes: Scope[]): void {
    this.calls.push(`setScopes:${scopes.map((s) => s.id).join(',')}`);
  }

  want(only?: Scope[]): void {
    this.calls.push(`want:${only ? only.map((s) => s.id).join(',') : 'all'}`);
    this.wanted = !only || this.wanted === 'all' ? 'all' : new Set([...(this.wanted ?? []), ...only.map((s) => s.id)]);
  }

  linkReady(ready: Scope[]): void {
    this.calls.push(`linkReady:${ready.map((s) => s.id).join(',')}`);
  }

  checkSchema(): void {
    this.calls.push('checkSchema');
  }

  linkDown(): void {
    this.calls.push('linkDown');
    this.queue = [];
    this.wanted = null;
  }

  enqueue(_scope: Scope, event: ChangeEvent): void {
    this.calls.push(`enqueue:${event.version}`);
    this.queue.push(event.version as number);
  }

  restartLink(): void {
    this.calls.push('restartLink');
    this.onRestartLink();
  }

  reportError(error: Error): void {
    this.calls.push(`reportError:${error.message}`);
  }
}
