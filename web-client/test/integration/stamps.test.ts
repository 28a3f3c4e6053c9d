import { describe, expect, it } from 'vitest';
import { dbName, gql, prefix, serverGroup, serverMembership, serverUser, settled, testClients, until } from './support.js';

const { client } = testClients();

type Sent = { groups?: { stamp?: string; heldDigest?: string; held?: string[] }[] };

describe('reconnect from the change log against the real server', () => {
  it('should send each scope\'s stamp on reconnect, be answered from the change log, and end with exactly the server\'s rows', async () => {
    const p = prefix('stamps');
    const groups: string[] = [];
    for (let i = 0; i < 12; i++) groups.push(await serverGroup(`${p}G${i}`));
    const ann = await serverUser(`${p}Ann`);
    const member = await serverMembership(ann, groups[2]!);
    const inputs: Sent[] = [];
    const c = await client(dbName('stamps'), p, {
      heldDigestFrom: 1,
      fetch: (url, init) => {
        if (init.body.includes('mutation Sync(')) inputs.push((JSON.parse(init.body) as { variables: { input: Sent } }).variables.input);
        return fetch(url, init);
      },
    });
    await settled(c);
    const groupScope = () => Object.values(c.client.state.progress).find((s) => s.table === 'Group')!;
    // The first sync came as a page (no stamp); the first reconnect compares the scope whole and stamps it.
    c.goOffline();
    await until('link closed on offline', () => !c.client.state.online);
    c.goOnline();
    await until('a sync after reconnecting', () => inputs.length > 0);
    await settled(c);
    expect(inputs[0]!.groups![0]!.stamp).toBeUndefined();
    expect(groupScope().answeredBy).toEqual({ source: 'COMPARISON', fallback: 'NO_STAMP' });

    c.goOffline();
    await until('link closed on offline', () => !c.client.state.online);
    // Missed while offline: a rename, a delete (cascading to the membership), a new row, a row leaving the scope.
    await gql('mutation($uid: String!, $n: String!) { saveGroup(input: {uid: $uid, name: $n}) { uid } }', { uid: groups[0], n: `${p}Renamed` });
    await gql('mutation($uid: String!) { deleteGroup(uid: $uid) { uid } }', { uid: groups[2] });
    const added = await serverGroup(`${p}New`);
    await gql('mutation($uid: String!, $n: String!) { saveGroup(input: {uid: $uid, name: $n}) { uid } }', { uid: groups[3], n: 'elsewhere' });
    inputs.length = 0;
    c.goOnline();
    await until('a sync after reconnecting', () => inputs.length > 0);
    await settled(c);

    const sent = inputs[0]!.groups![0]!;
    expect(sent.stamp).toMatch(/^2:/); // the stamp of the last sync, with the digest as the protocol asks
    expect(sent.heldDigest).toBeTypeOf('string');
    expect(groupScope().answeredBy).toEqual({ source: 'CHANGE_LOG', fallback: null });
    const server = await gql<{ groups: { uid: string; name: string; version: number }[] }>(
      'query($p: String!) { groups(where: {name: {startsWith: $p}}) { uid name version } }', { p });
    const local = await c.client.list('Group');
    expect(local.map((g) => [g.uid, g.name, g.version]).sort()).toEqual(server.groups.map((g) => [g.uid, g.name, g.version]).sort());
    expect(local.some((g) => g.uid === added)).toBe(true);
    expect(await c.client.get('Group', groups[3]!)).toBeUndefined(); // left the scope
    const membership = await c.client.get('UserGroup', member);
    expect(membership === undefined || membership.deletedAt !== null).toBe(true);
  });
});
