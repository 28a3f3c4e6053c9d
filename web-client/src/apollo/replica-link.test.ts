import { ApolloClient, InMemoryCache, gql } from '@apollo/client';
import { describe, expect, it } from 'vitest';
import { TidemarkClient } from '../client.js';
import { demoSchema } from '../test-support/demo-schema.js';
import { freshName } from '../test-support/replica-fixture.js';
import { bindApolloToReplica, createReplicaLink, replicaTypePolicies } from './replica-link.js';

const GROUPS = gql`
  query Groups($name: String) {
    groups(where: { name: { startsWith: $name } }) {
      uid
      name
      memberships { uid user { uid name } }
    }
  }
`;

async function setUp() {
  const client = await TidemarkClient.open({
    url: 'http://localhost:1',
    connect: false,
    dbName: freshName(),
    schema: demoSchema,
    scopes: [{ table: 'User' }, { table: 'Group' }, { table: 'UserGroup' }],
  });
  const apollo = new ApolloClient({ link: createReplicaLink(client), cache: new InMemoryCache({ typePolicies: replicaTypePolicies(client) }) });
  return { client, apollo };
}

describe('Apollo Client over the replica', () => {
  it('should answer a query with relations from the replica, keyed by uid in the cache', async () => {
    const { client, apollo } = await setUp();
    const ann = await client.save('User', { name: 'Ann' });
    const red = await client.save('Group', { name: 'Red' });
    const member = await client.save('UserGroup', { userUid: ann.uid, groupUid: red.uid });
    await client.save('Group', { name: 'Blue' });
    const { data } = await apollo.query({ query: GROUPS, variables: { name: 'R' } });
    expect(data).toEqual({
      groups: [{ __typename: 'Group', uid: red.uid, name: 'Red', memberships: [{ __typename: 'UserGroup', uid: member.uid, user: { __typename: 'User', uid: ann.uid, name: 'Ann' } }] }],
    });
    expect((apollo.cache.extract() as Record<string, unknown>)[`Group:{"uid":"${red.uid}"}`]).toMatchObject({ name: 'Red' });
    await client.close();
  });

  it('should run save and delete mutations optimistically on the replica', async () => {
    const { client, apollo } = await setUp();
    const result = await apollo.mutate({
      mutation: gql`mutation { saveGroup(input: { uid: "00000000-0000-4000-8000-0000000000aa", name: "Green" }) { uid name version } }`,
    });
    expect(result.data).toEqual({ saveGroup: { __typename: 'Group', uid: '00000000-0000-4000-8000-0000000000aa', name: 'Green', version: 0 } });
    expect(await client.replica.pendingCount()).toBe(1);
    await apollo.mutate({ mutation: gql`mutation { deleteGroup(uid: "00000000-0000-4000-8000-0000000000aa") { uid deletedAt } }` });
    expect((await client.get('Group', '00000000-0000-4000-8000-0000000000aa'))?.deletedAt).not.toBeNull();
    await client.close();
  });

  it('should answer a field outside the sync schema with an error naming it', async () => {
    const { client, apollo } = await setUp();
    await client.save('User', { name: 'Ann' });
    const result = await apollo.query({ query: gql`{ users { uid groups { uid } } }`, errorPolicy: 'all' });
    expect(result.error?.message).toContain('User.groups is neither a column nor a relation of the sync schema');
    await client.close();
  });

  it('should update a watched query when the replica changes', async () => {
    const { client, apollo } = await setUp();
    const unbind = bindApolloToReplica(apollo, client);
    await client.save('Group', { name: 'Rust' });
    const seen: string[][] = [];
    const subscription = apollo.watchQuery({ query: GROUPS, variables: { name: 'R' } }).subscribe((result) => {
      if (result.data) seen.push((result.data as { groups: { name: string }[] }).groups.map((g) => g.name));
    });
    const deadline = Date.now() + 5000;
    while (!seen.some((names) => names.length === 1) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    await client.save('Group', { name: 'Ruby' });
    while (!seen.some((names) => names.length === 2) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(seen.at(-1)?.sort()).toEqual(['Ruby', 'Rust']);
    subscription.unsubscribe();
    unbind();
    await client.close();
  });
});
