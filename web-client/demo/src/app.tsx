/** The demo's page: the header (link, switch, device), notices, the changes panel, then users, groups and documents. */
import { useEffect, type ReactNode } from 'react';
import { ChangesCard } from './changes.js';
import type { Device } from './connect.js';
import { DocumentsCard } from './documents.js';
import { Header } from './header.js';
import { useClient } from './hooks.js';
import { NoticeList, NoticeProvider, useNotify } from './notices.js';
import { GroupsCard, UsersCard } from './people.js';

export function App({ device }: { device: Device }): ReactNode {
  return (
    <NoticeProvider>
      <Header device={device} />
      <NoticeList />
      <SchemaNotice />
      <main className="columns">
        <ChangesCard />
        <UsersCard />
        <GroupsCard />
        <DocumentsCard user={device.user} />
      </main>
      <footer className="foot">
        Edits apply at once, offline too, and sync when the link returns. Switch this window offline above; tick “separate
        replica” to make it another device. GraphiQL: <a href="/q/graphql-ui/">/q/graphql-ui/</a>
      </footer>
    </NoticeProvider>
  );
}

/** The server runs a newer schema: the next opening (a reload) migrates the replica to it, pending changes kept. */
function SchemaNotice(): null {
  const client = useClient();
  const notify = useNotify();
  useEffect(() => client.onSchemaChange(() => notify('SCHEMA_CHANGED', 'The server was updated: reload the page to use its new version.')), [client, notify]);
  return null;
}
