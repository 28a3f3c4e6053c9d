/** A sync whose answer was lost is sent again as the same sync (id and changes), across a reload: the server replays it (I4). */
import { describe, expect, it } from 'vitest';
import type { FetchLike } from '../../src/index.js';
import { dbName, gql, prefix, serverGroup, settled, testClients, until, type TestClient } from './support.js';

const { open, client } = testClients();

interface SentSync {
  input: { syncId: string; groups?: { changes: { uid: string; name: string }[] }[] };
  replayed: boolean | undefined;
}

/** A fetch that records every sync and, when asked, loses the next answer carrying changes after the server applied it (and the link drops). */
function losingFetch(syncs: SentSync[], lose: { next: boolean; target?: TestClient }): FetchLike {
  return async (url, init) => {
    const response = await fetch(url, init);
    const text = await response.text();
    if (init.body.includes('mutation Sync')) {
      const input = (JSON.parse(init.body) as { variables: { input: SentSync['input'] } }).variables.input;
      syncs.push({ input, replayed: (JSON.parse(text) as { data?: { sync?: { replayed: boolean } } }).data?.sync?.replayed });
      if (lose.next && input.groups?.some((s) => s.changes.length > 0)) {
        lose.next = false;
        lose.target?.goOffline(); // the phone enters a tunnel as the answer comes back
        throw new TypeError('network connection lost');
      }
    }
    return { ok: response.ok, status: response.status, json: async () => JSON.parse(text) as unknown };
  };
}

/** A group, a client that renamed it and lost the answer, and another writer's rename after it. */
async function lostRenameThenTheirs(label: string): Promise<{ p: string; group: string; db: string; syncs: SentSync[]; a: TestClient; lost: SentSync }> {
  const p = prefix(label);
  const group = await serverGroup(`${p}Team`);
  const db = dbName(label);
  const syncs: SentSync[] = [];
  const a = await loseARename(p, group, db, syncs);
  const lost = syncs.at(-1)!;
  await rename(group, `${p}Theirs`); // another writer, after the lost answer
  return { p, group, db, syncs, a, lost };
}

/** The syncs after the lost one that carried changes. */
const resentAfter = (syncs: SentSync[], lost: SentSync) =>
  syncs.slice(syncs.indexOf(lost) + 1).filter((s) => s.input.groups?.some((g) => g.changes.length > 0));

async function loseARename(p: string, group: string, db: string, syncs: SentSync[]): Promise<TestClient> {
  const lose: { next: boolean; target?: TestClient } = { next: false };
  const a = await client(db, p, { fetch: losingFetch(syncs, lose) });
  lose.target = a;
  await settled(a);
  lose.next = true;
  await a.client.save('Group', { uid: group, name: `${p}Ruby` });
  await until('the rename applied by the server, its answer lost', () => !lose.next && !a.client.state.online);
  expect((await gql<{ groups: { name: string }[] }>('query($u: String!) { groups(where: {uid: {eq: $u}}) { name } }', { u: group })).groups[0]!.name).toBe(`${p}Ruby`);
  return a;
}

const rename = (uid: string, name: string) => gql('mutation($uid: String!, $n: String!) { saveGroup(input: {uid: $uid, name: $n}) { uid } }', { uid, n: name });

async function reload(a: TestClient, db: string, p: string, syncs: SentSync[]): Promise<TestClient> {
  await a.client.close();
  open.splice(open.indexOf(a), 1);
  const b = await client(db, p, { fetch: losingFetch(syncs, { next: false }) });
  await settled(b);
  return b;
}

describe('a sync whose answer was lost', () => {
  it('should be replayed after a reload, so a later edit by someone else is no conflict against the client\'s own change', async () => {
    const { p, group, db, syncs, a, lost } = await lostRenameThenTheirs('replay');
    const b = await reload(a, db, p, syncs);
    const resent = resentAfter(syncs, lost);
    expect(resent.map((s) => [s.input.syncId, s.replayed])).toEqual([[lost.input.syncId, true]]);
    expect(resent[0]!.input.groups).toEqual(lost.input.groups);
    expect([...a.rejections, ...b.rejections]).toEqual([]); // the rename was applied: no CONFLICT_LOST against it
    expect((await b.client.get('Group', group))?.name).toBe(`${p}Theirs`);
  });

  it('should be replayed as it was sent, an edit made meanwhile going in the next sync', async () => {
    const { p, group, db, syncs, a, lost } = await lostRenameThenTheirs('replay-edit');
    await a.client.save('Group', { uid: group, name: `${p}Scarlet` }); // offline, after the lost answer

    const b = await reload(a, db, p, syncs);
    const resent = resentAfter(syncs, lost);
    expect(resent.map((s) => [s.input.syncId === lost.input.syncId, s.replayed, s.input.groups![0]!.changes[0]!.name])).toEqual([
      [true, true, `${p}Ruby`], // the same sync...
      [false, false, `${p}Scarlet`], // ...then the edit, based on the version the replay returned
    ]);
    expect([...a.rejections, ...b.rejections]).toEqual([]);
    expect((await gql<{ groups: { name: string }[] }>('query($u: String!) { groups(where: {uid: {eq: $u}}) { name } }', { u: group })).groups[0]!.name).toBe(`${p}Scarlet`);
  });
});
