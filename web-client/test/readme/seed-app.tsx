import { TidemarkClient } from '@tidemark/web-client';
import { createTidemarkHooks, TidemarkProvider } from '@tidemark/web-client/react';
import { createRoot } from 'react-dom/client';
import type { Schema } from '../../demo/src/tidemark-types.js'; // written by tidemark-codegen

const { useClient, useLiveQuery, useSyncState } = createTidemarkHooks<Schema>();

export function Seed() {
  const client = useClient();
  const { online, pending } = useSyncState();
  const { data: groups = [] } = useLiveQuery((db) => db.list('Group'), []);
  const { data: users = [] } = useLiveQuery(async (db) => {
    const memberships = await db.list('UserGroup'); // live ones: a deleted group's go with it
    return Promise.all((await db.list('User')).map(async (user) => ({
      user,
      groups: await Promise.all(memberships.filter((m) => m.userUid === user.uid).map(async (m) => (await db.get('Group', m.groupUid))?.name)),
    })));
  }, []);
  return (
    <main>
      <p>{online ? 'online' : 'offline'}, {pending} waiting</p>
      <ul>{groups.map((g) => <li key={g.uid}>{g.name} <button onClick={() => client.delete('Group', g.uid)}>delete {g.name}</button></li>)}</ul>
      <ul>{users.map(({ user, groups }) => <li key={user.uid}>{user.name}: {groups.join(', ')}</li>)}</ul>
    </main>
  );
}

export async function start(root: HTMLElement, token: () => Promise<string>): Promise<void> {
  const client = await TidemarkClient.open<Schema>({
    url: location.origin, token, scopes: [{ table: 'User' }, { table: 'Group' }, { table: 'UserGroup' }],
  });
  createRoot(root).render(<TidemarkProvider client={client}><Seed /></TidemarkProvider>);
}
