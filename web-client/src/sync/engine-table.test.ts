import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DOC_BEGIN, DOC_END, renderEngineTable } from '../test-support/engine-table-doc.js';
import { runningAfter } from './engine-machine.js';
import { ENDS, EVENTS, WORK, type Cell, type EventType, type State, type Table } from './engine-states.js';
import { TABLE } from './engine-table.js';

const README = fileURLToPath(new URL('../../README.md', import.meta.url));
const states = Object.keys(TABLE) as State[];
const events = Object.keys(EVENTS) as EventType[];
const cells = states.flatMap((s) => events.map((e) => ({ s, e, cell: TABLE[s][e] as Cell<EventType> })));

describe('the engine table', () => {
  it('should write down every state × event, each with a one-line reason', () => {
    expect(cells).toHaveLength(9 * 12);
    for (const { s, e, cell } of cells) {
      expect(Object.keys(TABLE[s]).sort(), s).toEqual([...events].sort());
      expect(cell.why.length, `${s} × ${e}`).toBeGreaterThan(8);
      expect(cell.why, `${s} × ${e}`).not.toMatch(/\n/);
    }
    // @ts-expect-error: a table without a cell (here `stopped` × `cycleEnded`) does not compile
    const missing: Table = { ...TABLE, stopped: withoutCycleEnded(TABLE.stopped) };
    expect(Object.keys(missing.stopped)).not.toContain('cycleEnded');
  });

  it('should give a cell with several next states a way to pick one, and none to a cell with one', () => {
    for (const { s, e, cell } of cells) {
      if (cell.kind !== 'move') continue;
      expect(cell.pick !== undefined, `${s} × ${e}`).toBe(cell.to.length > 1);
      for (const to of cell.to) expect(states, `${s} × ${e}`).toContain(to);
    }
  });

  it('should never leave running work behind, except by stopping, nor end work that does not run', () => {
    for (const { s, e, cell } of cells) {
      const ends = ENDS[e];
      if (ends !== undefined && WORK[s] !== ends) {
        // The end of a work that does not run here: impossible, or (stopped) the end of what ran before the stop.
        expect(cell.kind === 'impossible' || (s === 'stopped' && cell.kind === 'ignored'), `${s} × ${e}`).toBe(true);
      }
      if (cell.kind !== 'move') continue;
      const running = runningAfter(s, e);
      for (const to of cell.to) {
        if (running !== 'none' && to !== 'stopped') expect(WORK[to], `${s} × ${e} → ${to}`).toBe(running);
      }
    }
  });

  it("should be the table the web client's README shows", () => {
    const readme = readFileSync(README, 'utf8');
    const begin = readme.indexOf(DOC_BEGIN.slice(0, DOC_BEGIN.indexOf(' (')));
    const end = readme.indexOf(DOC_END);
    expect(begin, 'the README has the generated block').toBeGreaterThanOrEqual(0);
    expect(end, 'the README has the generated block').toBeGreaterThan(begin);
    const shown = readme.slice(begin, end + DOC_END.length);
    if (process.env.ENGINE_TABLE_WRITE === '1') writeFileSync(README, readme.replace(shown, renderEngineTable()));
    else expect(shown).toBe(renderEngineTable());
  });
});

function withoutCycleEnded<T extends { cycleEnded: unknown }>(row: T): Omit<T, 'cycleEnded'> {
  const { cycleEnded: _, ...rest } = row;
  return rest;
}
