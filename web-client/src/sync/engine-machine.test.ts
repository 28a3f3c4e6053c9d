import { describe, expect, it } from 'vitest';
import { change, EngineDouble, SAMPLE, scopeA, scopeB } from '../test-support/engine-double.js';
import { EngineStateError, runningAfter } from './engine-machine.js';
import { WORK, type EventType, type State, type Waiting } from './engine-states.js';
import { TABLE } from './engine-table.js';

const STATES = Object.keys(TABLE) as State[];
const EVENTS = Object.keys(SAMPLE) as EventType[];

/** The work that can wait in each state: none where nothing runs or the session ended, a sync always in `syncingStale`. */
function waitingIn(state: State): Waiting[] {
  if (state === 'applying' || state === 'syncing') return [{ events: 0, sync: false }, { events: 1, sync: false }, { events: 0, sync: true }, { events: 2, sync: true }];
  if (state === 'syncingStale') return [{ events: 0, sync: true }, { events: 1, sync: true }];
  return [{ events: 0, sync: false }];
}

describe('the engine machine', () => {
  it('should do what every cell of the table says, in every state, with every work that can wait there', () => {
    let cells = 0;
    for (const state of STATES) {
      for (const type of EVENTS) {
        const cell = TABLE[state][type];
        for (const waiting of waitingIn(state)) {
          const engine = new EngineDouble(state, waiting);
          if (cell.kind === 'impossible') {
            expect(() => engine.dispatch(SAMPLE[type]), `${state} × ${type}`).toThrow(EngineStateError);
            expect(engine.state).toBe(state);
            expect(engine.calls).toEqual([]);
            continue;
          }
          engine.dispatch(SAMPLE[type]);
          if (cell.kind === 'ignored') {
            expect(engine.state, `${state} × ${type}`).toBe(state);
            expect(engine.calls).toEqual([]);
            continue;
          }
          expect(cell.to, `${state} × ${type}`).toContain(engine.state);
          // Work starts exactly when the new state means work and none runs any more.
          const started = engine.calls.filter((c) => c.startsWith('start') && c !== 'startLink');
          const running = runningAfter(state, type);
          const expected = running === 'none' && WORK[engine.state] !== 'none' ? [WORK[engine.state] === 'apply' ? 'startApply' : 'startCycle'] : [];
          expect(started.map((c) => c.split(':')[0]), `${state} × ${type} with ${JSON.stringify(waiting)}`).toEqual(expected);
        }
        cells++;
      }
    }
    expect(cells).toBe(STATES.length * EVENTS.length);
  });

  it('should throw when an event comes in a state where the table says it cannot, and change nothing', () => {
    const engine = new EngineDouble('ready');
    expect(() => engine.dispatch({ type: 'cycleEnded' })).toThrow(/got 'cycleEnded' in state 'ready', which cannot happen: no sync cycle runs/);
    expect(() => engine.dispatch(SAMPLE.sessionReady)).toThrow(EngineStateError); // a session's first report, twice
    expect(engine.state).toBe('ready');
    expect(engine.calls).toEqual([]);
  });

  it('should throw from the outer dispatch when an effect dispatched an impossible event, after handling the rest', () => {
    const engine = new EngineDouble('ready');
    engine.onStopLink = () => {
      engine.dispatch(SAMPLE.sessionDown); // handled after the stop: fine in `stopped`
      engine.dispatch(SAMPLE.change); // impossible once stopped
      engine.dispatch(SAMPLE.sessionDown);
    };
    expect(() => engine.dispatch({ type: 'stop' })).toThrow(/got 'change' in state 'stopped'/);
    expect(engine.calls).toEqual(['stopLink', 'linkDown', 'linkDown']);
  });

  it('should handle an event an effect dispatches after the one being handled (run to completion)', () => {
    const engine = new EngineDouble('idle');
    engine.dispatch({ type: 'start' });
    engine.onRestartLink = () => engine.dispatch(SAMPLE.sessionDown); // the link reports its end while restarting
    engine.dispatch(SAMPLE.sessionReady);
    expect(engine.state).toBe('syncing');
    engine.dispatch({ type: 'linkFailed' });
    expect(engine.state).toBe('syncingDown');
    expect(engine.calls).toEqual(['startLink', 'linkReady:a', 'checkSchema', 'want:all', 'startCycle:all', 'restartLink', 'linkDown']);
  });

  it('should apply live events one at a time, in the order they came', () => {
    const engine = new EngineDouble('ready');
    engine.dispatch(change(1));
    engine.dispatch(change(2));
    engine.dispatch(change(3));
    expect(engine.applies).toEqual([1]);
    expect([engine.endApply(), engine.endApply(), engine.endApply()]).toEqual([1, 2, 3]);
    expect(engine.state).toBe('ready');
  });

  it('should keep events that come during a sync until it ended, then apply them before the next sync', () => {
    const engine = new EngineDouble('ready');
    engine.dispatch({ type: 'syncWanted' });
    engine.dispatch(change(5));
    engine.dispatch({ type: 'syncWanted', only: [scopeB] });
    expect(engine.applies).toEqual([]);
    engine.endCycle();
    expect(engine.state).toBe('applying');
    expect(engine.endApply()).toBe(5);
    expect(engine.state).toBe('syncing');
    expect(engine.endCycle()).toBe('b');
    expect(engine.state).toBe('ready');
  });

  it('should start a sync asked for while events are applied once the waiting events are in', () => {
    const engine = new EngineDouble('ready');
    engine.dispatch(change(1));
    engine.dispatch({ type: 'syncWanted' });
    engine.dispatch(change(2));
    engine.endApply();
    expect(engine.state).toBe('applying');
    engine.endApply();
    expect(engine.calls.at(-1)).toBe('startCycle:all');
  });

  it("should let a cycle whose session ended stop before the next session's sync starts", () => {
    const engine = new EngineDouble('ready');
    engine.dispatch({ type: 'syncWanted' });
    engine.dispatch(SAMPLE.sessionDown);
    expect(engine.state).toBe('syncingDown');
    engine.dispatch({ type: 'linkFailed' }); // the old cycle's request: its session is gone already
    engine.dispatch(SAMPLE.sessionReady);
    expect(engine.state).toBe('syncingStale');
    engine.dispatch({ type: 'linkFailed' }); // still the old cycle's: the new session is not at fault
    engine.dispatch(change(7)); // the new session's
    expect(engine.cycles).toEqual(['all']);
    engine.endCycle();
    expect(engine.endApply()).toBe(7);
    expect(engine.cycles).toEqual(['all']); // the new session's sync
    expect(engine.calls.filter((c) => c === 'restartLink')).toEqual([]);
  });

  it('should drop the waiting events and sync when the session ends, and let the running apply end', () => {
    const engine = new EngineDouble('ready');
    engine.dispatch(change(1));
    engine.dispatch(change(2));
    engine.dispatch({ type: 'syncWanted' });
    engine.dispatch(SAMPLE.sessionDown);
    expect(engine.state).toBe('applyingDown');
    engine.dispatch(change(3)); // the next session's, before its first report
    engine.endApply();
    expect(engine.state).toBe('down');
    expect(engine.applies).toEqual([]);
    expect(engine.cycles).toEqual([]);
  });

  it('should sync scopes added to a live session alone, and nothing when only the refused list changed', () => {
    const engine = new EngineDouble('ready');
    engine.dispatch({ type: 'scopesReady', ready: [scopeA], refused: [], fresh: [] });
    expect(engine.state).toBe('ready');
    engine.dispatch({ type: 'scopesReady', ready: [scopeA, scopeB], refused: [], fresh: [scopeB] });
    expect(engine.cycles).toEqual(['b']);
  });

  it('should start nothing once stopped, whatever the running work reports', () => {
    const engine = new EngineDouble('ready');
    engine.dispatch({ type: 'syncWanted' });
    engine.dispatch({ type: 'stop' });
    engine.dispatch({ type: 'syncWanted' });
    engine.dispatch({ type: 'linkFailed' });
    engine.endCycle();
    expect(engine.state).toBe('stopped');
    expect(engine.calls).toEqual(['want:all', 'startCycle:all', 'stopLink']);
  });
});
