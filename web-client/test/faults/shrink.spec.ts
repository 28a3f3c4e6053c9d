/** The fault test's shrinker on its own: it stays within its time budget, however long a try runs. */
import { describe, expect, it } from 'vitest';
import type { Op } from './ops.js';
import { shrink, type RunResult } from './run.js';
import type { World } from './world.js';

const BROKEN = { invariant: 'no wedge', detail: 'an outbox stayed non-empty' };

function result(ops: Op[], failedAt: number | null, cutShort = false): RunResult {
  return { ops, failedAt, findings: failedAt === null ? [] : [BROKEN], ms: 0, world: {} as World, cutShort };
}

/** 40 operations, the failure needs operation #7 (a rename) and the quiescence after it. */
const ops: Op[] = Array.from({ length: 40 }, (_, i) => (i % 5 === 4 ? { k: 'quiesce' } : ({ k: `op${i}` } as unknown as Op)));
const kind = (op: Op): string => op.k;
const breaks = (list: Op[]): number | null => {
  const at = list.findIndex((op) => kind(op) === 'op7');
  if (at < 0) return null;
  const q = list.findIndex((op, i) => i > at && op.k === 'quiesce');
  return q < 0 ? null : q;
};

describe('shrink', () => {
  it('hands every try its deadline and keeps the shortest list that still breaks the invariant', async () => {
    const deadlines: number[] = [];
    const started = Date.now();
    const minimal = await shrink(async (list, deadline) => {
      deadlines.push(deadline ?? Infinity);
      return result(list, breaks(list));
    }, result(ops, breaks(ops)), 60_000, () => {});
    expect(minimal.ops.map(kind)).toEqual(['op7', 'quiesce']);
    expect(deadlines.length).toBeGreaterThan(0);
    for (const d of deadlines) expect(d).toBeLessThanOrEqual(started + 60_000 + 50);
  });

  it('stops at a try cut short by the deadline, keeping what it had, and starts no other try', async () => {
    let tries = 0;
    const minimal = await shrink(async (list) => {
      tries++;
      // The first try reproduces; the second runs into the deadline before its last operation.
      return tries === 1 ? result(list, breaks(list)) : result(list, null, true);
    }, result(ops, breaks(ops)), 60_000, () => {});
    expect(tries).toBe(2);
    expect(minimal.findings[0]).toEqual(BROKEN);
    expect(minimal.ops.length).toBeLessThan(ops.length);
  });
});
