/** The durable outbox against the real server: each write's outcome, each row's status, and the rejection records, across a reload. */
import { describe, expect, it } from 'vitest';
import { RejectedWriteError } from '../../src/index.js';
import { dbName, gql, prefix, serverGroup, settled, testClients, until, type TestClient } from './support.js';

const { open, client } = testClients();

const rename = (uid: string, name: string) => gql('mutation($uid: String!, $n: String!) { saveGroup(input: {uid: $uid, name: $n}) { uid } }', { uid, n: name });
const serverName = async (uid: string) =>
  (await gql<{ groups: { name: string }[] }>('query($u: String!) { groups(where: {uid: {eq: $u}}) { name } }', { u: uid })).groups[0]?.name;

async function offline(c: TestClient): Promise<void> {
  c.goOffline();
  await until('offline', () => !c.client.state.online);
}

async function reopen(c: TestClient, db: string, p: string, connect = true): Promise<TestClient> {
  await c.client.close();
  open.splice(open.indexOf(c), 1);
  return client(db, p, { connect });
}

describe('the durable outbox', () => {
  it('should keep each row\'s status and its rejection record across a reload, and retry the refused values on top of the server\'s row', async () => {
    const p = prefix('outbox-reload');
    const db = dbName('outbox-reload');
    const team = await serverGroup(`${p}Team`);
    const a = await client(db, p);
    await settled(a);
    await offline(a);
    const made = await a.client.save('Group', { name: `${p}Made offline` });
    await a.client.save('Group', { uid: team, name: `${p}Mine` });
    await rename(team, `${p}Theirs`); // later than the offline edit: it wins
    expect((await a.client.outbox()).map((i) => [i.uid, i.status])).toEqual([[made.uid, 'pending'], [team, 'pending']]);

    const reloaded = await reopen(a, db, p, false); // the status lives in the replica, not in the tab
    expect((await reloaded.client.outbox()).map((i) => [i.uid, i.status, i.kind])).toEqual([[made.uid, 'pending', 'save'], [team, 'pending', 'save']]);
    const online = await reopen(reloaded, db, p);
    await online.client.whenSynced();
    expect(await online.client.syncStatus('Group', made.uid)).toBe('synced');
    expect(await online.client.syncStatus('Group', team)).toBe('rejected');
    const [record] = await online.client.rejections();
    expect(record).toMatchObject({ uid: team, reason: 'CONFLICT_LOST', local: { name: `${p}Mine` }, serverRow: { name: `${p}Theirs` } });
    expect((await online.client.get('Group', team))?.name).toBe(`${p}Theirs`);

    const again = online.client.retry(record!.id); // keep mine
    expect((await again).name).toBe(`${p}Mine`);
    expect(await again.server).toMatchObject({ uid: team, name: `${p}Mine` });
    expect(await serverName(team)).toBe(`${p}Mine`);
    expect(await online.client.rejections()).toEqual([]);
    expect(await online.client.outbox()).toEqual([]);
  });

  it('should settle the server promise of each write: applied, folded into a later write, or refused with its record', async () => {
    const p = prefix('outbox-promises');
    const team = await serverGroup(`${p}Team`);
    const a = await client(dbName('outbox-promises'), p);
    await settled(a);
    await offline(a);
    const first = a.client.save('Group', { name: `${p}Draft` });
    const folded = a.client.save('Group', { uid: (await first).uid, name: `${p}Final` });
    const refused = a.client.save('Group', { uid: team, name: `${p}Mine` });
    await refused;
    await rename(team, `${p}Theirs`);
    const statuses: string[][] = [];
    const stop = a.client.watchOutbox((items) => statuses.push(items.map((i) => i.status)));
    a.goOnline();
    const applied = await first.server;
    expect(applied).toMatchObject({ name: `${p}Final` }); // folded: the change that carried it is the later write's
    expect((applied?.version ?? 0) > 0).toBe(true);
    expect(await folded.server).toEqual(applied);
    const error = await refused.server.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RejectedWriteError);
    expect((error as RejectedWriteError).rejection).toMatchObject({ reason: 'CONFLICT_LOST', local: { name: `${p}Mine` }, status: 'open' });
    await until('the outbox shows only the rejected row', () => statuses.at(-1)?.join() === 'rejected');
    expect(statuses[0]).toEqual(['pending', 'pending']); // live: from pending to the outcome (sent in between: outbox.test.ts)
    stop();
  });

  it('should discard: the server\'s row stays and a later change of the row not yet sent is given up with the refused one', async () => {
    const p = prefix('outbox-discard');
    const team = await serverGroup(`${p}Team`);
    const a = await client(dbName('outbox-discard'), p);
    await settled(a);
    await offline(a);
    await a.client.save('Group', { uid: team, name: `${p}Mine` });
    await rename(team, `${p}Theirs`);
    a.goOnline();
    await until('rejected', async () => (await a.client.rejections()).length === 1);
    const [record] = await a.client.rejections();
    await offline(a);
    const later = a.client.save('Group', { uid: team, name: `${p}Mine again` });
    await later;
    expect(await a.client.discard(record!.id)).toBe(true); // keep theirs
    await expect(later.server).rejects.toMatchObject({ rejection: { id: record!.id } });
    expect((await a.client.get('Group', team))?.name).toBe(`${p}Theirs`);
    expect(await a.client.outbox()).toEqual([]);
    a.goOnline();
    await settled(a);
    expect(await serverName(team)).toBe(`${p}Theirs`);
  });
});
