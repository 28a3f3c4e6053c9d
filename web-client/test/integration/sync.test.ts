import { describe, expect, it } from 'vitest';
import { dbName, gql, prefix, serverGroup, serverMembership, serverUser, settled, testClients, until } from './support.js';

const { client } = testClients();

describe('start-up and writes against the real server', () => {
  it('should subscribe, wait for READY and sync its scopes into IndexedDB at start-up, relation scopes included', async () => {
    const p = prefix('startup');
    const ann = await serverUser(`${p}Ann`);
    const red = await serverGroup(`${p}Red`);
    const member = await serverMembership(ann, red);
    await serverUser('someone else');
    const a = await client(dbName('startup'), p);
    await settled(a);
    expect((await a.client.list('User')).map((u) => u.uid)).toEqual([ann]);
    expect((await a.client.list('UserGroup')).map((m) => m.uid)).toEqual([member]);
    expect((await a.client.list('Group', { where: { memberships: { some: { userUid: { eq: ann } } } } })).map((g) => g.name)).toEqual([`${p}Red`]);
  });

  it('should save and delete optimistically offline and flush the outbox on reconnect, taking the server versions', async () => {
    const p = prefix('outbox');
    const old = await serverGroup(`${p}Old`);
    const a = await client(dbName('outbox'), p);
    await settled(a);
    a.goOffline();
    await until('link closed on offline', () => !a.client.state.online);
    const green = await a.client.save('Group', { name: `${p}Green` });
    await a.client.delete('Group', old);
    expect(green.version).toBe(0);
    expect(a.client.state.pending).toBe(2);
    const before = await gql<{ groups: unknown[] }>('query($p: String!) { groups(where: {name: {startsWith: $p}}) { uid } }', { p });
    expect(before.groups).toHaveLength(1); // nothing reached the server while offline

    a.goOnline();
    await settled(a);
    const saved = await a.client.get('Group', green.uid);
    const server = await gql<{ groups: { uid: string; version: number; deletedAt: string | null }[] }>(
      'query($p: String!) { groups(where: {name: {startsWith: $p}}, includeDeleted: true) { uid version deletedAt } }', { p });
    const onServer = new Map(server.groups.map((g) => [g.uid, g]));
    expect(saved?.version).toBe(onServer.get(green.uid)?.version);
    expect(saved?.version).toBeGreaterThan(0);
    expect(onServer.get(old)?.deletedAt).not.toBeNull();
    expect((await a.client.get('Group', old))?.version).toBe(onServer.get(old)?.version);
  });

  it('should apply live events from other writers, each only when newer than the row held', async () => {
    const p = prefix('live');
    const a = await client(dbName('live'), p);
    await settled(a);
    const red = await serverGroup(`${p}Red`);
    await until('the UPSERT event', async () => (await a.client.get('Group', red)) !== undefined);
    await gql('mutation($uid: String!, $n: String!) { saveGroup(input: {uid: $uid, name: $n}) { uid } }', { uid: red, n: `${p}Ruby` });
    await gql('mutation($uid: String!, $n: String!) { saveGroup(input: {uid: $uid, name: $n}) { uid } }', { uid: red, n: `${p}Rose` });
    const server = await gql<{ groups: { version: number }[] }>('query($u: String!) { groups(where: {uid: {eq: $u}}) { version } }', { u: red });
    await until('the last version', async () => (await a.client.get('Group', red))?.version === server.groups[0]!.version);
    expect((await a.client.get('Group', red))?.name).toBe(`${p}Rose`);
    await gql('mutation($uid: String!, $n: String!) { saveGroup(input: {uid: $uid, name: $n}) { uid } }', { uid: red, n: `Elsewhere ${p}` });
    await until('LEAVE_SCOPE removes the row', async () => (await a.client.get('Group', red)) === undefined);
  });

  it('should sync a large scope as a held digest and end with exactly the server\'s rows after missed changes', async () => {
    const p = prefix('digest');
    const groups: string[] = [];
    for (let i = 0; i < 12; i++) groups.push(await serverGroup(`${p}G${i}`));
    const ann = await serverUser(`${p}Ann`);
    const member = await serverMembership(ann, groups[2]!);
    const bodies: string[] = [];
    const c = await client(dbName('digest'), p, {
      heldDigestFrom: 1,
      fetch: (url, init) => {
        bodies.push(init.body);
        return fetch(url, init);
      },
    });
    await settled(c);
    expect((await c.client.list('Group')).length).toBe(12);

    c.goOffline();
    await until('link closed on offline', () => !c.client.state.online);
    // Missed while offline: a rename, a delete (cascading to the membership), a new row, a row leaving the scope.
    await gql('mutation($uid: String!, $n: String!) { saveGroup(input: {uid: $uid, name: $n}) { uid } }', { uid: groups[0], n: `${p}Renamed` });
    await gql('mutation($uid: String!) { deleteGroup(uid: $uid) { uid } }', { uid: groups[2] });
    const added = await serverGroup(`${p}New`);
    await gql('mutation($uid: String!, $n: String!) { saveGroup(input: {uid: $uid, name: $n}) { uid } }', { uid: groups[3], n: 'elsewhere' });
    bodies.length = 0;
    c.goOnline();
    await until('a sync after reconnecting', () => bodies.some((b) => b.includes('mutation Sync')));
    await settled(c);

    const sync = bodies.find((b) => b.includes('mutation Sync'))!;
    expect(sync).toContain('"heldDigest"');
    expect(sync).not.toContain('"held"');
    const server = await gql<{ groups: { uid: string; name: string; version: number }[] }>(
      'query($p: String!) { groups(where: {name: {startsWith: $p}}) { uid name version } }', { p });
    const local = await c.client.list('Group');
    expect(local.map((g) => [g.uid, g.name, g.version]).sort()).toEqual(server.groups.map((g) => [g.uid, g.name, g.version]).sort());
    expect(local.some((g) => g.uid === added)).toBe(true);
    expect(await c.client.get('Group', groups[3]!)).toBeUndefined(); // left the scope
    const membership = await c.client.get('UserGroup', member);
    expect(membership === undefined || membership.deletedAt !== null).toBe(true); // no live membership of a deleted group
  });
});
