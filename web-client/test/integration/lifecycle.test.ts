import { ApolloClient, InMemoryCache, gql as apolloGql } from '@apollo/client';
import { describe, expect, it } from 'vitest';
import { bindApolloToReplica, createReplicaLink, replicaTypePolicies } from '../../src/apollo/replica-link.js';
import { SYNC_SCHEMA_QUERY, type SyncSchema } from '../../src/index.js';
import { dbName, gql, prefix, serverGroup, settled, testClients, until } from './support.js';

const { open, client } = testClients();

const onServer = async (p: string) =>
  (await gql<{ users: { uid: string; name: string; email: string | null }[] }>('query($p: String!) { users(where: {name: {startsWith: $p}}) { uid name email } }', { p })).users;

describe('the replica across reloads, tabs and schema changes', () => {
  it('should keep pending changes across a reload and send them from the new instance', async () => {
    const p = prefix('reload');
    const db = dbName('reload');
    const first = await client(db, p);
    await settled(first);
    first.goOffline();
    const made = await first.client.save('User', { name: `${p}Made before the reload` });
    await first.client.close();
    open.splice(open.indexOf(first), 1);

    const local = await client(db, p, { connect: false });
    expect((await local.client.replica.outbox()).map((e) => e.uid)).toEqual([made.uid]);
    await local.client.close();
    open.splice(open.indexOf(local), 1);

    const reloaded = await client(db, p);
    await settled(reloaded);
    expect((await onServer(p)).map((u) => u.uid)).toEqual([made.uid]);
    expect((await reloaded.client.get('User', made.uid))?.version).toBeGreaterThan(0);
  });

  it('should let two tabs share one replica with one leader talking to the server', async () => {
    const p = prefix('tabs');
    const db = dbName('tabs');
    const tab1 = await client(db, p);
    const tab2 = await client(db, p);
    await settled(tab1);
    expect([tab1.client.state.leader, tab2.client.state.leader]).toEqual([true, false]);
    await until('the follower shows the leader\'s link state', () => tab2.client.state.online);
    const fromTab2 = await tab2.client.save('User', { name: `${p}Written in tab 2` });
    await until('the leader flushed tab 2\'s change', async () => (await tab2.client.get('User', fromTab2.uid))?.version !== 0);
    expect((await onServer(p)).map((u) => u.uid)).toEqual([fromTab2.uid]);
    const seen: number[] = [];
    tab2.client.watchList('Group', {}, (rows) => seen.push(rows.length));
    const live = await serverGroup(`${p}Live`);
    await until('tab 2 sees the event the leader applied', async () => (await tab2.client.get('Group', live)) !== undefined && seen.at(-1) === 1);

    await tab1.client.close();
    open.splice(open.indexOf(tab1), 1);
    await until('tab 2 takes over', () => tab2.client.state.leader && tab2.client.state.online);
    const after = await tab2.client.save('User', { name: `${p}After the handover` });
    await until('the new leader flushed', async () => ((await tab2.client.get('User', after.uid))?.version ?? 0) > 0);
  });

  it('should show a tab opened after the leader settled the leader\'s link, without waiting for a change', async () => {
    const p = prefix('late-tab');
    const db = dbName('late-tab');
    const leader = await client(db, p);
    await settled(leader);
    const { lastSyncAt } = leader.client.state;
    const late = await client(db, p);
    await until('the late tab shows the link', () => late.client.state.online);
    expect(late.client.state).toMatchObject({ online: true, leader: false, lastSyncAt });
    expect(leader.client.state.lastSyncAt).toBe(lastSyncAt); // nothing happened since: it was told, not woken by a change
  });

  it('should serve Apollo Client queries from the replica and update them on live events', async () => {
    const p = prefix('apollo');
    const a = await client(dbName('apollo'), p);
    await settled(a);
    const apollo = new ApolloClient({ link: createReplicaLink(a.client), cache: new InMemoryCache({ typePolicies: replicaTypePolicies(a.client) }) });
    const unbind = bindApolloToReplica(apollo, a.client);
    const names: string[][] = [];
    const watched = apollo.watchQuery({ query: apolloGql`query($p: String) { groups(where: {name: {startsWith: $p}}) { uid name } }`, variables: { p } })
      .subscribe((r) => { if (r.data) names.push((r.data as { groups: { name: string }[] }).groups.map((g) => g.name)); });
    await until('the first answer', () => names.length > 0);
    expect(names.at(-1)).toEqual([]);
    await serverGroup(`${p}From the server`);
    await until('the event reached the Apollo query', () => names.at(-1)?.length === 1);
    expect(names.at(-1)).toEqual([`${p}From the server`]);
    watched.unsubscribe();
    unbind();
  });

  it('should migrate the replica to a changed server schema without losing pending changes', async () => {
    const p = prefix('migrate');
    const db = dbName('migrate');
    const real = (await gql<{ syncSchema: SyncSchema }>(SYNC_SCHEMA_QUERY)).syncSchema;
    const older: SyncSchema = { version: 'an older release', tables: real.tables.map((t) => ({ ...t, columns: t.columns.filter((c) => c.name !== 'email') })) };
    const existing = crypto.randomUUID();
    await gql('mutation($uid: String!, $n: String!) { saveUser(input: {uid: $uid, name: $n, email: "ann@example.org"}) { uid } }', { uid: existing, n: `${p}Ann` });

    const before = await client(db, p, { schema: older });
    const told: string[] = [];
    before.client.onSchemaChange((version) => told.push(version));
    await settled(before);
    await until('the app told that the server schema changed', () => told.length > 0);
    expect(told).toEqual([real.version]);
    expect(await before.client.get('User', existing)).not.toHaveProperty('email');
    before.goOffline();
    const pending = await before.client.save('User', { name: `${p}Made offline` });
    await before.client.close();
    open.splice(open.indexOf(before), 1);

    const after = await client(db, p); // fetches the server's schema
    expect(after.client.migration).toMatchObject({ from: 'an older release', to: real.version, discarded: [] });
    expect(after.client.migration?.resynced).toContain('User');
    await settled(after);
    expect((await onServer(p)).map((u) => u.uid).sort()).toEqual([existing, pending.uid].sort());
    expect((await after.client.get('User', existing))?.email).toBe('ann@example.org');
  });
});
