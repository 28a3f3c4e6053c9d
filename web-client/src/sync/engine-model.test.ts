import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { change, EngineDouble, scopeA, scopeB } from '../test-support/engine-double.js';
import type { State } from './engine-states.js';

/**
 * The engine's machine driven by what its link and its work can really do, written from their
 * promises and not from the table: a link makes sessions one after the other, each reports its
 * first READY at most once and later READYs only after it, sends events until it ends, and says
 * nothing once stopped; an apply or a cycle ends once, after it started; a request fails only
 * while a cycle runs. Whatever the order, the machine must never throw, run one work at a time,
 * sync and apply only for a ready session, apply events in order, and leave nothing waiting.
 */
const SEED = Number(process.env.ENGINE_MODEL_SEED ?? 20261201);
const RUNS = Number(process.env.ENGINE_MODEL_RUNS ?? 200);

/** What the link, the app and the work can do, with how often. */
const WEIGHTS = {
  connect: 6, firstReport: 6, laterReport: 2, freshReport: 2, change: 10, syncWanted: 3, syncOnly: 2, down: 3,
  linkError: 1, scopesChanged: 1, endApply: 8, endCycle: 6, linkFailed: 2, quiesce: 3, stop: 1,
};
type Command = keyof typeof WEIGHTS;
const COMMAND: fc.Arbitrary<Command> = fc.oneof(...Object.entries(WEIGHTS).map(([c, weight]) => ({ arbitrary: fc.constant(c as Command), weight })));

class World {
  readonly engine = new EngineDouble('idle');
  session: { id: number; ready: boolean } | null = null;
  stopped = false;
  private sessions = 0;
  private seq = 0;
  /** The session each event came on, and whether it had made its first report then. */
  private readonly events = new Map<number, { session: number; afterReady: boolean }>();
  readonly applied: number[] = [];
  private cycleSession: number | null = null;
  /** A sync asked for while a session was ready, and no cycle started since. */
  private asked = false;
  private seen = 0;

  constructor() {
    const ended = (): void => {
      if (this.session === null) return; // the link has no socket open: nothing to report
      this.session = null;
      this.engine.dispatch({ type: 'sessionDown', reason: 'closed', closeCode: 1000 });
    };
    this.engine.onStopLink = ended;
    this.engine.onRestartLink = ended;
    this.engine.dispatch({ type: 'start' });
  }

  run(command: Command): void {
    const e = this.engine;
    const live = !this.stopped;
    switch (command) {
      case 'connect': if (live && !this.session) this.session = { id: ++this.sessions, ready: false }; break;
      case 'firstReport':
        if (this.session && !this.session.ready) {
          this.session.ready = true;
          e.dispatch({ type: 'sessionReady', ready: [scopeA], refused: [] });
        }
        break;
      case 'laterReport': if (this.session?.ready) e.dispatch({ type: 'scopesReady', ready: [scopeA], refused: [], fresh: [] }); break;
      case 'freshReport':
        if (this.session?.ready) {
          this.asked = !this.stopped;
          e.dispatch({ type: 'scopesReady', ready: [scopeA, scopeB], refused: [], fresh: [scopeB] });
        }
        break;
      case 'change':
        if (this.session) {
          this.events.set(++this.seq, { session: this.session.id, afterReady: this.session.ready });
          e.dispatch(change(this.seq));
        }
        break;
      case 'syncWanted':
      case 'syncOnly':
        if (this.session?.ready && !this.stopped) this.asked = true;
        e.dispatch({ type: 'syncWanted', ...(command === 'syncOnly' ? { only: [scopeB] } : {}) });
        break;
      case 'down': if (this.session) { this.session = null; e.dispatch({ type: 'sessionDown', reason: 'closed 1006', closeCode: 1006 }); } break;
      case 'linkError': if (live) e.dispatch({ type: 'linkError', error: new Error('refused') }); break;
      case 'scopesChanged': if (live) e.dispatch({ type: 'scopesChanged', scopes: [scopeA, scopeB] }); break;
      case 'endApply': if (e.applies.length > 0) e.endApply(); break;
      case 'endCycle': if (e.cycles.length > 0) e.endCycle(); break;
      case 'linkFailed': if (e.cycles.length > 0) e.dispatch({ type: 'linkFailed' }); break;
      case 'stop': if (live) { this.stopped = true; e.dispatch({ type: 'stop' }); } break;
      case 'quiesce': this.settle(); break;
    }
    this.check();
  }

  /** Ends the running work until none is left (each end may start the next), then checks that nothing waits. */
  settle(): void {
    for (let i = 0; i < 1000 && this.engine.applies.length + this.engine.cycles.length > 0; i++) {
      this.run(this.engine.applies.length > 0 ? 'endApply' : 'endCycle');
    }
    const e = this.engine;
    expect(e.applies.length + e.cycles.length, 'work ends').toBe(0);
    if (this.stopped) return expect(e.state).toBe('stopped');
    if (!this.session?.ready) return expect(e.state).toBe('down');
    expect(e.state, 'a ready session with nothing running').toBe('ready');
    expect(e.waiting(), 'nothing waits').toEqual({ events: 0, sync: false });
    expect(this.asked, 'every sync asked for ran').toBe(false);
    const current = [...this.events].filter(([, ev]) => ev.session === this.session!.id && ev.afterReady).map(([seq]) => seq);
    expect(current.filter((seq) => !this.applied.includes(seq)), "every event of the ready session after its report is applied").toEqual([]);
  }

  private check(): void {
    const e = this.engine;
    expect(e.applies.length + e.cycles.length, 'one work at a time').toBeLessThanOrEqual(1);
    for (const call of e.calls.slice(this.seen)) {
      const [what, arg] = call.split(':');
      if (what === 'startCycle') {
        expect(this.session?.ready && !this.stopped, 'a cycle starts only for a ready session').toBe(true);
        this.cycleSession = this.session!.id;
        this.asked = false;
      }
      if (what === 'startApply') {
        const seq = Number(arg);
        expect(this.events.get(seq)?.session, 'an event is applied only while its session is the ready one').toBe(this.session?.ready && !this.stopped ? this.session.id : -1);
        expect(seq, 'events are applied in the order they came').toBeGreaterThan(this.applied.at(-1) ?? 0);
        this.applied.push(seq);
      }
    }
    this.seen = e.calls.length;
    expect(e.state, 'the engine knows whether a session is ready').toSatisfy((s: State) => expectedStates(this).includes(s));
    if (e.state === 'syncing') expect(this.cycleSession, 'a cycle is `syncing` only for the ready session').toBe(this.session?.id);
  }
}

function expectedStates(world: World): State[] {
  if (world.stopped) return ['stopped'];
  if (world.session?.ready) return ['ready', 'applying', 'syncing', 'syncingStale'];
  return ['down', 'applyingDown', 'syncingDown'];
}

describe('the engine machine against a model of its link and its work', () => {
  it('should never throw, run one work at a time, sync and apply only for a ready session, and leave nothing waiting', () => {
    console.log(`engine model: seed ${SEED}, ${RUNS} runs (ENGINE_MODEL_SEED, ENGINE_MODEL_RUNS)`);
    fc.assert(
      fc.property(fc.array(COMMAND, { maxLength: 120, size: 'max' }), (commands) => {
        const world = new World();
        for (const command of commands) world.run(command);
        world.settle();
      }),
      { seed: SEED, numRuns: RUNS },
    );
  }, 60_000 + RUNS * 50);
});
