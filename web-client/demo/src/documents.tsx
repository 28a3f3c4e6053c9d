/**
 * The tutorial's documents and their events ("notes"): the user's documents are in the replica
 * from the start (a scope declared at `open`); a document's events are not, until the user opens
 * it: the open document holds a scope of its events (`useScope`), which the client subscribes and
 * syncs alone, and closing it releases the scope, which evicts those events from the replica
 * (unless another tab of this replica has the document open too: the tabs' scopes are one union).
 */
import type { ScopeProgress, TidemarkClient } from '@tidemark/web-client';
import { useState, type ReactNode } from 'react';
import { AddForm, Card } from './forms.js';
import { useClient, useLiveQuery, useScope } from './hooks.js';
import { Badge } from './people.js';
import { useUnsynced } from './changes.js';
import { useWrite } from './notices.js';
import type { Schema, UserDocument } from './tidemark-types.js';

export function DocumentsCard({ user }: { user: string }): ReactNode {
  const client = useClient();
  const write = useWrite();
  const unsynced = useUnsynced();
  const { data: documents = [] } = useLiveQuery((db) => db.list('UserDocument'), []);
  const [open, setOpen] = useState<ReadonlySet<string>>(new Set());
  const toggle = (uid: string): void => setOpen((before) => {
    const next = new Set(before);
    if (!next.delete(uid)) next.add(uid);
    return next;
  });
  return (
    <Card id="documents" title="Documents">
      <AddForm id="new-document" submit="Add document" fields={[{ name: 'name', label: "New document's title", placeholder: 'Title', required: true }]}
        onAdd={(v) => write(async () => {
          await ensureOwner(client, user);
          return client.save('UserDocument', { userUid: user, title: v.name! });
        })} />
      <ul className="items" data-testid="documents">
        {documents.length === 0 ? <li className="empty muted">No documents yet.</li> : documents.map((doc) => {
          const isOpen = open.has(doc.uid);
          return (
            <li key={doc.uid} className="item" data-testid="document" data-uid={doc.uid} data-name={doc.title} data-open={String(isOpen)}>
              <div className="item-head">
                <span className="name">{doc.title}</span>
                {unsynced.has(`UserDocument:${doc.uid}`) ? <Badge /> : null}
                <span className="actions">
                  <button type="button" className="secondary" aria-label={`${isOpen ? 'Close' : 'Open'} ${doc.title}`} aria-expanded={isOpen}
                    onClick={() => toggle(doc.uid)}>{isOpen ? 'Close' : 'Open'}</button>
                  <button type="button" className="danger" aria-label={`Delete ${doc.title}`}
                    onClick={() => write(() => client.delete('UserDocument', doc.uid))}>Delete</button>
                </span>
              </div>
              {isOpen ? <OpenDocument doc={doc} /> : null}
            </li>
          );
        })}
      </ul>
    </Card>
  );
}

/** An open document: its events' scope is held while this is mounted, and its notes read live. */
function OpenDocument({ doc }: { doc: UserDocument }): ReactNode {
  const client = useClient();
  const write = useWrite();
  const unsynced = useUnsynced();
  const scope = useScope('UserDocumentEvent', { documentUid: { eq: doc.uid } });
  const { data: events = [] } = useLiveQuery((db) => db.list('UserDocumentEvent', { where: { documentUid: { eq: doc.uid } } }), [doc.uid]);
  const status = scope.error ? `Its notes could not be loaded: ${scope.error.message}` : !scope.ready ? loading(scope.progress) : events.length === 0 ? 'No notes yet.' : null;
  return (
    <div className="document-events" data-testid="document-events" data-ready={String(scope.ready)}>
      <ul className="events">
        {events.map((event) => (
          <li key={event.uid} className="event" data-testid="event" data-payload={event.payload ?? ''}>
            <span className="event-body">
              <span className="event-text">{event.payload}</span>
              {unsynced.has(`UserDocumentEvent:${event.uid}`) ? <span className="dot-pending" title="not synced yet">•</span> : null}
              <span className="muted event-meta">{event.kind} · {new Date(event.createdAt).toLocaleString()}</span>
            </span>
            <button type="button" className="chip-remove" aria-label={`Remove note ${event.payload ?? ''}`}
              onClick={() => write(() => client.delete('UserDocumentEvent', event.uid))}>×</button>
          </li>
        ))}
        {status ? <li className="muted">{status}</li> : null}
      </ul>
      <AddForm id={`note-${doc.uid}`} submit="Add note" fields={[{ name: 'note', label: `Note for ${doc.title}`, placeholder: 'A note', required: true }]}
        onAdd={(v) => write(() => client.save('UserDocumentEvent', { documentUid: doc.uid, kind: 'note', payload: v.note! }))} />
    </div>
  );
}

/** "Loading its notes…", with how many came so far once the first page is in. */
function loading(progress: ScopeProgress | null): string {
  if (!progress || progress.received === 0) return 'Loading its notes…';
  return `Loading its notes… ${progress.received}${progress.total !== null ? ` of ${progress.total}` : ''}`;
}

/**
 * The User row a document belongs to: the person's own, made the first time they add a document
 * (the server refuses a document whose user it does not have). When the replica does not hold it,
 * it waits for the users to be synced first, so that a row made on another device is found rather
 * than overwritten.
 */
async function ensureOwner(client: TidemarkClient<Schema>, user: string): Promise<void> {
  if (await client.get('User', user)) return;
  await client.scope('User').ready; // the scope declared at open: its handle, ready once the users are synced
  if (await client.get('User', user)) return;
  await client.save('User', { uid: user, name: `Me (${user.slice(0, 8)})` });
}
