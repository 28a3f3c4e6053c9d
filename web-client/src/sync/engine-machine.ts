/**
 * Runs the sync engine's transition table: each event finds its cell, an impossible one throws,
 * otherwise the machine enters the next state, runs the cell's effects, and starts the work the
 * new state means (the apply of the next waiting event, or a sync cycle) when none runs. Events
 * are handled one at a time, in the order they come: one dispatched by an effect (the link
 * reporting its end while `stop()` closes it) waits until the current one is handled.
 */
import { ENDS, WORK, type Cell, type Effects, type Event, type EventType, type State, type Table, type Waiting, type Work } from './engine-states.js';
import { TABLE } from './engine-table.js';

/** An event came in a state where the table says it cannot: a broken promise of the link or of the engine's own work. */
export class EngineStateError extends Error {
  constructor(readonly state: State, readonly event: EventType, why: string) {
    super(`The sync engine got '${event}' in state '${state}', which cannot happen: ${why}`);
    this.name = 'EngineStateError';
  }
}

/** The engine's waiting work, and how to start it. */
export interface Worker {
  waiting(): Waiting;
  /** Applies the next waiting event; dispatches `applied` when it is in (or failed). */
  startApply(): void;
  /** Starts a cycle of the wanted sync; dispatches `cycleEnded` when it ends. */
  startCycle(): void;
}

export class EngineMachine {
  private current: State;
  /** Events to handle; the first is the one being handled. */
  private readonly inbox: Event[] = [];

  constructor(
    private readonly effects: Effects,
    private readonly worker: Worker,
    initial: State = 'idle',
    private readonly table: Table = TABLE,
  ) {
    this.current = initial;
  }

  get state(): State {
    return this.current;
  }

  /** Handles the event, after those already coming; throws the first `EngineStateError` they met. */
  dispatch(event: Event): void {
    this.inbox.push(event);
    if (this.inbox.length > 1) return; // an event is being handled: this one follows it
    let failure: unknown;
    while (this.inbox.length > 0) {
      try {
        this.step(this.inbox[0]!);
      } catch (e) {
        failure ??= e;
      } finally {
        this.inbox.shift();
      }
    }
    if (failure !== undefined) throw failure;
  }

  private step(event: Event): void {
    const from = this.current;
    // The table's row holds, under each event's type, the cell of that type (see `Table`).
    const cell = this.table[from][event.type] as Cell<EventType>;
    if (cell.kind === 'impossible') throw new EngineStateError(from, event.type, cell.why);
    if (cell.kind === 'ignored') return;
    const to = cell.pick ? cell.pick(this.worker.waiting(), event) : cell.to[0];
    if (!cell.to.includes(to)) throw new EngineStateError(from, event.type, `the table allows ${cell.to.join(' or ')}, not ${to}`);
    const running = runningAfter(from, event.type);
    if (running !== 'none' && WORK[to] !== running && to !== 'stopped') {
      throw new EngineStateError(from, event.type, `${to} would leave the running ${running} behind`);
    }
    this.current = to;
    cell.run?.(this.effects, event);
    if (running === 'none' && WORK[to] === 'apply') this.worker.startApply();
    if (running === 'none' && WORK[to] === 'cycle') this.worker.startCycle();
  }
}

/** The work still running once this event is handled: the state's, unless the event says it ended. */
export function runningAfter(state: State, event: EventType): Work {
  return ENDS[event] === WORK[state] ? 'none' : WORK[state];
}
