/**
 * Scopes at runtime in the demo, in Chromium: a document's notes (its events) are in a replica only
 * while the document is open in one of its tabs — opening adds the scope of its events, closing
 * removes it — and the tabs of one replica hold the union of their scopes, a crashed tab's being
 * released by the leader when the browser frees the tab's Web Lock.
 */
import { describe, expect, it } from 'vitest';
import { held, scopeInUnion } from './replica-probe.js';
import { eventually, prefix, windowSuite, type DemoWindow } from './windows.js';

const windows = windowSuite();

/** The id the client gives the scope of a document's events (its table and canonical where). */
function eventsScope(documentUid: string): string {
  return `UserDocumentEvent:${JSON.stringify({ documentUid: { eq: documentUid } })}`;
}

describe('documents in the demo', () => {
  it('loads a document\'s notes into a window\'s replica when it is opened there, and evicts them when it is closed', async () => {
    const user = crypto.randomUUID();
    const [w1, w2]: [DemoWindow, DemoWindow] = [await windows.open('window-1', user), await windows.open('window-2', user, 'phone')];
    const plan = `${prefix('doc')}Plan`;
    await w1.createDocument(plan);
    await w1.toggleDocument(plan, true);
    await w1.addNote(plan, 'first note');
    await w1.settled();
    await w2.document(plan).waitFor(); // the user's documents are in every window's replica
    expect(await held(w2.page, 'UserDocumentEvent')).toBe(0); // its notes are not: window 2 has not opened it

    await w2.toggleDocument(plan, true);
    expect(await w2.notes(plan)).toEqual(['first note']);
    expect(await held(w2.page, 'UserDocumentEvent')).toBe(1);
    await w1.addNote(plan, 'second note');
    await eventually('window 2 gets the new note live', async () => (await w2.notes(plan)).length === 2);
    expect(await w2.notes(plan)).toEqual(['first note', 'second note']);
    await w2.screenshot('a document open on a phone, its notes live');

    await w2.toggleDocument(plan, false);
    await eventually('window 2 evicted the notes', async () => (await held(w2.page, 'UserDocumentEvent')) === 0);
    expect(await held(w1.page, 'UserDocumentEvent')).toBe(2); // still open in window 1
  });

  it('keeps a document\'s notes while another tab of the replica has it open, and a crashed tab\'s for the TTL', async () => {
    const t1 = await windows.open('tab-1', crypto.randomUUID());
    const t2 = await windows.tab(t1, 'tab-2');
    const plan = `${prefix('tabs')}Plan`;
    await t1.createDocument(plan);
    await t1.toggleDocument(plan, true);
    await t1.addNote(plan, 'a note');
    await t1.settled();
    const scope = eventsScope((await t1.document(plan).getAttribute('data-uid'))!);
    expect(await t1.page.getByTestId('status').getAttribute('data-leader')).toBe('true'); // tab 1 leads: it keeps the union

    await t2.toggleDocument(plan, true);
    expect(await t2.notes(plan)).toEqual(['a note']);
    await eventually('both tabs hold the scope', async () => (await scopeInUnion(t1.page, scope)).tabs === 2);
    await t1.toggleDocument(plan, false);
    await eventually('only tab 2 holds it', async () => (await scopeInUnion(t1.page, scope)).tabs === 1);
    expect(await held(t1.page, 'UserDocumentEvent')).toBe(1); // not evicted: tab 2 still has the document open

    await t2.crash(); // no pagehide, no message: the browser frees the tab's Web Lock, the leader notices
    await eventually('the leader released the crashed tab\'s scope', async () => {
      const s = await scopeInUnion(t1.page, scope);
      return s.tabs === 0 && s.released;
    });
    expect(await held(t1.page, 'UserDocumentEvent')).toBe(1); // kept for releasedScopeTtlMs: a reload finds it

    await t1.toggleDocument(plan, true); // held again: its note is there, and only what changed is synced
    expect(await t1.notes(plan)).toEqual(['a note']);
    expect(await scopeInUnion(t1.page, scope)).toEqual({ tabs: 1, released: false });
    await t1.toggleDocument(plan, false); // removed by the app: evicted at once
    await eventually('tab 1 evicted the notes', async () => (await held(t1.page, 'UserDocumentEvent')) === 0);
  });
});
