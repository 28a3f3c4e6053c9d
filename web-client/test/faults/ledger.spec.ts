/** The fault test's I2 bookkeeping on its own: which fates it accepts and which it reports. */
import { describe, expect, it } from 'vitest';
import { Ledger, type LocalWrite } from './ledger.js';

const G = '11111111-1111-4111-8111-111111111111';

function ledger(): Ledger {
  return new Ledger(new Map([['groups', 'Group']]), new Map([['Group', ['uid', 'name']]]));
}

function write(l: Ledger, values: Record<string, unknown>, kind: 'save' | 'delete' = 'save'): LocalWrite {
  const w: LocalWrite = { device: 'a', tab: 'a', op: 1, table: 'Group', uid: G, kind, values, at: Date.now() };
  l.wrote(w);
  return w;
}

function sync(l: Ledger, change: Record<string, unknown>, answer: { applied?: string[]; rejected?: { uid: string; reason: string }[] } | null, syncId = 's1') {
  const sent = l.sending('a', { syncId, groups: [{ changes: [{ uid: G, updatedAt: '2026-12-01T10:00:00.000Z', deletedAt: null, ...change }] }] });
  if (answer === null) l.noAnswer(sent);
  else l.answered(sent, 200, JSON.stringify({ data: { sync: { cursor: 'c', replayed: false, groups: [{ applied: answer.applied ?? [], rejected: answer.rejected ?? [] }] } } }));
}

describe('Ledger', () => {
  it('accepts a write a sync applied, after its answer was lost once', () => {
    const l = ledger();
    write(l, { name: 'Red' });
    sync(l, { name: 'Red' }, null);
    sync(l, { name: 'Red' }, { applied: [G] });
    expect(l.settle(new Set(['a']))).toEqual([]);
    expect(l.decided.applied).toBe(1);
  });

  it('accepts a rejected write only once a tab reported it', () => {
    const told = ledger();
    write(told, { name: 'Red' });
    sync(told, { name: 'Red' }, { rejected: [{ uid: G, reason: 'CONFLICT_LOST' }] });
    told.told('a', 'a', [{ table: 'Group', uid: G, reason: 'CONFLICT_LOST', serverRow: null }]);
    expect(told.settle(new Set(['a']))).toEqual([]);

    const untold = ledger();
    write(untold, { name: 'Red' });
    sync(untold, { name: 'Red' }, { rejected: [{ uid: G, reason: 'CONFLICT_LOST' }] });
    expect(untold.settle(new Set(['a']))[0]?.detail).toContain('no tab of a reported it');
  });

  it('reports a write that left the outbox without any answer, and folds a write into the next one', () => {
    const vanished = ledger();
    write(vanished, { name: 'Red' });
    sync(vanished, { name: 'Red' }, null);
    expect(vanished.settle(new Set(['a']))[0]?.invariant).toBe('I2 no lost writes');

    const folded = ledger();
    write(folded, { name: 'Red' });
    write(folded, { name: 'Blue' });
    sync(folded, { name: 'Blue' }, { applied: [G] });
    expect(folded.settle(new Set(['a']))).toEqual([]);
    expect(folded.decided).toMatchObject({ applied: 1, coalesced: 1 });
  });

  it('accepts a delete that sent nothing only when the server holds the row deleted (another device deleted it first)', () => {
    // The seed-20261201 finding: another device's tombstone reached the replica between the app's
    // list and its delete, so the delete had nothing to send; the row's create was the only change sent.
    const first = ledger();
    write(first, { name: 'Red' });
    sync(first, { name: 'Red' }, { applied: [G] });
    write(first, {}, 'delete');
    expect(first.deletedRows(new Set(['a']))).toEqual([{ table: 'Group', uid: G }]);
    expect(first.settle(new Set(['a']), new Set([`Group:${G}`]))).toEqual([]);
    expect(first.decided).toMatchObject({ applied: 1, alreadyDeleted: 1 });

    const lost = ledger();
    write(lost, { name: 'Red' });
    sync(lost, { name: 'Red' }, { applied: [G] });
    write(lost, {}, 'delete');
    expect(lost.settle(new Set(['a']))[0]?.detail).toContain('it left the outbox, but no sync answer applied or rejected it');
  });

  it('reports a rejection whose server row is the change the device sent itself', () => {
    const l = ledger();
    write(l, { name: 'Red' });
    sync(l, { name: 'Red' }, null, 'first');
    sync(l, { name: 'Red' }, { rejected: [{ uid: G, reason: 'CONFLICT_LOST' }] }, 'second');
    l.told('a', 'a', [{ table: 'Group', uid: G, reason: 'CONFLICT_LOST', serverRow: { uid: G, name: 'Red', updatedAt: '2026-12-01T10:00:00Z', deletedAt: null } }]);
    const findings = l.settle(new Set(['a']));
    expect(findings.map((f) => f.invariant)).toEqual(['no conflict against its own change']);
    expect(findings[0]!.detail).toContain('sync first (sent by a, no answer (network)); the rejection came from sync second');
  });

  it('accepts a write the app gave up by discarding a record of its row before it was sent, and only then', () => {
    const l = ledger();
    write(l, { name: 'Red' });
    sync(l, { name: 'Red' }, { rejected: [{ uid: G, reason: 'CONFLICT_LOST' }] });
    l.told('a', 'a', [{ table: 'Group', uid: G, reason: 'CONFLICT_LOST', serverRow: null }]);
    const later = write(l, { name: 'Mine again' });
    l.discarded('a', `Group:${G}`, later.at + 1);
    expect(l.settle(new Set(['a']))).toEqual([]);
    expect(l.decided).toMatchObject({ rejected: 1, discarded: 1 });

    const notDiscarded = ledger();
    write(notDiscarded, { name: 'Mine' });
    expect(notDiscarded.settle(new Set(['a']))[0]?.invariant).toBe('I2 no lost writes');
  });

  it('follows a retried record as a new write: applied, or rejected again and reported', () => {
    const l = ledger();
    write(l, { name: 'Mine' });
    sync(l, { name: 'Mine' }, { rejected: [{ uid: G, reason: 'CONFLICT_LOST' }] }, 's1');
    l.told('a', 'a', [{ table: 'Group', uid: G, reason: 'CONFLICT_LOST', serverRow: null }]);
    nextMillisecond(); // the app lists the record and retries it after the answer came back
    write(l, { name: 'Mine' }); // the retry
    sync(l, { name: 'Mine', baseVersion: 9 }, { applied: [G] }, 's2');
    expect(l.settle(new Set(['a']))).toEqual([]);
    expect(l.decided).toMatchObject({ applied: 1, rejected: 1 });
  });
});

function nextMillisecond(): void {
  const now = Date.now();
  while (Date.now() === now) { /* a millisecond later */ }
}
