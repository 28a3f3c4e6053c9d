/** The TypeScript of docs/tutorial.md, run against the real server (the tutorial shows these files verbatim). */
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { watchEvents as watchLive, type EventChange } from '../tutorial/live-events.js';
import { openDocument, openDocuments, watchEvents } from '../tutorial/events-replica.js';
import { devToken, gql, SERVER, serverUser, until } from './support.js';

const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  await Promise.all(cleanup.splice(0).map((stop) => stop()));
});

async function serverDocument(userUid: string, title: string): Promise<string> {
  const uid = crypto.randomUUID();
  await gql('mutation($uid: String!, $u: String!, $t: String!) { saveUserDocument(input: {uid: $uid, userUid: $u, title: $t}) { uid } }',
    { uid, u: userUid, t: title });
  return uid;
}

async function serverEvent(documentUid: string, kind: string): Promise<string> {
  const uid = crypto.randomUUID();
  await gql('mutation($uid: String!, $d: String!, $k: String!) { saveUserDocumentEvent(input: {uid: $uid, documentUid: $d, kind: $k}) { uid } }',
    { uid, d: documentUid, k: kind });
  return uid;
}

/** The kinds of the user's live events as the server has them (the tutorial's GraphQL query). */
async function serverKinds(user: string): Promise<string[]> {
  const data = await gql<{ userDocumentEvents: { kind: string }[] }>(
    'query($user: String!) { userDocumentEvents(where: {document: {userUid: {eq: $user}}}) { kind } }', { user });
  return data.userDocumentEvents.map((e) => e.kind);
}

describe('the tutorial', () => {
  it('should deliver READY, then the event added to one of the user\'s documents, with graphql-ws', async () => {
    const user = await serverUser('Tutorial Ann');
    const plan = await serverDocument(user, 'Plan');
    const received: EventChange[] = [];
    const token = await devToken({ user });
    cleanup.push(watchLive(SERVER, token, user, (event) => received.push(event)));
    await until('READY', () => received.length > 0);
    const added = await serverEvent(plan, 'commented');
    await until('the added event', () => received.length > 1);
    expect(received.map((e) => [e.operation, e.uid])).toEqual([['READY', null], ['UPSERT', added]]);
    expect(received[1]!.row).toMatchObject({ kind: 'commented', deletedAt: null });
  });

  it('should keep offline writes in the replica and send them on reconnection', async () => {
    const user = await serverUser('Tutorial Ann');
    const plan = await serverDocument(user, 'Plan');
    const created = await serverEvent(plan, 'created');
    await serverEvent(plan, 'edited');
    const network = new EventTarget();
    const token = await devToken({ user });

    // #region offline-writes
    const ann = await openDocuments(user, { url: SERVER, token, webSocketImpl: WebSocket, connectivity: network });
    const opened = openDocument(ann, plan);               // Ann opens Plan: its events are synced
    await opened.ready;
    let shown: string[] = [];
    watchEvents(ann, plan, (events) => { shown = events.map((e) => e.kind as string); });
    await until('shown', () => shown.length === 2);
    expect(shown).toEqual(['created', 'edited']);

    network.dispatchEvent(new Event('offline'));          // the train enters a tunnel
    const comment = ann.save('UserDocumentEvent', { documentUid: plan, kind: 'commented', payload: '{"text":"written on the train"}' });
    await ann.delete('UserDocumentEvent', created);       // a tombstone: deletedAt is set, the row stays
    await until('shown at once', () => shown.join() === 'edited,commented');
    expect(ann.state.pending).toBe(2);                    // both wait in the outbox
    expect(await ann.syncStatus('UserDocumentEvent', (await comment).uid)).toBe('pending');
    expect(await serverKinds(user)).toEqual(['created', 'edited']);

    network.dispatchEvent(new Event('online'));           // out of the tunnel: subscribe, READY, sync
    expect((await comment.server)?.version).toBeGreaterThan(0); // applied: the row as the server has it
    await ann.whenSynced();                               // every change made so far answered
    expect(await serverKinds(user)).toEqual(['edited', 'commented']);
    expect((await ann.get('UserDocumentEvent', created))?.deletedAt).not.toBeNull();

    opened.remove();                                      // Ann closes Plan: its events leave the replica
    await until('evicted', async () => (await ann.list('UserDocumentEvent', { includeDeleted: true })).length === 0);
    // #endregion
    cleanup.push(() => ann.close());
  });
});
